"""An event, its sessions and the vocabulary it is described with (formats, themes, the words
of the search)."""

import datetime
import zoneinfo

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from moisinno import pagecache
from moisinno.geography import (
    DEPARTMENT_CHOICES,
    REGION_CHOICES,
    department_name,
    region_name,
    region_of_department,
)

from .. import states, workflow
from ..enums import (
    ACCESSIBILITY_FEATURES,
    APPROXIMATE_PRECISIONS,
    AttendanceMode,
    Audience,
    EventStatus,
    ImportSource,
    LocationPrecision,
    RegistrationMode,
    ScheduleStatus,
)
from ..images import Picture, image_of
from ..states import PublicStatus, StatusInfo
from .edition import Edition

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


class Format(models.Model):
    name = models.CharField("nom", max_length=100, unique=True)
    slug = models.SlugField("identifiant d'URL", max_length=100, unique=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "format"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    name = models.CharField("nom", max_length=100, unique=True)
    slug = models.SlugField("identifiant d'URL", max_length=100, unique=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "thématique"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class EventQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status__in=states.PUBLIC_STATUSES)


class HeldSomewhere:
    """What an event and each of its sessions say of where they are held, from their
    `attendance_mode`, `address`, `postal_code`, `city`, `department` and region."""

    @property
    def is_online(self) -> bool:
        return self.attendance_mode in {AttendanceMode.ONLINE, AttendanceMode.HYBRID}

    @property
    def is_in_person(self) -> bool:
        return self.attendance_mode in {AttendanceMode.IN_PERSON, AttendanceMode.HYBRID}

    @property
    def department_name(self) -> str:
        return department_name(self.department)

    @property
    def region_name(self) -> str:
        return region_name(self.region)

    def _address_line(self) -> str:
        locality = " ".join(part for part in [self.postal_code, self.city] if part)
        return ", ".join(part for part in [self.address, locality] if part)


class Event(HeldSomewhere, models.Model):
    edition = models.ForeignKey(
        Edition, verbose_name="édition", on_delete=models.PROTECT, related_name="events"
    )
    organization = models.ForeignKey(
        "organizers.Organization",
        verbose_name="organisation",
        on_delete=models.PROTECT,
        related_name="events",
    )
    co_organizers = models.ManyToManyField(
        "organizers.Organization",
        verbose_name="co-organisateurs",
        blank=True,
        related_name="co_organized_events",
    )
    labs = models.ManyToManyField(
        "labs.Lab", verbose_name="laboratoires impliqués", blank=True, related_name="events"
    )
    title = models.CharField("titre", max_length=200)
    slug = models.SlugField("identifiant d'URL", max_length=220, unique=True)
    summary = models.CharField("résumé", max_length=200, blank=True)
    description = models.TextField("description", blank=True)
    format = models.ForeignKey(
        Format,
        verbose_name="format",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    themes = models.ManyToManyField(
        Theme, verbose_name="thématiques", blank=True, related_name="events"
    )
    attendance_mode = models.CharField(
        "modalité", max_length=16, choices=AttendanceMode.choices, default=AttendanceMode.IN_PERSON
    )
    venue_name = models.CharField("lieu", max_length=200, blank=True)
    address = models.CharField("adresse", max_length=300, blank=True)
    postal_code = models.CharField("code postal", max_length=10, blank=True)
    city = models.CharField("ville", max_length=120, blank=True)
    department = models.CharField(
        "département", max_length=3, choices=DEPARTMENT_CHOICES, blank=True
    )
    region = models.CharField("région", max_length=3, choices=REGION_CHOICES, blank=True)
    # The departments of its other sessions in person, space-separated ("29 44"): an event on
    # tour counts in each region of the programme's menu (events.sessions.derived_place).
    other_departments = models.CharField(
        "autres départements des séances", max_length=300, blank=True, editable=False
    )
    online_url = models.URLField("lien de connexion ou de diffusion", blank=True)
    audience = models.CharField(
        "public visé", max_length=20, choices=Audience.choices, default=Audience.PUBLIC_AGENTS
    )
    registration_mode = models.CharField(
        "inscription",
        max_length=10,
        choices=RegistrationMode.choices,
        default=RegistrationMode.NONE,
    )
    registration_url = models.URLField("lien d'inscription", blank=True)
    registration_email = models.EmailField("courriel d'inscription", blank=True)
    capacity = models.PositiveIntegerField("nombre de places", null=True, blank=True)
    is_free = models.BooleanField("gratuit", default=True)
    accessible_wheelchair = models.BooleanField(
        ACCESSIBILITY_FEATURES["accessible_wheelchair"], default=False
    )
    accessible_sign_language = models.BooleanField(
        ACCESSIBILITY_FEATURES["accessible_sign_language"], default=False
    )
    accessible_captions = models.BooleanField(
        ACCESSIBILITY_FEATURES["accessible_captions"], default=False
    )
    accessible_easy_read = models.BooleanField(
        ACCESSIBILITY_FEATURES["accessible_easy_read"], default=False
    )
    accessible_hearing_loop = models.BooleanField(
        ACCESSIBILITY_FEATURES["accessible_hearing_loop"], default=False
    )
    public_contact_name = models.CharField("contact public — nom", max_length=200, blank=True)
    public_contact_email = models.EmailField("contact public — courriel", blank=True)
    private_contact_name = models.CharField(
        "contact pour la DITP — nom", max_length=200, blank=True
    )
    private_contact_email = models.EmailField("contact pour la DITP — courriel", blank=True)
    private_contact_phone = models.CharField(
        "contact pour la DITP — téléphone", max_length=30, blank=True
    )
    derogation_requested = models.BooleanField("dérogation demandée", default=False)
    derogation_justification = models.TextField("justification de la dérogation", blank=True)
    # An optional image (events/images.py): the key of its renditions in the storage and the
    # original's displayed size; written by the services, never typed.
    image = models.CharField("image", max_length=64, blank=True, editable=False)
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField("texte alternatif de l'image", max_length=250, blank=True)
    image_decorative = models.BooleanField("image décorative", default=False)
    image_credit = models.CharField("crédit de l'image", max_length=200, blank=True)

    # Dates of the first and last session, kept by the services for ordering and filtering.
    starts_on = models.DateField("premier jour", null=True, blank=True, editable=False)
    ends_on = models.DateField("dernier jour", null=True, blank=True, editable=False)

    # Text search, kept by `services.event_refresh_search` (see events/search.py): the searchable
    # text without accents nor capitals (all databases) and its weighted vector (PostgreSQL).
    search_text = models.TextField("texte de recherche", blank=True, default="", editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    # Moderation.
    status = models.CharField(
        "statut", max_length=20, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    status_changed_at = models.DateTimeField(
        "statut modifié le", null=True, blank=True, editable=False
    )
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="statut modifié par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    moderation_message = models.TextField(
        "dernier message de modération", blank=True, editable=False
    )
    submitted_at = models.DateTimeField("soumis le", null=True, blank=True, editable=False)
    published_at = models.DateTimeField("publié le", null=True, blank=True, editable=False)
    changed_since_validation = models.BooleanField("modifié depuis la validation", default=False)
    changed_fields = models.JSONField("champs modifiés", default=list, blank=True, editable=False)
    # Incremented at every transition: two moderators deciding at once cannot both win.
    version = models.PositiveIntegerField(default=0, editable=False)
    # How a published event takes place (events/states.py: « Reporté », « Complet »…),
    # changed by `events.schedule.event_set_schedule_status` only, with its public message.
    schedule_status = models.CharField(
        "état",
        max_length=16,
        choices=ScheduleStatus.choices,
        default=ScheduleStatus.SCHEDULED,
        editable=False,
    )
    schedule_message = models.TextField("message sur l'état", blank=True, editable=False)
    schedule_changed_at = models.DateTimeField(
        "état modifié le", null=True, blank=True, editable=False
    )

    # An online event (no region) the DITP hands to a regional relay (moisinno.roles).
    assigned_relay = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="relais régional chargé",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"regional_relay__isnull": False},
        help_text="Pour un événement en ligne : le relais régional qui le modère.",
    )
    is_featured = models.BooleanField(
        "à la une",
        default=False,
        help_text="Mis en avant en page d'accueil (événements publics de l'édition courante).",
    )

    # Where an imported draft came from (events/imports.py): importing the same source event
    # again updates the draft instead of creating a duplicate.
    import_source = models.CharField(
        "importé depuis", max_length=16, choices=ImportSource.choices, blank=True, editable=False
    )
    import_uid = models.CharField(
        "identifiant dans la source", max_length=255, blank=True, editable=False
    )
    import_url = models.URLField("adresse de la source", max_length=500, blank=True, editable=False)

    is_generated = models.BooleanField("généré (démo)", default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "événement"
        ordering = ["starts_on", "title"]
        permissions = [("moderate_event", "Peut modérer les événements")]
        indexes = [
            models.Index(fields=["edition", "status", "starts_on"], name="event_programme_idx"),
            models.Index(fields=["status", "submitted_at"], name="event_queue_idx"),
            # The admin's list of events, oldest submission first (its default order), read
            # from this index and stopping at a page instead of sorting the whole table; with
            # `event_queue_idx` and `event_changed_idx`, the moderation queue is three index
            # scans (events.selectors.in_moderation_queue).
            models.Index(fields=["submitted_at", "id"], name="event_submitted_order_idx"),
            models.Index(
                fields=["submitted_at"],
                condition=Q(status="published", changed_since_validation=True),
                name="event_changed_idx",
            ),
            # The admin's date hierarchy: its years and bounds from an index-only scan.
            models.Index(fields=["starts_on"], name="event_starts_idx"),
            # The DITP's statistics: their counts of an edition's events by status, region,
            # format, organiser and mode read this index alone (index-only scans) rather than
            # the wide rows. Key columns all (SQLite has no `include`).
            models.Index(
                fields=[
                    "edition",
                    "status",
                    "region",
                    "format",
                    "organization",
                    "attendance_mode",
                    "id",
                ],
                name="event_statistics_idx",
            ),
            # The admin's « doublon possible »: the organisation's events of the same first day.
            models.Index(fields=["organization", "starts_on"], name="event_organization_day_idx"),
            models.Index(fields=["region"], name="event_region_idx"),
            models.Index(fields=["department"], name="event_department_idx"),
            models.Index(fields=["attendance_mode"], name="event_mode_idx"),
            models.Index(fields=["audience"], name="event_audience_idx"),
            # The public programme's default order, read from the index without sorting.
            models.Index(
                fields=["edition", "starts_on", "title", "id"],
                condition=Q(status__in=["published", "cancelled"]),
                name="event_public_order_idx",
            ),
            models.Index(fields=["edition", "status", "published_at"], name="event_recent_idx"),
            # The home page's events « à la une » and an event page's related events of its
            # region, each read in date order from a small index and stopping at a few.
            models.Index(
                fields=["edition", "starts_on", "title", "id"],
                condition=Q(status="published", is_featured=True),
                name="event_featured_idx",
            ),
            models.Index(
                fields=["edition", "region", "starts_on", "id"],
                condition=Q(status="published"),
                name="event_region_order_idx",
            ),
            models.Index(fields=["edition", "status", "ends_on"], name="event_ends_idx"),
            # The programme's counts read the few events on tour from this small index.
            models.Index(
                fields=["edition"], condition=~Q(other_departments=""), name="event_on_tour_idx"
            ),
            # The feeds' Last-Modified: the latest change of any event of the edition, read
            # from the end of this index instead of scanning the edition (7 ms at 10,000).
            models.Index(fields=["edition", "updated_at"], name="event_edition_updated_idx"),
            # Accessibility filters: only the rare features are selective enough for an index.
            models.Index(
                fields=["edition"], condition=Q(accessible_sign_language=True), name="event_lsf_idx"
            ),
            models.Index(
                fields=["edition"], condition=Q(accessible_captions=True), name="event_captions_idx"
            ),
            models.Index(
                fields=["edition"], condition=Q(accessible_easy_read=True), name="event_falc_idx"
            ),
            models.Index(
                fields=["edition"],
                condition=Q(accessible_hearing_loop=True),
                name="event_hearing_loop_idx",
            ),
            # The « Places disponibles » filter: the few events registering on the platform,
            # whose sessions' counts are then read through their foreign key.
            models.Index(
                fields=["edition"],
                condition=Q(registration_mode="platform"),
                name="event_platform_idx",
            ),
            # On PostgreSQL, migration 0003 adds the GIN indexes of the search and a covering
            # index of the public programme (counts and facets read it without the table).
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="event_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status__in=EventStatus.values), name="event_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(attendance_mode__in=AttendanceMode.values), name="event_mode_valid"
            ),
            models.CheckConstraint(
                condition=Q(schedule_status__in=ScheduleStatus.values),
                name="event_schedule_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="event_capacity_positive",
            ),
            # One draft per source event, organisation and edition (re-imports update it).
            models.UniqueConstraint(
                fields=["edition", "organization", "import_source", "import_uid"],
                condition=~Q(import_uid=""),
                name="event_import_origin_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return states.is_public(self)

    @property
    def is_cancelled(self) -> bool:
        return states.is_cancelled(self)

    @property
    def is_full(self) -> bool:
        """« Complet » (the schedule status; the former boolean field of that name)."""
        return self.schedule_status == ScheduleStatus.FULL

    @property
    def schedule_changeable(self) -> bool:
        """Published: its organisers or the DITP may say it is postponed, full… (schedule)."""
        return states.is_published(self)

    @property
    def is_deletable(self) -> bool:
        """A draft never submitted: its organisers may delete it (`editing.event_delete`)."""
        return states.is_draft(self) and self.submitted_at is None

    @property
    def public_status(self) -> PublicStatus:
        """Badge, message, schema.org, iCalendar and OpenAgenda values of how the event takes
        place (« Annulé » included): events/states.py."""
        return states.public_status(self)

    @property
    def public_status_message(self) -> str:
        """The public message of that state (the cancellation's reason, « Reporté »'s…)."""
        return states.public_status_message(self)

    @property
    def status_info(self) -> StatusInfo:
        """Badge, dashboard heading, message heading… of the event's status (templates)."""
        return states.status_info(self)

    @property
    def is_editable(self) -> bool:
        return states.is_editable(self)

    @property
    def organizer_actions(self) -> list["workflow.Transition"]:
        """The status changes its organisers may make now (the organiser space's buttons);
        the views that show them have checked that the viewer is one of its organisers."""
        return workflow.organizer_actions(self, None, as_roles={workflow.ORGANIZER})

    @property
    def submission(self) -> "workflow.Transition | None":
        """How its organisers submit it from its status, if they can (the form's button)."""
        return workflow.submission(self)

    @property
    def is_outside_edition(self) -> bool:
        """Held (at least partly) outside the edition's official dates: a derogation."""
        if self.starts_on is None:
            return False
        return self.starts_on < self.edition.start_date or self.ends_on > self.edition.end_date

    @property
    def postal_address(self) -> str:
        """ "12 rue de la Paix, 35000 Rennes": the address on one line (pages, calendars)."""
        return self._address_line()

    @property
    def own_picture(self) -> Picture | None:
        image = image_of(self.image, self.image_width, self.image_height)
        if image is None:
            return None
        alt = "" if self.image_decorative else self.image_alt
        return Picture(image=image, alt=alt, credit=self.image_credit)

    @property
    def picture(self) -> Picture | None:
        """The event's image, else its edition's default one (`edition` selected), else None."""
        return self.own_picture or self.edition.default_picture

    @property
    def accessibility_features(self) -> list[str]:
        return [label for field, label in ACCESSIBILITY_FEATURES.items() if getattr(self, field)]

    @property
    def ended_at(self) -> "datetime.datetime | None":
        """When its last session is over (Paris time): its end time, or the end of its day
        when it has none; None without sessions. Reads the prefetched sessions."""
        ends = [session.ends_at for session in self.sessions.all()]
        return max(ends) if ends else None

    @property
    def accepts_resources(self) -> bool:
        """Its organisers may add resources (replay, slides, report): published, and its last
        session is over (`events.resources` holds the rule and its messages)."""
        ended_at = self.ended_at
        return states.is_published(self) and ended_at is not None and ended_at <= timezone.now()


class EventSession(HeldSomewhere, models.Model):
    """One dated occurrence of an event, in Paris local time; times may be unknown yet.

    Each session has its own attendance mode and place or online link (a webinar on one day,
    a workshop in Rennes another); the event's mode and place are derived from its sessions
    (`events.services.event_refresh_dates`)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField("date")
    start_time = models.TimeField("heure de début", null=True, blank=True)
    end_time = models.TimeField("heure de fin", null=True, blank=True)
    attendance_mode = models.CharField(
        "modalité", max_length=16, choices=AttendanceMode.choices, default=AttendanceMode.IN_PERSON
    )
    venue_name = models.CharField("lieu", max_length=200, blank=True)
    address = models.CharField("adresse", max_length=300, blank=True)
    postal_code = models.CharField("code postal", max_length=10, blank=True)
    city = models.CharField("ville", max_length=120, blank=True)
    department = models.CharField(
        "département", max_length=3, choices=DEPARTMENT_CHOICES, blank=True
    )
    online_url = models.URLField("lien de connexion ou de diffusion", blank=True)
    # A link stays private (the page says it will be sent) until the organiser shows it.
    online_url_public = models.BooleanField("lien affiché publiquement", default=False)
    online_note = models.CharField("précisions sur l'accès en ligne", max_length=300, blank=True)

    # On-platform registration (`Event.registration_mode` « platform », the `registrations`
    # app): the seats (None: unlimited), whether a full session takes a waiting list, and an
    # optional closing moment (otherwise: its start).
    capacity = models.PositiveIntegerField("places", null=True, blank=True)
    waiting_list = models.BooleanField("liste d'attente", default=True)
    registration_closes_at = models.DateTimeField("clôture des inscriptions", null=True, blank=True)
    # Kept by `registrations.services` under this row's lock, never by a form: the confirmed
    # registrations, those waiting, and the last rank given (arrival order).
    seats_taken = models.PositiveIntegerField("places prises", default=0, editable=False)
    waiting_count = models.PositiveIntegerField("en liste d'attente", default=0, editable=False)
    registration_rank = models.PositiveIntegerField(default=0, editable=False)

    # Its place on the map (events.sessions): geocoded by the task worker from `geocoded_address`,
    # then confirmed or moved by the organiser (precision « manual »).
    latitude = models.DecimalField(
        "latitude", max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        "longitude", max_digits=9, decimal_places=6, null=True, blank=True
    )
    location_precision = models.CharField(
        "précision de l'emplacement", max_length=12, choices=LocationPrecision.choices, blank=True
    )
    geocoded_address = models.CharField(
        "adresse localisée", max_length=400, blank=True, editable=False
    )
    geocoded_at = models.DateTimeField("localisée le", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "séance"
        ordering = ["date", "start_time"]
        indexes = [
            models.Index(fields=["date"], name="session_date_idx"),
            # The place filters: the events with a session in a region or a department.
            models.Index(fields=["department", "event"], name="session_department_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | (Q(start_time__isnull=False) & Q(end_time__gt=models.F("start_time"))),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__range=(-90, 90)),
                name="session_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__range=(-180, 180)),
                name="session_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(attendance_mode__in=AttendanceMode.values), name="session_mode_valid"
            ),
            # Never oversold, whatever writes the row.
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(seats_taken__lte=models.F("capacity")),
                name="session_seats_within_capacity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} — {self.date:%d/%m/%Y}"

    #: Written only by `registrations.services`, with an UPDATE under the row's lock.
    SEAT_COUNTERS = ("seats_taken", "waiting_count", "registration_rank")

    def save(self, *args, **kwargs) -> None:
        """Saving an existing session (a form, the admin) never writes the seat counters: a
        copy read before a registration would otherwise put back an older count."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.SEAT_COUNTERS
            ]
        super().save(*args, **kwargs)

    @property
    def region(self) -> str:
        return region_of_department(self.department)

    @property
    def public_online_url(self) -> str:
        """The link the public may see: '' while the organiser keeps it private."""
        return self.online_url if self.is_online and self.online_url_public else ""

    @property
    def postal_address(self) -> str:
        """ "12 rue de la Paix, 35000 Rennes": the session's place on one line, '' online."""
        return self._address_line() if self.is_in_person else ""

    @property
    def place_label(self) -> str:
        """ "Maison de l'innovation, 12 rue de la Paix, 35000 Rennes": venue and address."""
        return ", ".join(part for part in [self.venue_name, self.postal_address] if part)

    @property
    def is_located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def is_approximate(self) -> bool:
        """Shown as « emplacement approximatif »: only the commune or the department is known."""
        return self.location_precision in APPROXIMATE_PRECISIONS

    @property
    def starts_at(self) -> datetime.datetime:
        """Its start in Paris: the start time, or the beginning of its day when there is none."""
        return timezone.make_aware(
            datetime.datetime.combine(self.date, self.start_time or datetime.time()), PARIS
        )

    @property
    def registration_deadline(self) -> datetime.datetime:
        """When on-platform registration closes: the organiser's moment, at the latest the start."""
        if self.registration_closes_at is not None:
            return min(self.registration_closes_at, self.starts_at)
        return self.starts_at

    @property
    def seats_left(self) -> int | None:
        """The seats still free; None when unlimited."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_taken, 0)

    @property
    def ends_at(self) -> datetime.datetime:
        """Its end in Paris: the end time, or midnight after its day when there is none."""
        if self.end_time is not None:
            naive = datetime.datetime.combine(self.date, self.end_time)
        else:
            naive = datetime.datetime.combine(
                self.date + datetime.timedelta(days=1), datetime.time()
            )
        return timezone.make_aware(naive, PARIS)


class SearchWord(models.Model):
    """A word of the events' search text (folded: lowercase, no accents), PostgreSQL only.

    The vocabulary the typo fallback of the programme's search corrects against: a few
    thousand rows with a trigram index, instead of a trigram scan of every event. Words are
    added when an event's search text is written and never removed (a word no event holds any
    more simply finds nothing)."""

    word = models.CharField("mot", max_length=60, unique=True)

    class Meta:
        verbose_name = "mot du vocabulaire de recherche"

    def __str__(self) -> str:
        return self.word


def event_page_tags(event_id: int, organization_id: int | None = None) -> list[str]:
    """The page-cache tags a change to this event touches (moisinno/pagecache.py): its own
    page, the programme's lists, and the lists of its organisations and labs."""
    if organization_id is None:
        organization_id = (
            Event.objects.filter(pk=event_id).values_list("organization_id", flat=True).first()
        )
    co_organizers = Event.co_organizers.through.objects.filter(event_id=event_id)
    labs = Event.labs.through.objects.filter(event_id=event_id)
    return [
        pagecache.EVENTS,
        pagecache.event_tag(event_id),
        *(
            pagecache.organization_events_tag(pk)
            for pk in {organization_id, *co_organizers.values_list("organization_id", flat=True)}
            if pk is not None
        ),
        *(pagecache.lab_events_tag(pk) for pk in labs.values_list("lab_id", flat=True)),
    ]
