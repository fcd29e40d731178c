"""The API's representations: stable English field names, dates and moments in ISO 8601
(moments with the offset of Paris), only what the public pages show.

Never here: drafts (the views select public events only), the private contact, the
derogation's justification, the moderation message, the changed fields, the members of an
organisation or who created or moderated an event.
"""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.enums import ACCESSIBILITY_FEATURES, EventStatus
from events.models import Edition, Event, EventResource, EventSession
from events.states import PUBLIC_STATUS_CHOICES, STATES
from labs.models import Lab
from moisinno.geography import department_name, region_name
from organizers.models import Organization
from registrations.availability import CLOSED, FULL, OPEN, WAITING_LIST

from ..seats import is_platform, session_seats
from ..structured_data import absolute_url, local_moment


class _AbsoluteUrlField(serializers.Field):
    """The absolute address of a public page: `view_name` reversed with the `lookup` attribute."""

    def __init__(self, view_name: str, lookup: str = "slug", **kwargs):
        self.view_name, self.lookup = view_name, lookup
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance) -> str:
        return absolute_url(reverse(self.view_name, args=[getattr(instance, self.lookup)]))


_AbsoluteUrlField = extend_schema_field(OpenApiTypes.URI)(_AbsoluteUrlField)


class _NamedSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)


class FormatSerializer(_NamedSerializer):
    pass


class ThemeSerializer(_NamedSerializer):
    pass


class OrganizationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    url = _AbsoluteUrlField("events:organization")


class LabRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)
    url = _AbsoluteUrlField("labs:detail")


class LocationSerializer(serializers.Serializer):
    venue = serializers.CharField(source="venue_name", read_only=True)
    address = serializers.CharField(read_only=True)
    postal_code = serializers.CharField(read_only=True)
    city = serializers.CharField(read_only=True)
    department_code = serializers.CharField(source="department", read_only=True)
    department = serializers.CharField(source="department_name", read_only=True)
    region_code = serializers.CharField(source="region", read_only=True)
    region = serializers.CharField(source="region_name", read_only=True)


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "description": (
            "Les places de la séance quand l’événement prend les inscriptions sur la "
            "plateforme (mode « platform »), sinon null. Des nombres seulement : jamais un nom "
            "ni une adresse."
        ),
        "properties": {
            "state": {
                "type": "string",
                "enum": [OPEN, WAITING_LIST, FULL, CLOSED],
                "description": (
                    "open : des places restent ; waiting_list : complet, liste d’attente "
                    "ouverte ; full : complet ; closed : inscriptions closes."
                ),
            },
            "label": {"type": "string", "description": "Ce que dit la page de l’événement."},
            "capacity": {
                "type": "integer",
                "nullable": True,
                "description": "Le nombre de places (null : sans limite).",
            },
            "seats_left": {
                "type": "integer",
                "nullable": True,
                "description": "Les places restantes (null : sans limite).",
            },
            "waiting_list": {"type": "boolean", "description": "Une liste d’attente est prévue."},
            "waiting": {"type": "integer", "description": "Personnes en liste d’attente."},
            "registration_open": {
                "type": "boolean",
                "description": "On peut encore s’inscrire (à une place ou en liste d’attente).",
            },
            "registration_closes_at": {
                "type": "string",
                "format": "date-time",
                "description": "La clôture des inscriptions (au plus tard, le début).",
            },
        },
    }
)
class _SeatsField(serializers.Field):
    """A session's seats (on-platform registration): counts only (programme/seats.py)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, session: EventSession) -> dict | None:
        seats = session_seats(session)
        if seats is None:
            return None
        return {
            "state": seats.state,
            "label": seats.label,
            "capacity": session.capacity,
            "seats_left": seats.seats_left,
            "waiting_list": session.waiting_list,
            "waiting": seats.waiting,
            "registration_open": seats.is_open,
            "registration_closes_at": timezone.localtime(session.registration_deadline).isoformat(),
        }


class _RegistrationUrlField(serializers.Field):
    """The link to register: the organiser's, or the form of this site (mode « platform »)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, event: Event) -> str:
        if is_platform(event):
            return absolute_url(reverse("registrations:register", args=[event.slug]))
        return event.registration_url


_RegistrationUrlField = extend_schema_field(OpenApiTypes.STR)(_RegistrationUrlField)


class RegistrationSerializer(serializers.Serializer):
    mode = serializers.CharField(
        source="registration_mode",
        read_only=True,
        help_text=(
            "none (sans inscription), link (lien), email (courriel) ou platform (sur cette "
            "plateforme : les places de chaque séance sont dans `sessions[].seats`)."
        ),
    )
    url = _RegistrationUrlField(
        help_text="Le lien d’inscription ; en mode platform, le formulaire de ce site."
    )
    email = serializers.CharField(source="registration_email", read_only=True)
    capacity = serializers.IntegerField(read_only=True, allow_null=True)
    is_full = serializers.BooleanField(read_only=True)


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(source="public_contact_name", read_only=True)
    email = serializers.CharField(source="public_contact_email", read_only=True)


class _MomentField(serializers.Field):
    """A session's start or end: ISO 8601 with the offset of Paris, or null if not known."""

    def __init__(self, time_attribute: str, **kwargs):
        self.time_attribute = time_attribute
        super().__init__(source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, session: EventSession) -> str | None:
        return local_moment(session.date, getattr(session, self.time_attribute))


_MomentField = extend_schema_field({"type": "string", "format": "date-time", "nullable": True})(
    _MomentField
)


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    date = serializers.DateField(read_only=True)
    start = _MomentField("start_time")
    end = _MomentField("end_time")
    attendance_mode = serializers.CharField(
        read_only=True, help_text="in_person, online ou hybrid : la modalité de cette séance."
    )
    location = LocationSerializer(
        source="*", read_only=True, help_text="Le lieu de la séance (vide en ligne)."
    )
    online_url = serializers.CharField(
        source="public_online_url",
        read_only=True,
        help_text="Le lien de connexion, vide tant que l’organisateur ne l’a pas rendu public.",
    )
    online_note = serializers.CharField(read_only=True)
    seats = _SeatsField()


class _ResourceUrlField(serializers.Field):
    """The address of a link, or the absolute address of a file in the storage."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, resource: EventResource) -> str:
        href = resource.href  # a storage may give a full address already (S3)
        return absolute_url(href) if href.startswith("/") else href


_ResourceUrlField = extend_schema_field(OpenApiTypes.URI)(_ResourceUrlField)


class ResourceSerializer(serializers.Serializer):
    """What remains after the event: a link, or a PDF file with its size in bytes."""

    kind = serializers.ChoiceField(choices=EventResource.Kind.values, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    title = serializers.CharField(read_only=True)
    url = _ResourceUrlField()
    format = serializers.SerializerMethodField()
    size = serializers.IntegerField(read_only=True, allow_null=True)

    def get_format(self, resource: EventResource) -> str | None:
        return "pdf" if resource.is_file else None


@extend_schema_field(
    {"type": "array", "items": {"type": "string", "enum": list(ACCESSIBILITY_FEATURES)}}
)
class _AccessibilityField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, event: Event) -> list[str]:
        return [field for field in ACCESSIBILITY_FEATURES if getattr(event, field)]


class _EditionYearField(serializers.Field):
    """The edition's year, read from the event's `edition_id` without a query per event."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, event: Event) -> int:
        return self.context["editions"][event.edition_id].year


_EditionYearField = extend_schema_field(OpenApiTypes.INT)(_EditionYearField)


class _OutsideDatesField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, event: Event) -> bool:
        edition = self.context["editions"][event.edition_id]
        if event.starts_on is None:
            return False
        return event.starts_on < edition.start_date or event.ends_on > edition.end_date


_OutsideDatesField = extend_schema_field(OpenApiTypes.BOOL)(_OutsideDatesField)


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "description": (
            "L’image de l’événement (WebP), ou null. `alt` est vide pour une image décorative."
        ),
        "properties": {
            "url": {"type": "string", "format": "uri"},
            "width": {"type": "integer"},
            "height": {"type": "integer"},
            "alt": {"type": "string"},
            "credit": {"type": "string"},
            "renditions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "url": {"type": "string", "format": "uri"},
                        "width": {"type": "integer"},
                        "height": {"type": "integer"},
                    },
                },
            },
        },
    }
)
class _ImageField(serializers.Field):
    """The event's own image: its largest rendition, the others, its alt text and credit."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, event: Event) -> dict | None:
        picture = event.own_picture
        if picture is None:
            return None
        largest = picture.image.largest
        return {
            "url": largest.absolute_url,
            "width": largest.width,
            "height": largest.height,
            "alt": picture.alt,
            "credit": picture.credit_line,
            "renditions": [
                {"url": r.absolute_url, "width": r.width, "height": r.height}
                for r in picture.image.renditions
            ],
        }


class _EventStatusField(serializers.Field):
    """How the event takes place, in the vocabulary of schema.org and OpenAgenda."""

    def __init__(self, attribute: str, **kwargs):
        self.attribute = attribute
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, event: Event):
        if self.attribute == "message":
            return event.public_status_message
        return getattr(event.public_status, self.attribute)


_STATE_KEYS = [key for key, _label in PUBLIC_STATUS_CHOICES]
_OPENAGENDA_CODES = sorted(state.openagenda for state in STATES.values())


# One subclass per field: extend_schema_field marks the class it decorates.
@extend_schema_field({"type": "string", "enum": _STATE_KEYS})
class _StateKeyField(_EventStatusField):
    pass


@extend_schema_field(OpenApiTypes.STR)
class _StateMessageField(_EventStatusField):
    pass


@extend_schema_field({"type": "integer", "enum": _OPENAGENDA_CODES})
class _OpenAgendaField(_EventStatusField):
    pass


class EventSerializer(serializers.Serializer):
    """An event as the programme shows it. `context["editions"]` maps edition ids to editions
    (`editions_context()`), so that a page of events costs no query per event."""

    id = serializers.IntegerField(read_only=True)
    slug = serializers.SlugField(read_only=True)
    url = _AbsoluteUrlField("events:detail")
    title = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    image = _ImageField()
    edition = _EditionYearField(help_text="L’année de l’édition.")
    status = serializers.ChoiceField(
        choices=[EventStatus.PUBLISHED, EventStatus.CANCELLED], read_only=True
    )
    event_status = _StateKeyField(
        "key",
        help_text=(
            "Comment l’événement a lieu : scheduled (programmé), rescheduled (reprogrammé), "
            "moved_online (passé en ligne), postponed (reporté), full (complet), cancelled "
            "(annulé) — l’eventStatus de schema.org."
        ),
    )
    event_status_message = _StateMessageField(
        "message", help_text="Le message de l’organisateur ou de la DITP sur cet état."
    )
    openagenda_status = _OpenAgendaField(
        "openagenda",
        help_text=(
            "Le même état, valeur du champ « status » d’OpenAgenda : 1 programmé, "
            "2 reprogrammé, 3 déplacé en ligne, 4 reporté, 5 complet, 6 annulé."
        ),
    )
    organizer = OrganizationRefSerializer(source="organization", read_only=True)
    co_organizers = OrganizationRefSerializer(many=True, read_only=True)
    labs = LabRefSerializer(many=True, read_only=True)
    format = FormatSerializer(read_only=True, allow_null=True)
    themes = ThemeSerializer(many=True, read_only=True)
    attendance_mode = serializers.CharField(
        read_only=True,
        help_text="Déduite des séances : hybrid si elles mêlent présentiel et en ligne.",
    )
    location = LocationSerializer(
        source="*", read_only=True, help_text="Le lieu de la première séance en présentiel."
    )
    online_url = serializers.CharField(
        read_only=True, help_text="Le premier lien de connexion rendu public."
    )
    audience = serializers.CharField(read_only=True)
    registration = RegistrationSerializer(source="*", read_only=True)
    is_free = serializers.BooleanField(read_only=True)
    accessibility = _AccessibilityField()
    contact = ContactSerializer(source="*", read_only=True)
    starts_on = serializers.DateField(read_only=True, allow_null=True)
    ends_on = serializers.DateField(read_only=True, allow_null=True)
    outside_edition_dates = _OutsideDatesField()
    sessions = SessionSerializer(many=True, read_only=True)
    resources = ResourceSerializer(
        many=True,
        read_only=True,
        help_text="Après l’événement : replay, supports, compte rendu (liens ou fichiers PDF).",
    )
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True)


class EventRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    slug = serializers.SlugField(read_only=True)
    url = _AbsoluteUrlField("events:detail")
    title = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    attendance_mode = serializers.CharField(read_only=True)
    city = serializers.CharField(read_only=True)
    region_code = serializers.CharField(source="region", read_only=True)
    organizer = serializers.CharField(source="organization.name", read_only=True)


class SessionWithEventSerializer(SessionSerializer):
    event = EventRefSerializer(read_only=True)


class OrganizationSerializer(OrganizationRefSerializer):
    region_code = serializers.CharField(source="region", read_only=True)
    region = serializers.SerializerMethodField()
    department_code = serializers.CharField(source="department", read_only=True)
    department = serializers.SerializerMethodField()
    website = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    verified = serializers.BooleanField(read_only=True)

    def get_region(self, organization: Organization) -> str:
        return region_name(organization.region) if organization.region else ""

    def get_department(self, organization: Organization) -> str:
        return department_name(organization.department) if organization.department else ""


class LabSerializer(LabRefSerializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(read_only=True)
    region_code = serializers.CharField(source="region", read_only=True)
    region = serializers.SerializerMethodField()
    ministry = serializers.CharField(read_only=True)
    host_organization = OrganizationRefSerializer(read_only=True, allow_null=True)
    description = serializers.CharField(read_only=True)
    methods = serializers.SerializerMethodField()
    website = serializers.CharField(read_only=True)
    contact_email = serializers.CharField(read_only=True)
    address = serializers.CharField(read_only=True)
    latitude = serializers.FloatField(read_only=True, allow_null=True)
    longitude = serializers.FloatField(read_only=True, allow_null=True)
    founded_year = serializers.IntegerField(read_only=True, allow_null=True)
    atlas_years = serializers.ListField(child=serializers.IntegerField(), read_only=True)

    def get_region(self, lab: Lab) -> str:
        return region_name(lab.region) if lab.region else ""

    def get_methods(self, lab: Lab) -> list[str]:
        return [method.strip() for method in lab.methods.split(",") if method.strip()]


class EditionSerializer(serializers.Serializer):
    year = serializers.IntegerField(read_only=True)
    number = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    theme = serializers.CharField(read_only=True)
    start_date = serializers.DateField(read_only=True)
    end_date = serializers.DateField(read_only=True)
    referencing_opens_on = serializers.DateField(read_only=True, allow_null=True)
    referencing_closes_on = serializers.DateField(read_only=True)
    is_current = serializers.BooleanField(read_only=True)
    url = _AbsoluteUrlField("events:edition", lookup="year")


def editions_context() -> dict:
    """What `EventSerializer` needs to name and date-check the editions (one small query)."""
    return {"editions": {edition.pk: edition for edition in Edition.objects.all()}}
