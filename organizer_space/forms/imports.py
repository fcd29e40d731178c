"""« Importer un événement »: where the imported event comes from (events/imports.py)."""

from django import forms
from django.conf import settings
from dsfr.forms import DsfrBaseForm

from events.enums import ImportSource


class EventImportForm(DsfrBaseForm):
    """Where an imported event comes from: a file, a URL or pasted text (one of them)."""

    ICS = ImportSource.ICS
    OPENAGENDA = ImportSource.OPENAGENDA
    AS_SESSIONS = "sessions"
    AS_EVENTS = "events"

    source = forms.ChoiceField(
        label="Ce que vous importez",
        choices=[
            (ICS, "Un calendrier iCalendar (.ics) : Google Agenda, Outlook, Apple, Thunderbird…"),
            (OPENAGENDA, "Un événement publié sur OpenAgenda (son JSON)"),
        ],
        initial=ICS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez ce que vous importez."},
    )
    ics_mode = forms.ChoiceField(
        label="Pour un calendrier de plusieurs événements",
        choices=[
            (
                AS_SESSIONS,
                "Un seul événement : chaque événement du calendrier en devient une séance",
            ),
            (AS_EVENTS, "Un brouillon par événement du calendrier"),
        ],
        initial=AS_SESSIONS,
        required=False,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label="Fichier",
        help_text="Un fichier .ics, ou le fichier .json d’un événement OpenAgenda ; 2 Mo au plus.",
        required=False,
        error_messages={
            "empty": "Le fichier est vide : exportez de nouveau le calendrier ou l’événement.",
            "invalid": "Ce fichier n’a pas pu être lu : choisissez-le de nouveau.",
        },
        widget=forms.ClearableFileInput(
            attrs={"class": "fr-upload", "accept": ".ics,.json,text/calendar,application/json"}
        ),
    )
    url = forms.URLField(
        label="Ou son adresse",
        help_text=(
            "L’adresse publique du calendrier (.ics) ou du JSON de l’événement OpenAgenda. "
            "Format attendu : https://exemple.fr/agenda.ics"
        ),
        required=False,
        max_length=2000,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        error_messages={"invalid": "Saisissez une adresse web complète, commençant par https://."},
    )
    text = forms.CharField(
        label="Ou collez son contenu",
        help_text="Le JSON de l’événement OpenAgenda, ou le texte du fichier .ics.",
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"Le fichier dépasse {settings.IMPORT_MAX_BYTES // (1024 * 1024)} Mo : "
                "exportez seulement les événements du Mois de l’innovation publique."
            )
        return upload

    def clean_text(self) -> str:
        text = self.cleaned_data.get("text", "")
        if len(text.encode()) > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"Le texte collé dépasse {settings.IMPORT_MAX_BYTES // (1024 * 1024)} Mo."
            )
        return text

    def clean(self) -> dict:
        data = super().clean()
        given = [name for name in ("file", "url", "text") if data.get(name)]
        if not given and not self.errors:
            raise forms.ValidationError(
                "Choisissez un fichier, indiquez une adresse ou collez le contenu à importer."
            )
        if len(given) > 1:
            raise forms.ValidationError(
                "Indiquez une seule source : un fichier, une adresse ou un contenu collé."
            )
        data["ics_mode"] = data.get("ics_mode") or self.AS_SESSIONS
        return data

    def read_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        return b"".join(upload.chunks())
