"""The organiser's event form, its status-change forms and « Changer l’état »."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from dsfr.forms import DsfrBaseForm

from events.changes import ORGANIZER_FIELDS, ORGANIZER_M2M_FIELDS
from events.enums import ACCESSIBILITY_FEATURES, ScheduleStatus
from events.images import StoredImage, image_of, read_upload
from events.models import Event, Format, Theme
from events.states import STATES
from labs.models import Lab
from moisinno.forms import (
    BoundedModelMultipleChoiceField,
    KeptChoices,
    NamePicker,
    NamePickerField,
)
from organizers.models import Organization

# (anchor, title, introduction, fields): the sections of the event form, in order. The
# "dates" section also holds the sessions.
EVENT_FORM_SECTIONS = [
    (
        "presentation",
        "Présentation",
        "Ce que verra le public dans le programme.",
        ["title", "summary", "description", "format", "themes", "audience"],
    ),
    (
        "image",
        "Image",
        "Facultative. Elle illustre l’événement dans le programme et sur sa page.",
        ["image_file", "image_remove", "image_alt", "image_decorative", "image_credit"],
    ),
    (
        "dates",
        "Séances : dates, lieu et modalité",
        "Une ou plusieurs séances, pendant les dates de l’édition ; chacune en présentiel, "
        "en ligne, ou les deux (par exemple un webinaire puis un atelier sur place).",
        ["derogation_requested", "derogation_justification"],
    ),
    (
        "inscription",
        "Inscription",
        "Comment le public s’inscrit, et combien de personnes vous accueillez.",
        [
            "registration_mode",
            "registration_url",
            "registration_email",
            "capacity",
            "is_free",
        ],
    ),
    (
        "accessibilite",
        "Accessibilité",
        "Les aménagements prévus pour les personnes en situation de handicap.",
        list(ACCESSIBILITY_FEATURES),
    ),
    (
        "partenaires",
        "Partenaires",
        "Les autres organisations et les laboratoires d’innovation qui y participent.",
        ["co_organizers", "labs"],
    ),
    (
        "contacts",
        "Contacts",
        "Le contact public figure sur la page de l’événement ; le contact pour la DITP reste "
        "confidentiel.",
        [
            "public_contact_name",
            "public_contact_email",
            "private_contact_name",
            "private_contact_email",
            "private_contact_phone",
        ],
    ),
]

# Progressive enhancement (static/js/event-form.js): these fields only show for some modes.
CONDITIONAL_FIELDS = {
    "registration_url": ("registration_mode", "link"),
    "registration_email": ("registration_mode", "email"),
    # With on-platform registration, each session has its own number of places.
    "capacity": ("registration_mode", "none link email"),
    "derogation_justification": ("derogation_requested", "on"),
}


@dataclass(frozen=True)
class FormSection:
    anchor: str
    title: str
    introduction: str
    fields: list


#: Written from the upload (events/images.py), never typed.
UPLOADED_IMAGE_FIELDS = ("image", "image_width", "image_height")

IMAGE_ALT_REQUIRED = (
    "Décrivez l’image en quelques mots pour les personnes qui ne la voient pas, ou cochez "
    "« Image décorative » si elle n’apporte aucune information."
)


class ImageInput(forms.ClearableFileInput):
    """The DSFR upload field (its classes; the current image is shown by the form's page)."""

    template_name = "django/forms/widgets/file.html"
    group_class = "fr-upload-group"

    def __init__(self) -> None:
        super().__init__(attrs={"class": "fr-upload", "accept": "image/jpeg,image/png,image/webp"})


PICKER_HINT = (
    "Tapez une partie du nom, puis choisissez dans la liste. Sans liste\u00a0: écrivez le nom "
    "et enregistrez\u00a0; séparez plusieurs noms par «\u00a0;\u00a0»."
)


class EventForm(forms.ModelForm, DsfrBaseForm):
    """Everything but the title may stay empty in a draft: submission checks completeness.

    The image: a file input cannot be filled in again by the browser, so when the page comes
    back with another error, the view has already stored a valid upload (`keep_upload`) and
    the form carries it in a signed hidden field (`image_pending`), shown as « image envoyée »."""

    image_file = forms.FileField(
        label="Image",
        required=False,
        widget=ImageInput(),
        help_text=(
            "Formats acceptés : JPEG, PNG ou WebP. 5 Mo au plus, 800 pixels de large au moins "
            "(idéalement 1 200 pixels, au format paysage)."
        ),
    )
    image_pending = forms.CharField(required=False, widget=forms.HiddenInput)
    image_remove = forms.BooleanField(label="Retirer l’image", required=False)

    class Meta:
        model = Event
        fields = [
            *(name for name in ORGANIZER_FIELDS if name not in UPLOADED_IMAGE_FIELDS),
            *ORGANIZER_M2M_FIELDS,
        ]
        # A key beyond the database's integers is a form error, not a server error on SQLite.
        # Organisations and labs are too many for a menu: they are picked by name.
        field_classes = {
            **dict.fromkeys(ORGANIZER_M2M_FIELDS, BoundedModelMultipleChoiceField),
            "co_organizers": NamePickerField,
            "labs": NamePickerField,
        }
        labels = {
            "summary": "Résumé",
            "is_free": "L’événement est gratuit",
            "capacity": "Nombre de places",
            "derogation_requested": "Je demande une dérogation aux dates de l’édition",
            "derogation_justification": "Justification de la dérogation",
            "public_contact_name": "Nom du contact public",
            "public_contact_email": "Courriel du contact public",
            "private_contact_name": "Nom du contact pour la DITP",
            "private_contact_email": "Courriel du contact pour la DITP",
            "private_contact_phone": "Téléphone du contact pour la DITP",
            "co_organizers": "Organisations co-organisatrices",
            "labs": "Laboratoires d’innovation impliqués",
            "image_alt": "Texte alternatif de l’image",
            "image_decorative": "Image décorative",
            "image_credit": "Crédit de l’image",
        }
        help_texts = {
            "title": "Un titre court et explicite, sans le nom de l’organisation.",
            "summary": "200 caractères au plus. Il s’affiche dans la liste du programme.",
            "description": "Déroulé, intervenants, ce que les participants vont y faire.",
            "themes": "Une ou plusieurs thématiques, pour que le public trouve l’événement.",
            "derogation_requested": (
                "Pour un événement proche des dates de l’édition : s’il est accepté, il figure "
                "dans la rubrique « … c’est aussi »."
            ),
            "derogation_justification": (
                "Expliquez pourquoi l’événement a lieu en dehors des dates de l’édition."
            ),
            "registration_url": "Format attendu : https://exemple.fr/inscription",
            "registration_email": "Format attendu : nom@exemple.gouv.fr",
            "capacity": "Laissez vide si le nombre de places n’est pas limité.",
            "registration_mode": (
                "Avec l’inscription sur la plateforme, le public s’inscrit sur la page de "
                "l’événement, sans compte ; vous indiquez les places de chaque séance dans "
                "« Séances », et vous retrouvez les listes dans votre espace."
            ),
            "is_free": (
                "Le Mois de l’innovation publique ne référence que des événements gratuits."
            ),
            "co_organizers": "Les autres organisations qui préparent l’événement avec vous.",
            "labs": "Les laboratoires d’innovation publique qui y participent.",
            "public_contact_email": "Affiché sur la page de l’événement.",
            "private_contact_email": (
                "L’équipe DITP l’utilise pour toute question sur l’événement ; il n’est pas publié."
            ),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "derogation_justification": forms.Textarea(attrs={"rows": 3}),
            "themes": forms.CheckboxSelectMultiple,
            "registration_mode": forms.RadioSelect,
            "co_organizers": NamePicker(
                add_label="Ajouter une organisation",
                add_hint=PICKER_HINT,
                chosen_label="Organisations co-organisatrices choisies",
            ),
            "labs": NamePicker(
                add_label="Ajouter un laboratoire",
                add_hint=PICKER_HINT,
                chosen_label="Laboratoires choisis",
            ),
            "registration_url": forms.URLInput(attrs={"placeholder": "https://"}),
            "private_contact_phone": forms.TextInput(attrs={"type": "tel"}),
        }

    def __init__(
        self, *args, organization: Organization | None = None, user=None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user_id = getattr(user, "pk", None)
        self.uploaded: StoredImage | None = None
        if not self.instance.image:
            del self.fields["image_remove"]
        self.fields["format"].queryset = Format.objects.order_by("position", "name")
        self.fields["format"].empty_label = "Choisir un format"
        self.fields["themes"].queryset = Theme.objects.order_by("position", "name")
        KeptChoices(self, "event-organiser", ["format", "themes"])
        self.fields["labs"].queryset = Lab.objects.order_by("name")
        co_organizers = Organization.objects.order_by("name")
        if organization is not None:
            co_organizers = co_organizers.exclude(pk=organization.pk)
        self.fields["co_organizers"].queryset = co_organizers
        self.fields["co_organizers"].nothing_found = "Aucune organisation"
        self.fields["labs"].nothing_found = "Aucun laboratoire"
        self.fields["capacity"].validators.append(
            MinValueValidator(1, "Indiquez un nombre de places supérieur ou égal à 1.")
        )
        self.fields["capacity"].widget.attrs["min"] = 1
        for name in ("registration_mode", "audience"):
            # A model default is never "no choice": drop the empty option.
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
        for name, (controller, values) in CONDITIONAL_FIELDS.items():
            self.fields[name].widget.attrs.update(
                {"data-show-if": controller, "data-show-values": values}
            )

    def sections(self) -> list[FormSection]:
        return [
            FormSection(
                anchor, title, introduction, [self[name] for name in names if name in self.fields]
            )
            for anchor, title, introduction, names in EVENT_FORM_SECTIONS
        ]

    def clean_image_file(self):
        upload = self.cleaned_data.get("image_file")
        return read_upload(upload) if upload else None

    def clean_image_pending(self) -> StoredImage | None:
        token = self.cleaned_data.get("image_pending")
        if not token:
            return None
        image = StoredImage.from_token(token, user_id=self.user_id)
        if image is None:
            raise ValidationError(
                "L’image envoyée précédemment n’est plus disponible : choisissez-la de nouveau."
            )
        return image

    def clean(self) -> dict:
        data = super().clean()
        has_image = bool(
            data.get("image_file")
            or data.get("image_pending")
            or (self.instance.image and not data.get("image_remove"))
        )
        alt = (data.get("image_alt") or "").strip()
        if has_image and not data.get("image_decorative") and not alt and "image_alt" in data:
            self.add_error("image_alt", IMAGE_ALT_REQUIRED)
        return data

    def new_upload(self):
        """The valid file just sent (`PreparedImage`), even when other fields are wrong."""
        return getattr(self, "cleaned_data", {}).get("image_file")

    def keep_upload(self, image: StoredImage) -> None:
        """`image` is stored: save it with the event, or carry it if the page comes back."""
        self.uploaded = image
        self.data = self.data.copy()
        self.data[self.add_prefix("image_pending")] = image.token(user_id=self.user_id)

    @property
    def chosen_image(self) -> StoredImage | None:
        """The image the event will have: the new upload, the one sent before the page came
        back, none if removed, else the current one."""
        data = getattr(self, "cleaned_data", {})
        if self.uploaded is not None:
            return self.uploaded
        if data.get("image_pending"):
            return data["image_pending"]
        if data.get("image_remove"):
            return None
        return image_of(self.instance.image, self.instance.image_width, self.instance.image_height)

    @property
    def pending_image(self) -> StoredImage | None:
        """An image sent but not saved yet (the page came back with another error)."""
        return self.uploaded or getattr(self, "cleaned_data", {}).get("image_pending")

    def service_kwargs(self) -> dict:
        """The validated data, shaped for `event_create` / `event_update`."""
        data = self.cleaned_data
        image = self.chosen_image
        fields = {
            name: data[name] for name in ORGANIZER_FIELDS if name not in UPLOADED_IMAGE_FIELDS
        }
        fields.update(
            image=image.key if image else "",
            image_width=image.width if image else None,
            image_height=image.height if image else None,
        )
        return {
            "fields": fields,
            "m2m": {name: data[name] for name in ORGANIZER_M2M_FIELDS},
        }


class EventScheduleForm(DsfrBaseForm):
    """The organisers' « Changer l’état » of a published event (events/schedule.py); the new
    sessions of « Reprogrammé » come with it in a `SessionFormSet`."""

    schedule_status = forms.ChoiceField(
        label="État de l’événement",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez l’état de l’événement.",
            "invalid_choice": "Choisissez l’un des états proposés.",
        },
    )
    message = forms.CharField(
        label="Message affiché sur la page de l’événement",
        help_text=(
            "Obligatoire : expliquez au public ce qui change (nouvelles dates, lien de "
            "connexion, liste d’attente…)."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Écrivez le message affiché sur la page de l’événement."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["schedule_status"].choices = [
            (value, f"{label} — {STATES[value].hint}") for value, label in ScheduleStatus.choices
        ]

    @property
    def rescheduling(self) -> bool:
        return self.data.get(self.add_prefix("schedule_status")) == ScheduleStatus.RESCHEDULED


class EventCancelForm(DsfrBaseForm):
    reason = forms.CharField(
        label="Motif de l’annulation",
        help_text="Il s’affiche sur la page publique de l’événement.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Indiquez le motif de l’annulation."},
    )


class EventResubmitForm(DsfrBaseForm):
    message = forms.CharField(
        label="Votre réponse à l’équipe DITP",
        help_text="Facultative : ce que vous avez modifié, ou vos précisions.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )
