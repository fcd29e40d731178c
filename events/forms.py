"""Forms of the organiser space: the event form and its sessions, the import form."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.validators import MinValueValidator
from django.forms import inlineformset_factory
from dsfr.forms import DsfrBaseForm

from labs.models import Lab
from moisinno.forms import BoundedModelMultipleChoiceField
from organizers.models import Organization

from .editing import ORGANIZER_FIELDS, ORGANIZER_M2M_FIELDS, SessionData
from .eligibility import session_times_message
from .enums import ACCESSIBILITY_FEATURES, ImportSource
from .models import Event, EventSession, Format, Theme

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
        "dates",
        "Dates",
        "Une ou plusieurs séances, pendant les dates de l’édition.",
        ["derogation_requested", "derogation_justification"],
    ),
    (
        "lieu",
        "Lieu et modalité",
        "En présentiel, en ligne, ou les deux.",
        [
            "attendance_mode",
            "venue_name",
            "address",
            "postal_code",
            "city",
            "department",
            "online_url",
        ],
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
            "is_full",
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
    "venue_name": ("attendance_mode", "in_person hybrid"),
    "address": ("attendance_mode", "in_person hybrid"),
    "postal_code": ("attendance_mode", "in_person hybrid"),
    "city": ("attendance_mode", "in_person hybrid"),
    "department": ("attendance_mode", "in_person hybrid"),
    "online_url": ("attendance_mode", "online hybrid"),
    "registration_url": ("registration_mode", "link"),
    "registration_email": ("registration_mode", "email"),
    "derogation_justification": ("derogation_requested", "on"),
}


@dataclass(frozen=True)
class FormSection:
    anchor: str
    title: str
    introduction: str
    fields: list


class EventForm(forms.ModelForm, DsfrBaseForm):
    """Everything but the title may stay empty in a draft: submission checks completeness."""

    class Meta:
        model = Event
        fields = [*ORGANIZER_FIELDS, *ORGANIZER_M2M_FIELDS]
        # A key beyond the database's integers is a form error, not a server error on SQLite.
        field_classes = dict.fromkeys(ORGANIZER_M2M_FIELDS, BoundedModelMultipleChoiceField)
        labels = {
            "summary": "Résumé",
            "online_url": "Lien de connexion ou de diffusion",
            "is_free": "L’événement est gratuit",
            "is_full": "L’événement est complet",
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
            "venue_name": "Nom du lieu",
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
            "address": "Numéro et rue.",
            "department": "Pour un événement en présentiel ou hybride.",
            "online_url": (
                "Pour un événement en ligne ou hybride. Format attendu : https://exemple.fr/…"
            ),
            "registration_url": "Format attendu : https://exemple.fr/inscription",
            "registration_email": "Format attendu : nom@exemple.gouv.fr",
            "capacity": "Laissez vide si le nombre de places n’est pas limité.",
            "is_free": (
                "Le Mois de l’innovation publique ne référence que des événements gratuits."
            ),
            "co_organizers": (
                "Maintenez la touche Ctrl (ou Cmd) enfoncée pour en choisir plusieurs."
            ),
            "labs": "Maintenez la touche Ctrl (ou Cmd) enfoncée pour en choisir plusieurs.",
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
            "attendance_mode": forms.RadioSelect,
            "registration_mode": forms.RadioSelect,
            "co_organizers": forms.SelectMultiple(attrs={"size": 6}),
            "labs": forms.SelectMultiple(attrs={"size": 6}),
            "online_url": forms.URLInput(attrs={"placeholder": "https://"}),
            "registration_url": forms.URLInput(attrs={"placeholder": "https://"}),
            "private_contact_phone": forms.TextInput(attrs={"type": "tel"}),
        }

    def __init__(self, *args, organization: Organization | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["format"].queryset = Format.objects.order_by("position", "name")
        self.fields["format"].empty_label = "Choisir un format"
        self.fields["themes"].queryset = Theme.objects.order_by("position", "name")
        self.fields["labs"].queryset = Lab.objects.order_by("name")
        co_organizers = Organization.objects.order_by("name")
        if organization is not None:
            co_organizers = co_organizers.exclude(pk=organization.pk)
        self.fields["co_organizers"].queryset = co_organizers
        self.fields["department"].choices = [("", "Choisir un département")] + [
            choice for choice in self.fields["department"].choices if choice[0]
        ]
        self.fields["capacity"].validators.append(
            MinValueValidator(1, "Indiquez un nombre de places supérieur ou égal à 1.")
        )
        self.fields["capacity"].widget.attrs["min"] = 1
        for name in ("attendance_mode", "registration_mode", "audience"):
            # A model default is never "no choice": drop the empty option.
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
        for name, (controller, values) in CONDITIONAL_FIELDS.items():
            self.fields[name].widget.attrs.update(
                {"data-show-if": controller, "data-show-values": values}
            )

    def sections(self) -> list[FormSection]:
        return [
            FormSection(anchor, title, introduction, [self[name] for name in names])
            for anchor, title, introduction, names in EVENT_FORM_SECTIONS
        ]

    def service_kwargs(self) -> dict:
        """The validated data, shaped for `event_create` / `event_update`."""
        data = self.cleaned_data
        return {
            "fields": {name: data[name] for name in ORGANIZER_FIELDS},
            "m2m": {name: data[name] for name in ORGANIZER_M2M_FIELDS},
        }


class SessionTimesForm(forms.ModelForm):
    """A session's date and times, with the one session-time rule (organiser form, admin)."""

    class Meta:
        model = EventSession
        fields = ["date", "start_time", "end_time"]

    def clean(self) -> dict:
        data = super().clean()
        if error := session_times_message(data.get("start_time"), data.get("end_time")):
            self.add_error(*error)
        return data


class SessionForm(SessionTimesForm, DsfrBaseForm):
    class Meta:
        model = EventSession
        fields = ["date", "start_time", "end_time"]
        labels = {"start_time": "Heure de début", "end_time": "Heure de fin"}
        help_texts = {
            "date": "Format attendu : JJ/MM/AAAA",
            "start_time": "Facultative. Format attendu : HH:MM",
            "end_time": "Facultative. Format attendu : HH:MM",
        }
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }


class BaseSessionFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Supprimer cette séance"

    def sessions_data(self) -> list[SessionData]:
        """The sessions to keep, shaped for the event services (blank rows are ignored)."""
        sessions: list[SessionData] = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            data = form.cleaned_data
            sessions.append(
                {
                    "id": form.instance.pk,
                    "date": data["date"],
                    "start_time": data.get("start_time"),
                    "end_time": data.get("end_time"),
                }
            )
        return sessions


SessionFormSet = inlineformset_factory(
    Event,
    EventSession,
    form=SessionForm,
    formset=BaseSessionFormSet,
    extra=1,
    can_delete=True,
    max_num=30,
    validate_max=True,
)


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
