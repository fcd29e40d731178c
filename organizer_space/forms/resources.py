"""An event's resources after the event (events/resources.py): a link or a PDF file."""

from django import forms
from dsfr.forms import DsfrBaseForm

from events.models import EventResource
from events.resources import MAX_FILE_BYTES, MAX_FILE_LABEL

PDF_SIGNATURE = b"%PDF-"


class ResourceForm(DsfrBaseForm):
    """A resource: a link (https) or a PDF file of at most 10 MB, checked by its content."""

    kind = forms.ChoiceField(label="Nature", choices=EventResource.Kind.choices)
    title = forms.CharField(
        label="Titre",
        max_length=150,
        help_text="Ce que le public trouvera : « Replay de la table ronde », « Supports ».",
        error_messages={"required": "Indiquez le titre de la ressource."},
    )
    url = forms.URLField(
        label="Lien",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Une adresse sécurisée. Format attendu : https://exemple.fr/replay",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        error_messages={
            "invalid": "Saisissez une adresse web valide, par exemple https://exemple.fr."
        },
    )
    file = forms.FileField(
        label="Ou un fichier PDF",
        required=False,
        help_text=f"Un document PDF de {MAX_FILE_LABEL} au plus.",
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={
            "invalid": "Le fichier n’a pas pu être lu : choisissez-le de nouveau.",
            "empty": "Le fichier choisi est vide.",
        },
    )

    def __init__(self, *args, resource: EventResource | None = None, **kwargs) -> None:
        self.resource = resource
        if resource is not None:
            kwargs.setdefault(
                "initial", {"kind": resource.kind, "title": resource.title, "url": resource.url}
            )
        super().__init__(*args, **kwargs)
        if resource is not None:
            # A resource stays what it is: a link keeps a link, a file may get a new file.
            if resource.is_file:
                del self.fields["url"]
                self.fields["file"].label = "Remplacer le fichier PDF"
                self.fields[
                    "file"
                ].help_text = f"Facultatif : un autre document PDF de {MAX_FILE_LABEL} au plus."
            else:
                del self.fields["file"]
                self.fields["url"].required = True
                self.fields["url"].error_messages["required"] = "Indiquez le lien."

    def clean_url(self) -> str:
        url = self.cleaned_data.get("url") or ""
        if url and not url.lower().startswith("https://"):
            raise forms.ValidationError(
                "Indiquez une adresse sécurisée, qui commence par https://.", code="https"
            )
        return url

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"Le fichier pèse plus de {MAX_FILE_LABEL} : réduisez-le (export PDF « taille "
                "réduite ») ou déposez-le ailleurs et indiquez plutôt son lien.",
                code="too_big",
            )
        upload.seek(0)
        head = upload.read(len(PDF_SIGNATURE))
        upload.seek(0)
        if head != PDF_SIGNATURE:
            raise forms.ValidationError(
                "Ce fichier n’est pas un document PDF : enregistrez-le au format PDF, puis "
                "choisissez-le de nouveau.",
                code="not_pdf",
            )
        return upload

    def clean(self) -> dict:
        data = super().clean()
        if self.resource is None and not self.errors:
            url, upload = data.get("url"), data.get("file")
            if url and upload:
                raise forms.ValidationError(
                    "Indiquez un lien ou joignez un fichier PDF, pas les deux.", code="both"
                )
            if not url and not upload:
                raise forms.ValidationError(
                    "Indiquez le lien de la ressource ou joignez un fichier PDF.", code="none"
                )
        if self.errors and "file" in self.fields and self.files:
            # A browser never refills a file input: say so rather than lose it silently.
            self.add_error(None, "Pour ajouter le fichier, choisissez-le de nouveau.")
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "url": data.get("url") or "",
            "file": data.get("file") or None,
        }
