"""Hostile input over every field of every form, every filter and every API parameter.

Whatever a visitor, an organiser or a moderator sends, the answer is never a server error
(a French form error instead) and a payload is never echoed unescaped into a page. The same
payloads run on SQLite (`make test`) and on PostgreSQL (CI): the two databases fail on
different values (an integer SQLite cannot store, a NUL byte PostgreSQL refuses).

The payloads that could reach the database go into each field alone, the others into every
field at once (`_attacks`). Each target is one test per payload that goes alone and one for
the rest, so that pytest-xdist spreads the requests over its workers; the data they attack is
built once per module (`world`). Run with `-s` to print how many requests each test tried.
"""

import datetime
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import urlencode

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from alerts.models import Alert
from alerts.services import manage_token
from events.enums import ACCESSIBILITY_FEATURES, EventStatus, RegistrationMode
from events.models import Event, EventSession
from moisinno.forms import NamePicker
from organizer_space.forms.events import EventForm
from organizer_space.forms.organizations import OrganizationForm
from organizers.enums import MembershipRole, MembershipStatus
from programme.filters import LabFilterSet, ProgrammeFilterSet
from programme.registration_forms import RegistrationForm
from registrations import services as registrations_services
from registrations.services import registrant_confirm, registrant_register
from registrations.tokens import manage_token as registration_manage_token
from results.models import SurveyAnswer
from results.survey import survey_token
from tests.admin_forms import resubmit_data
from tests.factories import (
    EventFactory,
    FormatFactory,
    LabFactory,
    MembershipFactory,
    OrganizationFactory,
    ThemeFactory,
    UserFactory,
    current_edition,
    module_data,
)
from tests.organizer_space.forms import complete_event_fields, event_form_data

HUGE = "9" * 40
# A value is a string, bytes sent as they are (invalid UTF-8), or a list (the field repeated).
PAYLOADS: dict[str, str | bytes | list] = {
    "huge-integer": HUGE,
    "int64-overflow": "9223372036854775808",
    "int64-underflow": "-9223372036854775809",
    "int32-overflow": "2147483648",
    "negative": "-1",
    "float": "1e308",
    "nan": "NaN",
    "nul-byte": "avant\x00après",
    "100k-chars": "x" * 100_000,
    "combining-marks": "e\u0301" * 50,
    "bidi-zero-width": "\u202e\u200b\ufeffabc",
    "emoji": "🎉👩\u200d💻",
    "lone-surrogate": b"\xed\xa0\x80",  # U+D800 encoded as if it were a character
    "invalid-utf8": b"\xff\xfe\xc3",
    "date-zero": "0000-00-00",
    "date-negative": "-0001-01-01",
    "date-year-99999": "99999-12-31",
    "date-french-far": "31/12/99999",
    "date-february-30": "2026-02-30",
    "time-overflow": "25:61",
    "script-tag": "<script>alert('hostile')</script>",
    "attribute-break": '"><svg onload=alert(1)>',
    "javascript-url": "javascript:alert(1)",
    "sql-quote": "' OR 1=1 --",
    "sql-statement": "1; DROP TABLE events_event; --",
    "list": ["a", "b", HUGE],
    "empty": "",
    "blank": "   ",
}
# The payloads that found something on one database or the other, and the ones that travel
# furthest (bytes, sizes, markup): pages that only echo the programme's filters again (feeds,
# calendar, API) try these, the forms try everything.
CORE = [
    "huge-integer",
    "int64-overflow",
    "nul-byte",
    "100k-chars",
    "lone-surrogate",
    "invalid-utf8",
    "date-year-99999",
    "date-negative",
    "script-tag",
    "sql-quote",
    "list",
    "empty",
]
# The payloads a form may accept and then hand to the database, where SQLite or PostgreSQL
# refuses them (integers beyond 64 bits, a NUL byte, a lone surrogate, an unbounded text, a
# repeated field): they go into each field alone, the rest of the submission valid, to reach
# the save. The others are refused or escaped by the forms and templates: they go into every
# field at once.
FIELD_ALONE = ["huge-integer", "int64-overflow", "nul-byte", "100k-chars", "lone-surrogate", "list"]
UNESCAPED = ("<script>alert('hostile')</script>", "<svg onload=alert(1)>")

#: The test of a target that tries the payloads going into every field at once.
EVERY_FIELD = "every-field"


@dataclass
class Target:
    """One form or page: where it is, what a valid submission holds, which names to attack."""

    name: str
    method: str
    path: str
    fields: list[str]
    data: dict = field(default_factory=dict)
    user: object | None = None
    # Called before every request, to put back what a successful submission changed.
    reset: object | None = None
    payloads: list[str] = field(default_factory=lambda: list(PAYLOADS))


def _encode(data: dict) -> str:
    pairs = []
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, item))
    return urlencode(pairs)


def _send(client: Client, target: Target, data: dict):
    body = _encode(data)
    if target.method == "get":
        return client.get(target.path, QUERY_STRING=body)
    return client.post(target.path, body, content_type="application/x-www-form-urlencoded")


@pytest.fixture(scope="module")
def world_data(django_db_setup, django_db_blocker):
    """The data of `world`, created once for the module's tests (`module_data`)."""
    with module_data(django_db_blocker):
        yield _world()


@pytest.fixture
def world(world_data, db):
    return world_data


def _world() -> dict:
    """An open edition with its references, an organiser with events in every state, another
    organisation, a moderator, a confirmed alert and a new user who belongs to no
    organisation."""
    edition = current_edition()
    fmt = FormatFactory(name="Atelier", slug="atelier")
    theme = ThemeFactory()
    lab = LabFactory()
    membership = MembershipFactory()
    organization = membership.organization
    other = OrganizationFactory()
    pending = MembershipFactory(
        organization=organization, status=MembershipStatus.PENDING, role=MembershipRole.MEMBER
    )
    events = {
        status: EventFactory(edition=edition, organization=organization, status=status)
        for status in (EventStatus.DRAFT, EventStatus.PUBLISHED, EventStatus.CHANGES_REQUESTED)
    }
    public = EventFactory(edition=edition, organization=other, published=True, eligible=True)
    public.labs.add(lab)
    alert = Alert.objects.create(
        email="veille@example.fr", edition=edition, query="region=53", confirmed_at=timezone.now()
    )
    # On-platform registration: an event taking registrations, and someone registered.
    registering = EventFactory(
        edition=edition,
        organization=other,
        published=True,
        registration_mode=RegistrationMode.PLATFORM,
    )
    EventSession.objects.filter(event=registering).update(capacity=30)
    registrant = registrant_register(
        event=registering,
        sessions=list(registering.sessions.all()),
        name="Camille Inscrite",
        email="inscrite@example.fr",
        kind="agent",
    )
    registrant_confirm(registrant=registrant)
    return {
        "edition": edition,
        "format": fmt,
        "theme": theme,
        "lab": lab,
        "user": membership.user,
        "organization": organization,
        "other": other,
        "pending": pending,
        "events": events,
        "public": public,
        "alert": alert,
        "registering": registering,
        "registrant": registrant,
        "moderator": UserFactory(moderator=True),
        "newcomer": UserFactory(),
    }


def _event_data(world: dict) -> dict:
    day = world["edition"].start_date + datetime.timedelta(days=3)
    data = event_form_data(
        sessions=[{"date": day.isoformat(), "start_time": "10:00", "end_time": "12:00"}],
        **complete_event_fields(format_pk=world["format"].pk),
    )
    data.update(
        themes=[str(world["theme"].pk)],
        labs=[str(world["lab"].pk)],
        co_organizers=[str(world["other"].pk)],
        capacity="30",
        online_url="https://exemple.gouv.fr/salle",
        registration_url="https://exemple.gouv.fr/inscription",
        registration_email="inscription@exemple.gouv.fr",
        public_contact_name="Camille Agent",
        public_contact_email="camille@exemple.gouv.fr",
        private_contact_name="Camille Agent",
        private_contact_phone="01 02 03 04 05",
        derogation_justification="",
        accessible_wheelchair="on",
    )
    return data


def _event_fields() -> list[str]:
    session_fields = [f"sessions-0-{name}" for name in ("date", "start_time", "end_time", "id")]
    management = ["sessions-TOTAL_FORMS", "sessions-INITIAL_FORMS", "sessions-MAX_NUM_FORMS"]
    # The name pickers' text fields (co-organisers and labs typed by name).
    typed = [f"{name}{NamePicker.TEXT_SUFFIX}" for name in ("co_organizers", "labs")]
    fields = [*EventForm.base_fields, *typed, *ACCESSIBILITY_FEATURES, *session_fields]
    return [*fields, *management, "action"]


PROGRAMME_PARAMS = [*ProgrammeFilterSet.base_filters, "page"]
API_PARAMS = [*ProgrammeFilterSet.base_filters, "edition", "page", "page_size"]


def _reset_status(event: Event, status: str):
    def reset():
        Event.objects.filter(pk=event.pk).update(status=status)

    return reset


def _admin_change_data(client: Client, target: Target) -> dict:
    """The admin's change form as the moderator's browser would send it back."""
    data = resubmit_data(client.get(target.path))
    target.fields = [name for name in data if not name.endswith("-TOTAL_FORMS")]
    return data


def _platform_session(world: dict):
    """A published event of the organiser's organisation taking registrations on the platform,
    its session of 30 places with one person confirmed (built in the test's savepoint)."""
    event = EventFactory(
        edition=world["edition"],
        organization=world["organization"],
        published=True,
        registration_mode=RegistrationMode.PLATFORM,
    )
    session = event.sessions.get()
    EventSession.objects.filter(pk=session.pk).update(capacity=30)
    registrant = registrations_services.registrant_register(
        event=event,
        sessions=[session],
        name="Camille Martin",
        email="camille.martin@example.fr",
        kind="agent",
    )
    registrations_services.registrant_confirm(registrant=registrant)
    session.refresh_from_db()
    return event, session, registrant.registrations.get()


def _registration_form_data(world: dict, client: Client, target: Target) -> dict:
    """The event form of a platform event, its session's places, waiting list and closing."""
    event, session, _ = _platform_session(world)
    target.path = f"/espace-organisateur/evenements/{event.pk}/modifier/"
    row = {
        "id": str(session.pk),
        "date": session.date.isoformat(),
        "start_time": "14:00",
        "capacity": "30",
        "waiting_list": "on",
        "registration_closes_at": f"{session.date.isoformat()}T09:00",
    }
    data = event_form_data(sessions=[row], **complete_event_fields(format_pk=world["format"].pk))
    data["registration_mode"] = "platform"
    return data


def _registration_message_data(world: dict, client: Client, target: Target) -> dict:
    event, session, _ = _platform_session(world)
    target.path = (
        f"/espace-organisateur/evenements/{event.pk}/inscriptions/seances/{session.pk}/message/"
    )
    return {"subject": "Changement de salle", "body": "Rendez-vous salle 2."}


def _registration_presence_data(world: dict, client: Client, target: Target) -> dict:
    event, _, registration = _platform_session(world)
    target.path = (
        f"/espace-organisateur/evenements/{event.pk}/inscriptions/{registration.pk}/presence/"
    )
    return {"present": "1"}


def _attendance_data(world: dict, client: Client, target: Target) -> dict:
    """The declaration of attendance of an event of the organiser's, over three days ago, its
    session in person (built in the test's savepoint)."""
    day = datetime.date.today() - datetime.timedelta(days=3)
    event = EventFactory(
        edition=world["edition"],
        organization=world["organization"],
        published=True,
        starts_on=day,
    )
    prefix = f"s{event.sessions.get().pk}"
    target.path = f"/espace-organisateur/evenements/{event.pk}/participation/"
    data = {
        f"{prefix}-took_place": "oui",
        f"{prefix}-present_in_person": "25",
        f"{prefix}-agents_share": "60",
        "what_worked": "Les usagers autour de la table.",
    }
    target.fields = list(data)
    return data


def _survey_data(world: dict, client: Client, target: Target) -> dict:
    """The satisfaction survey of a confirmed registration, invited; each request finds it
    unanswered again."""
    _, _, registration = _platform_session(world)
    answer = SurveyAnswer.objects.create(registration=registration, sent_at=timezone.now())
    target.path = f"/questionnaire/{survey_token(registration)}/"
    target.reset = lambda: SurveyAnswer.objects.filter(pk=answer.pk).update(answered_at=None)
    return {"overall": "4", "would_recommend": "oui", "will_reuse_method": "non", "comment": "Bien"}


def targets(world: dict) -> dict[str, Target]:
    user, moderator = world["user"], world["moderator"]
    organization, events = world["organization"], world["events"]
    edition, public = world["edition"], world["public"]
    event_data = _event_data(world)
    draft = events[EventStatus.DRAFT]
    signup = {"email": "nouvel.agent@exemple.gouv.fr", "password1": "Un-mot-de-passe-solide-42"}
    signup["password2"] = signup["password1"]
    filters = {"region": "53", "q": "atelier", "du": edition.start_date.isoformat()}
    found = {
        # The organiser space.
        "event-create": Target(
            "event-create",
            "post",
            f"/espace-organisateur/evenements/nouveau/?organisation={organization.slug}",
            _event_fields(),
            event_data,
            user,
        ),
        "event-create-organisation": Target(
            "event-create-organisation",
            "get",
            "/espace-organisateur/evenements/nouveau/",
            ["organisation"],
            {"organisation": organization.slug},
            user,
        ),
        "event-update": Target(
            "event-update",
            "post",
            f"/espace-organisateur/evenements/{draft.pk}/modifier/",
            _event_fields(),
            event_data,
            user,
        ),
        "event-cancel": Target(
            "event-cancel",
            "post",
            f"/espace-organisateur/evenements/{events[EventStatus.PUBLISHED].pk}/annuler/",
            ["reason"],
            {"reason": "La salle n’est plus disponible."},
            user,
            _reset_status(events[EventStatus.PUBLISHED], EventStatus.PUBLISHED),
        ),
        "event-schedule": Target(
            "event-schedule",
            "post",
            f"/espace-organisateur/evenements/{events[EventStatus.PUBLISHED].pk}/etat/",
            ["schedule_status", "message", *_event_fields()[-8:]],
            {
                "schedule_status": "rescheduled",
                "message": "Une semaine plus tard.",
                "sessions-TOTAL_FORMS": "1",
                "sessions-INITIAL_FORMS": "0",
                "sessions-MAX_NUM_FORMS": "30",
                "sessions-0-date": (edition.start_date + datetime.timedelta(days=9)).isoformat(),
            },
            user,
            _reset_status(events[EventStatus.PUBLISHED], EventStatus.PUBLISHED),
        ),
        "event-resubmit": Target(
            "event-resubmit",
            "post",
            f"/espace-organisateur/evenements/"
            f"{events[EventStatus.CHANGES_REQUESTED].pk}/soumettre-a-nouveau/",
            ["message"],
            {"message": "Les horaires sont corrigés."},
            user,
            _reset_status(events[EventStatus.CHANGES_REQUESTED], EventStatus.CHANGES_REQUESTED),
        ),
        "organization-create": Target(
            "organization-create",
            "post",
            "/espace-organisateur/organisation/nouvelle/",
            list(OrganizationForm.base_fields),
            {
                "name": "Direction départementale des territoires",
                "kind": "state_deconcentrated",
                "region": "53",
                "department": "35",
                "website": "https://exemple.gouv.fr",
                "description": "Une direction.",
            },
            world["newcomer"],
        ),
        "organization-search": Target(
            "organization-search",
            "get",
            "/espace-organisateur/organisation/rejoindre/",
            ["q"],
            {"q": "préfecture"},
            world["newcomer"],
        ),
        "organization-join": Target(
            "organization-join",
            "post",
            "/espace-organisateur/organisation/rejoindre/",
            ["organization"],
            {"organization": str(world["other"].pk)},
            world["newcomer"],
        ),
        # Accounts.
        "signup": Target("signup", "post", "/compte/signup/", [*signup], signup),
        "login": Target(
            "login",
            "post",
            "/compte/login/",
            ["login", "password", "remember"],
            {"login": user.email, "password": "pas le bon mot de passe", "remember": "on"},
        ),
        "password-reset": Target(
            "password-reset", "post", "/compte/password/reset/", ["email"], {"email": user.email}
        ),
        "email-add": Target(
            "email-add",
            "post",
            "/compte/email/",
            ["email", "action_add"],
            {"email": "autre.adresse@exemple.gouv.fr", "action_add": ""},
            world["newcomer"],
        ),
        "password-change": Target(
            "password-change",
            "post",
            "/compte/password/change/",
            ["oldpassword", "password1", "password2"],
            {"oldpassword": "faux", "password1": "Nouveau-mot-de-passe-42"},
            world["newcomer"],
        ),
        # Alerts.
        "alert-subscribe": Target(
            "alert-subscribe",
            "post",
            "/alertes/?region=53",
            ["email"],
            {"email": "veille@exemple.fr"},
        ),
        "alert-subscribe-selection": Target(
            "alert-subscribe-selection", "get", "/alertes/", PROGRAMME_PARAMS, filters
        ),
        "alert-manage": Target(
            "alert-manage",
            "post",
            f"/alertes/gerer/{manage_token(world['alert'])}/",
            ["alert", "all"],
            {"alert": str(world["alert"].pk + 1000)},
        ),
        # The public site: filters and pages.
        "programme": Target("programme", "get", "/programme/", PROGRAMME_PARAMS, filters),
        "calendar": Target("calendar", "get", "/programme/calendrier/", PROGRAMME_PARAMS, filters),
        "edition": Target(
            "edition", "get", f"/editions/{edition.year}/", PROGRAMME_PARAMS, filters
        ),
        "labs": Target("labs", "get", "/labs/", [*LabFilterSet.base_filters], {"region": "53"}),
        "lab-page": Target("lab-page", "get", f"/labs/{world['lab'].slug}/", ["page"]),
        "organization-page": Target(
            "organization-page", "get", f"/organisateurs/{world['other'].slug}/", ["page"]
        ),
        "feeds": Target("feeds", "get", "/programme.csv", PROGRAMME_PARAMS, filters),
        "feed-json": Target("feed-json", "get", "/programme.json", PROGRAMME_PARAMS, filters),
        "feed-ics": Target("feed-ics", "get", "/programme.ics", PROGRAMME_PARAMS, filters),
        "feed-atom": Target("feed-atom", "get", "/flux.atom", PROGRAMME_PARAMS, filters),
        "feed-pdf": Target("feed-pdf", "get", "/programme.pdf", PROGRAMME_PARAMS, filters),
        "embed": Target(
            "embed",
            "get",
            "/integrer/programme/",
            [*PROGRAMME_PARAMS, "nombre"],
            {"region": "53"},
        ),
        "embed-builder": Target(
            "embed-builder", "get", "/integrer/", [*PROGRAMME_PARAMS, "nombre"], {"region": "53"}
        ),
        "figures": Target("figures", "get", "/chiffres/", ["edition"]),
        "figures-json": Target("figures-json", "get", "/chiffres.json", ["edition"]),
        "star": Target(
            "star", "post", f"/mon-programme/ajouter/{public.slug}/", ["next"], {"next": "/"}
        ),
        "mon-programme": Target("mon-programme", "get", "/mon-programme/", ["complet"]),
        # The API.
        "api-events": Target("api-events", "get", "/api/v1/events/", API_PARAMS),
        "api-sessions": Target("api-sessions", "get", "/api/v1/sessions/", API_PARAMS),
        "api-labs": Target(
            "api-labs",
            "get",
            "/api/v1/labs/",
            [*LabFilterSet.base_filters, "edition", "page", "page_size"],
        ),
        "api-organizations": Target(
            "api-organizations", "get", "/api/v1/organizations/", ["page", "page_size"]
        ),
        # The back office.
        "admin-decision": Target(
            "admin-decision",
            "post",
            f"/admin/events/event/{draft.pk}/decision/demander-des-modifications/",
            ["message", "version"],
            {"message": "Précisez le lieu.", "version": "999"},
            moderator,
        ),
        "admin-schedule": Target(
            "admin-schedule",
            "post",
            f"/admin/events/event/{events[EventStatus.PUBLISHED].pk}/etat/",
            ["schedule_status", "message", "version"],
            {"schedule_status": "full", "message": "Complet.", "version": "999"},
            moderator,
        ),
        "admin-event-change": Target(
            "admin-event-change",
            "post",
            f"/admin/events/event/{draft.pk}/change/",
            [],
            _admin_change_data,
            moderator,
        ),
        # On-platform registration.
        "registration-register": Target(
            "registration-register",
            "post",
            f"/evenements/{world['registering'].slug}/inscription/",
            [*RegistrationForm.base_fields],
            {
                "sessions": [str(world["registering"].sessions.get().pk)],
                "name": "Camille Agent",
                "email": "camille@exemple.gouv.fr",
                "kind": "agent",
                "organization_name": "Préfecture de la Marne",
                "accessibility_needs": "Boucle magnétique",
                "accessibility_consent": "on",
                "site_web": "",
            },
        ),
        "registration-manage": Target(
            "registration-manage",
            "post",
            f"/inscriptions/{registration_manage_token(world['registrant'])}/",
            ["action", "registration"],
            {"action": "erase", "registration": str(world["registrant"].registrations.get().pk)},
        ),
        "admin-queue": Target(
            "admin-queue", "get", "/admin/events/event/", ["q", "status", "o", "p"], {}, moderator
        ),
        "admin-statistics": Target(
            "admin-statistics",
            "get",
            "/admin/events/event/statistiques/",
            ["edition", "perimetre"],
            {},
            moderator,
        ),
        # On-platform registration, the organiser's side.
        "registration-session-form": Target(
            "registration-session-form",
            "post",
            "",
            [
                "registration_mode",
                *(
                    f"sessions-0-{name}"
                    for name in ("capacity", "waiting_list", "registration_closes_at")
                ),
            ],
            partial(_registration_form_data, world),
            user,
        ),
        "registration-message": Target(
            "registration-message",
            "post",
            "",
            ["subject", "body"],
            partial(_registration_message_data, world),
            user,
        ),
        "registration-presence": Target(
            "registration-presence",
            "post",
            "",
            ["present"],
            partial(_registration_presence_data, world),
            user,
        ),
        # The month's results: the declaration of attendance.
        "attendance-declare": Target(
            "attendance-declare", "post", "", [], partial(_attendance_data, world), user
        ),
        "survey": Target(
            "survey",
            "post",
            "",
            ["overall", "would_recommend", "will_reuse_method", "comment"],
            partial(_survey_data, world),
        ),
    }
    for name in ECHOES:
        found[name].payloads = CORE
    return found


# The same form again (the update of a draft) or the programme's filters again.
ECHOES = [
    "event-update",
    "admin-event-change",
    "alert-subscribe-selection",
    "calendar",
    "edition",
    "feeds",
    "feed-json",
    "feed-ics",
    "feed-pdf",
    "feed-atom",
    "embed",
    "embed-builder",
    "api-sessions",
]

TARGET_NAMES = [
    "event-create",
    "event-create-organisation",
    "event-update",
    "event-cancel",
    "event-schedule",
    "event-resubmit",
    "organization-create",
    "organization-search",
    "organization-join",
    "signup",
    "login",
    "password-reset",
    "email-add",
    "password-change",
    "alert-subscribe",
    "alert-subscribe-selection",
    "alert-manage",
    "registration-register",
    "registration-manage",
    "programme",
    "calendar",
    "edition",
    "labs",
    "lab-page",
    "organization-page",
    "feeds",
    "feed-json",
    "feed-ics",
    "feed-pdf",
    "feed-atom",
    "embed",
    "embed-builder",
    "figures",
    "figures-json",
    "star",
    "mon-programme",
    "api-events",
    "api-sessions",
    "api-labs",
    "api-organizations",
    "admin-decision",
    "admin-schedule",
    "admin-event-change",
    "admin-queue",
    "admin-statistics",
    "registration-session-form",
    "registration-message",
    "registration-presence",
    "attendance-declare",
    "survey",
]


@pytest.fixture
def no_rate_limits(settings):
    # The limits answer 429 long before the payloads run out: this test looks for crashes.
    settings.ACCOUNT_RATE_LIMITS = False
    settings.API_RATE_LIMIT = 10**6


def _groups(name: str) -> list[str]:
    """The tests of one target: a payload that goes into each field alone, or EVERY_FIELD."""
    payloads = CORE if name in ECHOES else list(PAYLOADS)
    return [*(payload for payload in payloads if payload in FIELD_ALONE), EVERY_FIELD]


@pytest.mark.parametrize(
    ("name", "group"),
    [
        pytest.param(name, group, id=f"{name}-{group}")
        for name in TARGET_NAMES
        for group in _groups(name)
    ],
)
def test_no_server_error_and_no_unescaped_echo(world, no_rate_limits, name, group):
    target = targets(world)[name]
    client = Client(raise_request_exception=False)
    if target.user is not None:
        client.force_login(target.user)
    if callable(target.data):
        target.data = target.data(client, target)
    failures, tried = [], 0
    for where, changes in _attacks(target, group):
        for cache in caches.all(initialized_only=True):
            cache.clear()
        if target.reset:
            target.reset()
        response = _send(client, target, {**target.data, **changes})
        tried += 1
        if response.status_code >= 500:
            failures.append(f"{where}: {response.status_code}")
        elif "html" in response.get("Content-Type", ""):
            page = response.content.decode(errors="replace")
            if any(raw in page for raw in UNESCAPED):
                failures.append(f"{where}: payload echoed unescaped")
    print(f"\n{name} {group}: {tried} hostile requests, {len(failures)} failures")
    assert tried, f"{name} {group}: no request"
    assert failures == [], f"{name}: {len(failures)} of {tried} requests failed: {failures}"


def _attacks(target: Target, group: str):
    """(what, changes) of each hostile request of `group` on `target`.

    A FIELD_ALONE payload goes into each field alone, the rest of the submission valid, so that
    it reaches the save and the database. The others (group EVERY_FIELD) go into every field at
    once: each field still cleans each of them and the page echoes them all, in one request
    instead of one per field (this was the suite's longest test, twelve minutes on PostgreSQL
    in CI)."""
    if group != EVERY_FIELD:
        assert group in target.payloads and group in FIELD_ALONE, group
        for field_name in target.fields:
            yield f"{field_name}={group}", {field_name: PAYLOADS[group]}
        return
    for payload_name in target.payloads:
        if payload_name not in FIELD_ALONE:
            yield (
                f"every field={payload_name}",
                dict.fromkeys(target.fields, PAYLOADS[payload_name]),
            )


@pytest.mark.parametrize("name", ["themes", "co_organizers", "labs"])
def test_event_form_keeps_what_was_entered_when_a_choice_is_beyond_the_databases_integers(
    world, name
):
    """These answered 500 on SQLite (OverflowError in `pk__in`), a form error on PostgreSQL."""
    client = Client()
    client.force_login(world["user"])
    data = {**_event_data(world), "description": "Mon déroulé, saisi avec soin.", name: HUGE}

    response = client.post(
        f"/espace-organisateur/evenements/nouveau/?organisation={world['organization'].slug}", data
    )

    assert response.status_code == 200
    page = " ".join(response.content.decode().split())  # French spaces are non-breaking
    assert f"« {HUGE} » n’est pas une valeur correcte." in page
    assert "Mon déroulé, saisi avec soin." in page
    assert 'value="3 avenue de la Préfecture"' in page
    assert Event.objects.filter(description="Mon déroulé, saisi avec soin.").count() == 0


def test_admin_autocomplete_redisplays_a_key_that_is_not_a_number_as_a_form_error(world):
    client = Client()
    client.force_login(world["moderator"])
    path = f"/admin/events/event/{world['events'][EventStatus.DRAFT].pk}/change/"
    data = resubmit_data(client.get(path), labs=["<script>", HUGE], organization="abc")

    response = client.post(path, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors.keys() >= {"labs", "organization"}
