"""The organiser's sessions: their formset in the event form, and « Vérifier l’emplacement »."""

from django import forms
from django.core.validators import MaxValueValidator
from django.forms import inlineformset_factory
from dsfr.forms import DsfrBaseForm

from events.enums import AttendanceMode
from events.forms import SessionTimesForm
from events.models import Event, EventSession
from events.sessions import (
    EVENT_PLACE_FIELDS,
    SESSION_PLACE_FIELDS,
    SESSION_REGISTRATION_FIELDS,
    SessionData,
)
from moisinno.forms import CachedOptionsSelect, SharedChoicesField
from moisinno.geography import department_name

#: The session fields that apply to each attendance mode (shown and validated for it).
IN_PERSON_FIELDS = ("venue_name", "address", "postal_code", "city", "department")
ONLINE_FIELDS = ("online_url", "online_url_public", "online_note")
POSTAL_CODE_FORMAT = "Indiquez un code postal à 5 chiffres, par exemple 35000."
POSTAL_CODE_DEPARTMENT = (
    "Le code postal {postal_code} n’est pas dans le département choisi ({department}) : "
    "vérifiez l’un ou l’autre."
)
#: More places than any venue or webinar of the month holds: a typo, not a capacity.
MAX_CAPACITY = 100_000
PUBLIC_LINK_MISSING = "Indiquez le lien à afficher, ou décochez « Afficher le lien publiquement »."


def _departments_of_postal_code(postal_code: str) -> set[str]:
    """The departments a French postal code may belong to (Corsica: 2A or 2B; overseas: 3
    digits)."""
    if postal_code.startswith("20"):
        return {"2A", "2B"}
    if postal_code.startswith(("97", "98")):
        return {postal_code[:3]}
    return {postal_code[:2]}


def session_formfield(db_field, **kwargs) -> forms.Field | None:
    """A session's form fields, their choices fixed once for the class, not for each form (a
    page has a row per session and an empty one): the mode without an empty option, the
    departments with a French one, in a `SharedChoicesField` that the rows share."""
    if db_field.name == "department":
        field = db_field.formfield(choices_form_class=SharedChoicesField, **kwargs)
        field.choices = [("", "Choisir un département"), *(c for c in field.choices if c[0])]
        return field
    field = db_field.formfield(**kwargs)
    if db_field.name == "attendance_mode":
        field.choices = [choice for choice in field.choices if choice[0]]
    return field


class SessionForm(SessionTimesForm, DsfrBaseForm):
    """A session: when, where (its mode, then its place or its online link), and for
    on-platform registration its places, waiting list and closing (`registration=False`
    leaves those out: the session keeps what it holds)."""

    class Meta:
        model = EventSession
        fields = [
            "date",
            "start_time",
            "end_time",
            *SESSION_PLACE_FIELDS,
            *SESSION_REGISTRATION_FIELDS,
        ]
        formfield_callback = session_formfield
        labels = {
            "start_time": "Heure de début",
            "end_time": "Heure de fin",
            "attendance_mode": "Modalité de la séance",
            "venue_name": "Nom du lieu",
            "online_url": "Lien de connexion ou de diffusion",
            "online_url_public": "Afficher le lien publiquement sur la page de l’événement",
            "online_note": "Précisions sur l’accès en ligne",
            "capacity": "Nombre de places",
            "waiting_list": "Liste d’attente",
            "registration_closes_at": "Clôture des inscriptions",
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
            "department": CachedOptionsSelect,
            "online_url": forms.URLInput(attrs={"placeholder": "https://"}),
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric"}),
            "capacity": forms.NumberInput(attrs={"min": 1}),
            "registration_closes_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }
        error_messages = {
            "capacity": {
                "invalid": "Indiquez le nombre de places en chiffres, par exemple 30.",
                "min_value": "Indiquez au moins 1 place, ou laissez vide : places illimitées.",
            },
            "registration_closes_at": {
                "invalid": (
                    "Indiquez la date et l’heure de clôture, par exemple 14/11/2026 18:00."
                ),
            },
        }

    def __init__(self, *args, registration: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not registration:
            for name in SESSION_REGISTRATION_FIELDS:
                del self.fields[name]
        else:
            self.fields["capacity"].validators.append(
                MaxValueValidator(MAX_CAPACITY, "Indiquez au plus 100 000 places.")
            )
            self.fields["registration_closes_at"].input_formats = [
                "%Y-%m-%dT%H:%M",
                "%Y-%m-%d %H:%M",
                "%d/%m/%Y %H:%M",
                "%d/%m/%Y %Hh%M",
                "%d/%m/%Y",
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

    @property
    def registrations_held(self) -> int:
        """The people holding a seat or a place in the waiting list (deleting the session
        cancels them)."""
        return self.instance.seats_taken + self.instance.waiting_count


class BaseSessionFormSet(forms.BaseInlineFormSet):
    """`registration`: whether the rows carry the on-platform registration fields (always in
    the event form, where the mode may change; in the rescheduling of « Changer l’état », only
    for an event that takes registrations on the platform)."""

    def __init__(self, *args, registration: bool = True, **kwargs) -> None:
        self.registration = registration
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

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "registration": self.registration}

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Supprimer cette séance"
            held = form.registrations_held if form.instance.pk else 0
            if held:
                form.fields["DELETE"].help_text = (
                    f"Ses {held} inscriptions seront annulées et les personnes prévenues par "
                    "courriel."
                    if held > 1
                    else "Son inscription sera annulée et la personne prévenue par courriel."
                )

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
            if self.registration:
                session["capacity"] = data.get("capacity")
                session["waiting_list"] = bool(data.get("waiting_list"))
                session["registration_closes_at"] = data.get("registration_closes_at")
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
    # Never build more forms than may be kept: a forged TOTAL_FORMS of a billion would otherwise
    # build max_num + 1,000 forms (a 13 MB page and seconds of CPU) before saying « au plus 30 ».
    absolute_max=30,
)


def coordinate_field(name: str, *, bound: int, example: str) -> forms.DecimalField:
    """A latitude or longitude in decimal degrees, within ±`bound`, with French errors."""
    out_of_range = f"La {name} doit être comprise entre -{bound} et {bound}."
    return forms.DecimalField(
        label=name.capitalize(),
        help_text=f"En degrés décimaux, entre -{bound} et {bound}. Exemple : {example}",
        max_digits=9,
        decimal_places=6,
        min_value=-bound,
        max_value=bound,
        localize=True,
        error_messages={
            "required": f"Indiquez la {name}.",
            "invalid": f"Saisissez la {name} en degrés décimaux, par exemple {example}.",
            "min_value": out_of_range,
            "max_value": out_of_range,
            "max_digits": out_of_range,
            "max_whole_digits": out_of_range,
            "max_decimal_places": "Indiquez au plus 6 chiffres après la virgule.",
        },
    )


class SessionPlaceForm(DsfrBaseForm):
    """« Vérifier l'emplacement »: the point of a session, typed or moved on the map."""

    latitude = coordinate_field("latitude", bound=90, example="48.117266")
    longitude = coordinate_field("longitude", bound=180, example="-1.677793")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
