"""Forms of the organiser space: the event form and its sessions."""

from dataclasses import dataclass

from django import forms
from django.core.validators import MinValueValidator
from django.forms import inlineformset_factory
from dsfr.forms import DsfrBaseForm

from labs.models import Lab
from moisinno.forms import BoundedModelMultipleChoiceField
from moisinno.geography import department_name
from organizers.models import Organization

from .editing import ORGANIZER_FIELDS, ORGANIZER_M2M_FIELDS, SessionData
from .eligibility import session_times_message
from .enums import ACCESSIBILITY_FEATURES, AttendanceMode
from .models import Event, EventSession, Format, Theme
from .places import EVENT_PLACE_FIELDS, SESSION_PLACE_FIELDS

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
            "registration_mode": forms.RadioSelect,
            "co_organizers": forms.SelectMultiple(attrs={"size": 6}),
            "labs": forms.SelectMultiple(attrs={"size": 6}),
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


#: The session fields that apply to each attendance mode (shown and validated for it).
IN_PERSON_FIELDS = ("venue_name", "address", "postal_code", "city", "department")
ONLINE_FIELDS = ("online_url", "online_url_public", "online_note")
POSTAL_CODE_FORMAT = "Indiquez un code postal à 5 chiffres, par exemple 35000."
POSTAL_CODE_DEPARTMENT = (
    "Le code postal {postal_code} n’est pas dans le département choisi ({department}) : "
    "vérifiez l’un ou l’autre."
)
PUBLIC_LINK_MISSING = "Indiquez le lien à afficher, ou décochez « Afficher le lien publiquement »."


def _departments_of_postal_code(postal_code: str) -> set[str]:
    """The departments a French postal code may belong to (Corsica: 2A or 2B; overseas: 3
    digits)."""
    if postal_code.startswith("20"):
        return {"2A", "2B"}
    if postal_code.startswith(("97", "98")):
        return {postal_code[:3]}
    return {postal_code[:2]}


class SessionForm(SessionTimesForm, DsfrBaseForm):
    """A session: when, and where (its mode, then its place or its online link)."""

    class Meta:
        model = EventSession
        fields = ["date", "start_time", "end_time", *SESSION_PLACE_FIELDS]
        labels = {
            "start_time": "Heure de début",
            "end_time": "Heure de fin",
            "attendance_mode": "Modalité de la séance",
            "venue_name": "Nom du lieu",
            "online_url": "Lien de connexion ou de diffusion",
            "online_url_public": "Afficher le lien publiquement sur la page de l’événement",
            "online_note": "Précisions sur l’accès en ligne",
        }
        help_texts = {
            "date": "Format attendu : JJ/MM/AAAA",
            "start_time": "Facultative. Format attendu : HH:MM",
            "end_time": "Facultative. Format attendu : HH:MM",
            "address": "Numéro et rue.",
            "postal_code": "Format attendu : 5 chiffres",
            "online_url": "Format attendu : https://exemple.fr/…",
            "online_url_public": (
                "Sinon, la page indique que le lien sera communiqué aux personnes inscrites ; "
                "vous pourrez l’afficher plus tard."
            ),
            "online_note": (
                "Facultatif si le lien est indiqué. Par exemple : « Le lien sera envoyé aux "
                "inscrits la veille. »"
            ),
        }
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "attendance_mode": forms.RadioSelect,
            "online_url": forms.URLInput(attrs={"placeholder": "https://"}),
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        mode = self.fields["attendance_mode"]
        mode.choices = [choice for choice in mode.choices if choice[0]]
        department = self.fields["department"]
        department.choices = [("", "Choisir un département")] + [
            choice for choice in department.choices if choice[0]
        ]

    def clean(self) -> dict:
        """Only the fields of the chosen mode are validated: a place typed for a session
        now online is no error (the session service drops it)."""
        data = super().clean()
        mode = data.get("attendance_mode") or AttendanceMode.IN_PERSON
        dropped: tuple[str, ...] = ()
        if mode == AttendanceMode.IN_PERSON:
            dropped = ONLINE_FIELDS
        elif mode == AttendanceMode.ONLINE:
            dropped = IN_PERSON_FIELDS
        for name in dropped:
            self._errors.pop(name, None)
            data[name] = False if name == "online_url_public" else ""
        postal_code = (data.get("postal_code") or "").strip()
        department = data.get("department")
        if postal_code and not (len(postal_code) == 5 and postal_code.isdigit()):
            self.add_error("postal_code", POSTAL_CODE_FORMAT)
        elif (
            postal_code
            and department
            and department not in _departments_of_postal_code(postal_code)
        ):
            self.add_error(
                "department",
                POSTAL_CODE_DEPARTMENT.format(
                    postal_code=postal_code, department=department_name(department)
                ),
            )
        missing_link = data.get("online_url_public") and not data.get("online_url")
        if missing_link and "online_url" not in self._errors:
            self.add_error("online_url", PUBLIC_LINK_MISSING)
        return data


class BaseSessionFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        event = self.instance
        if kwargs.get("initial") is None and event.pk and not self.get_queryset():
            # An event without sessions keeps its place (migrated, duplicated from a past
            # edition): its first session starts from it, so nothing is lost.
            place = {
                name: getattr(event, name)
                for name in SESSION_PLACE_FIELDS
                if name in EVENT_PLACE_FIELDS
            }
            if any(value for name, value in place.items() if name != "attendance_mode"):
                place["online_url_public"] = bool(event.online_url)
                self.initial = [place]

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
            session: SessionData = {
                "id": form.instance.pk,
                "date": data["date"],
                "start_time": data.get("start_time"),
                "end_time": data.get("end_time"),
            }
            for name in SESSION_PLACE_FIELDS:
                session[name] = data.get(name)  # type: ignore[literal-required]
            sessions.append(session)
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
