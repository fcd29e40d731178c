"""Forms of the organiser space: the event form and its sessions, the import form."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.forms import inlineformset_factory
from dsfr.forms import DsfrBaseForm

from labs.models import Lab
from moisinno.forms import BoundedModelMultipleChoiceField
from moisinno.geography import department_name
from organizers.models import Organization

from .editing import ORGANIZER_FIELDS, ORGANIZER_M2M_FIELDS, SessionData
from .eligibility import session_times_message
from .enums import ACCESSIBILITY_FEATURES, AttendanceMode, ImportSource, ScheduleStatus
from .images import StoredImage, image_of, read_upload
from .models import Event, EventResource, EventSession, Format, Theme
from .places import EVENT_PLACE_FIELDS, SESSION_PLACE_FIELDS
from .resources import MAX_FILE_BYTES, MAX_FILE_LABEL
from .schedule import STATES

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
        field_classes = dict.fromkeys(ORGANIZER_M2M_FIELDS, BoundedModelMultipleChoiceField)
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


# Resources after the event (events/resources.py) ---------------------------------------------

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
