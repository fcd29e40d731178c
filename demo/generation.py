"""Synthetic programme for demos and benchmarks (`manage.py generate_programme`).

Deterministic for a seed: the same seed on the same reference data gives the same titles, dates
and places. Every row written here has `is_generated=True`, so it can be told apart from real
data and removed with `programme_clear_generated`. Rows are written with `bulk_create`; event
dates and search text are computed in Python, so that each row is written once.
"""

import datetime
import functools
import random
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Expression, F, Value
from django.utils import timezone
from django.utils.text import capfirst, slugify

from events.enums import AttendanceMode, Audience, EventStatus, RegistrationMode, ScheduleStatus
from events.geo import sessions_place_approximately
from events.models import Edition, Event, EventSession, Format, SearchWord, Theme
from events.search import (
    event_search_text,
    is_postgresql,
    search_vector_expression,
    search_vocabulary_add,
)
from labs.enums import LabKind
from labs.models import Lab
from moisinno.geography import (
    DEPARTMENTS,
    REGIONS,
    department_name,
    departments_of_region,
    region_name,
)
from moisinno.pagecache import public_content_batch, public_content_changed
from moisinno.text import fold
from organizers.enums import OrganizationKind
from organizers.models import Organization

from . import vocabulary as vocab


class GenerationError(Exception):
    """The programme cannot be generated (missing reference data); the message is French."""


@dataclass(frozen=True, slots=True)
class OrganizationSpec:
    name: str
    kind: str
    region: str
    department: str

    @property
    def slug(self) -> str:
        return slugify(self.name)[:220]


@dataclass(frozen=True, slots=True)
class LabSpec:
    name: str
    kind: str
    region: str
    ministry: str = ""
    host_slug: str = ""

    @property
    def slug(self) -> str:
        return slugify(self.name)[:220]


@dataclass(frozen=True, slots=True)
class GenerationResult:
    events: int
    sessions: int
    published: int
    with_labs: int
    organizations_created: int
    labs_created: int
    deleted_events: int
    seconds: float


@dataclass(slots=True)
class _Planned:
    """One event before it is saved, with its related rows."""

    fields: dict
    sessions: list[tuple[datetime.date, datetime.time | None, datetime.time | None]]
    theme_ids: list[int]
    lab_ids: list[int] = field(default_factory=list)
    co_organizer_ids: list[int] = field(default_factory=list)


# Reference pools ---------------------------------------------------------------------------

_S = OrganizationKind


def _hospital_name(department_code: str) -> str:
    special = {
        "75": "Assistance publique – Hôpitaux de Paris",
        "13": "Assistance publique – Hôpitaux de Marseille",
        "69": "Hospices civils de Lyon",
        "2A": "Centre hospitalier d'Ajaccio",
        "971": "CHU de la Guadeloupe",
        "972": "CHU de Martinique",
        "973": "Centre hospitalier de Cayenne",
        "974": "CHU de La Réunion",
        "976": "Centre hospitalier de Mayotte",
    }
    return (
        special.get(department_code)
        or f"CHU {vocab.of_city(vocab.DEPARTMENT_SEATS[department_code])}"
    )


def organization_specs() -> list[OrganizationSpec]:
    """The generated organisations: every kind in every region, about 330 in all."""
    specs: list[OrganizationSpec] = []
    specs += [
        OrganizationSpec(name, _S.STATE_CENTRAL, "11", "75")
        for name in vocab.CENTRAL_ADMINISTRATIONS
    ]
    specs += [
        OrganizationSpec(name, _S.ASSOCIATION, "11", "") for name in vocab.NATIONAL_ASSOCIATIONS
    ]
    for code in sorted(REGIONS):
        region = REGIONS[code]
        seat = vocab.REGION_SEAT_DEPARTMENTS[code]
        council = vocab.REGIONAL_COUNCILS.get(code, f"Région {region.name}")
        specs += [
            OrganizationSpec(
                f"Préfecture de la région {region.name}", _S.STATE_DECONCENTRATED, code, seat
            ),
            OrganizationSpec(council, _S.LOCAL_AUTHORITY, code, seat),
            OrganizationSpec(
                f"Agence régionale de santé {region.name}", _S.PUBLIC_OPERATOR, code, seat
            ),
            OrganizationSpec(f"Pôle emploi {region.name}", _S.PUBLIC_OPERATOR, code, ""),
            OrganizationSpec(_hospital_name(seat), _S.HEALTH_SOCIAL, code, seat),
            OrganizationSpec(
                f"Réseau des innovateurs publics — {region.name}", _S.ASSOCIATION, code, ""
            ),
        ]
    for index, (code, department) in enumerate(DEPARTMENTS.items()):
        seat = vocab.DEPARTMENT_SEATS[code]
        of_department = vocab.of_department(code, department.name)
        region = department.region_code
        specs.append(
            OrganizationSpec(f"Ville {vocab.of_city(seat)}", _S.LOCAL_AUTHORITY, region, code)
        )
        # One more organisation per department, rotating over the kinds found locally.
        rotation = [
            (f"Préfecture {of_department}", _S.STATE_DECONCENTRATED),
            (
                None if code in vocab.NO_DEPARTMENTAL_COUNCIL else f"Département {of_department}",
                _S.LOCAL_AUTHORITY,
            ),
            (f"Centre hospitalier {vocab.of_city(seat)}", _S.HEALTH_SOCIAL),
            (f"Caisse d'allocations familiales {of_department}", _S.PUBLIC_OPERATOR),
            (f"Centre communal d'action sociale {vocab.of_city(seat)}", _S.HEALTH_SOCIAL),
            (f"Direction départementale des territoires {of_department}", _S.STATE_DECONCENTRATED),
        ]
        for shift in range(len(rotation)):
            name, kind = rotation[(index + shift) % len(rotation)]
            if name and code != "75":
                specs.append(OrganizationSpec(name, kind, region, code))
                break
    unique: dict[str, OrganizationSpec] = {}
    for spec in specs:
        unique.setdefault(spec.slug, spec)
    return list(unique.values())


def lab_specs(*, regions_with_territorial_lab: set[str]) -> list[LabSpec]:
    """A few dozen generated labs of every kind; no second territorial lab in a region."""
    specs = [
        LabSpec(
            f"Laboratoire d'innovation territoriale {REGIONS[code].name}",
            LabKind.TERRITORIAL,
            code,
            host_slug=slugify(f"Préfecture de la région {REGIONS[code].name}"),
        )
        for code in sorted(REGIONS)
        if code not in regions_with_territorial_lab
    ]
    specs += [
        LabSpec(name, LabKind.MINISTERIAL, "11", ministry=ministry)
        for name, ministry in vocab.MINISTRIES
    ]
    for code in ["69", "31", "59", "44", "33", "35", "67", "34"]:
        city = vocab.of_city(vocab.DEPARTMENT_SEATS[code])
        specs.append(
            LabSpec(
                f"Lab d'innovation de la Ville {city}",
                LabKind.LOCAL_AUTHORITY,
                DEPARTMENTS[code].region_code,
                host_slug=slugify(f"Ville {city}"),
            )
        )
    for code in ["35", "31", "59", "33"]:
        hospital = _hospital_name(code)
        specs.append(
            LabSpec(
                f"Lab innovation du {hospital}",
                LabKind.HOSPITAL,
                DEPARTMENTS[code].region_code,
                host_slug=slugify(hospital),
            )
        )
    for code in ["76", "84"]:
        agency = f"Agence régionale de santé {REGIONS[code].name}"
        specs.append(
            LabSpec(f"Lab de l'{agency}", LabKind.OPERATOR, code, host_slug=slugify(agency))
        )
    for code in ["59", "13"]:
        fund = (
            f"Caisse d'allocations familiales {vocab.of_department(code, DEPARTMENTS[code].name)}"
        )
        specs.append(
            LabSpec(
                f"Lab de la {fund}",
                LabKind.OPERATOR,
                DEPARTMENTS[code].region_code,
                host_slug=slugify(fund),
            )
        )
    for code in ["21", "87", "63"]:
        city = vocab.of_city(vocab.DEPARTMENT_SEATS[code])
        specs.append(
            LabSpec(
                f"Tiers-lieu d'innovation publique {city}",
                LabKind.OTHER,
                DEPARTMENTS[code].region_code,
            )
        )
    return specs


def _ensure_organizations() -> tuple[list[tuple[OrganizationSpec, int]], dict[int, str], int]:
    """Create the missing pool organisations; reuse any organisation with the same slug."""
    specs = organization_specs()
    slugs = [s.slug for s in specs]
    existing = dict(Organization.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    missing = [
        Organization(
            name=s.name,
            slug=s.slug,
            kind=s.kind,
            region=s.region,
            department=s.department,
            description="Organisation fictive créée pour la démonstration.",
            is_generated=True,
        )
        for s in specs
        if s.slug not in existing
    ]
    Organization.objects.bulk_create(missing, batch_size=500)
    rows = list(Organization.objects.filter(slug__in=slugs).values_list("slug", "pk", "name"))
    ids = {slug: pk for slug, pk, _name in rows}
    names = {pk: name for _slug, pk, name in rows}
    return [(s, ids[s.slug]) for s in specs], names, len(missing)


def _ensure_labs(organization_ids: dict[str, int]) -> int:
    regions_with_lab = set(
        Lab.objects.filter(kind=LabKind.TERRITORIAL, is_generated=False).values_list(
            "region", flat=True
        )
    )
    specs = lab_specs(regions_with_territorial_lab=regions_with_lab)
    existing = set(
        Lab.objects.filter(slug__in=[s.slug for s in specs]).values_list("slug", flat=True)
    )
    rng = random.Random("labs")  # fixed: the lab pool does not depend on the programme seed
    missing = []
    for spec in specs:
        methods = ", ".join(rng.sample(vocab.LAB_METHODS, rng.randint(2, 4)))
        if spec.slug in existing:
            continue
        missing.append(
            Lab(
                name=spec.name,
                slug=spec.slug,
                kind=spec.kind,
                region=spec.region,
                ministry=spec.ministry,
                host_organization_id=organization_ids.get(spec.host_slug),
                description="Laboratoire fictif créé pour la démonstration.",
                methods=methods,
                is_generated=True,
            )
        )
    Lab.objects.bulk_create(missing, batch_size=500)
    return len(missing)


# Planning ----------------------------------------------------------------------------------

# The programme is made of a few hundred distinct paragraphs, names and places: each is folded
# once. Folding folded text again (as the search-text recipe does) changes nothing for this
# vocabulary (only a few rare accented ligatures, such as "ǽ", need two passes) and is several
# times cheaper than folding it the first time.
_folded = functools.lru_cache(maxsize=4096)(fold)


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


STATUS_WEIGHTS = {
    EventStatus.PUBLISHED: 85,
    EventStatus.SUBMITTED: 5,
    EventStatus.DRAFT: 3,
    EventStatus.CHANGES_REQUESTED: 3,
    EventStatus.REJECTED: 2,
    EventStatus.CANCELLED: 2,
}
MODE_WEIGHTS = {AttendanceMode.IN_PERSON: 55, AttendanceMode.ONLINE: 30, AttendanceMode.HYBRID: 15}
KIND_WEIGHTS = {
    _S.STATE_DECONCENTRATED: 28,
    _S.LOCAL_AUTHORITY: 25,
    _S.PUBLIC_OPERATOR: 15,
    _S.STATE_CENTRAL: 12,
    _S.HEALTH_SOCIAL: 8,
    _S.ASSOCIATION: 12,
}
AUDIENCE_WEIGHTS = {
    Audience.PUBLIC_AGENTS: 50,
    Audience.ALL: 18,
    Audience.MANAGERS: 12,
    Audience.CITIZENS: 14,
    Audience.ELECTED: 6,
}
START_TIMES = [
    datetime.time(h, m)
    for h, m in [(9, 0), (9, 30), (10, 0), (11, 0), (12, 30), (14, 0), (14, 30), (16, 0), (18, 0)]
]
DURATIONS_MINUTES = [60, 90, 90, 120, 120, 180, 240]
CAPACITIES = [12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 150, 200, 300, 500]
VERSIONS = {
    EventStatus.DRAFT: 0,
    EventStatus.SUBMITTED: 1,
    EventStatus.CHANGES_REQUESTED: 2,
    EventStatus.PUBLISHED: 2,
    EventStatus.REJECTED: 2,
    EventStatus.CANCELLED: 3,
}


def _session_place(event: Event, index: int, count: int) -> dict:
    """Where a generated session is held: its event's place and public link; a hybrid series
    opens with a webinar, then meets in person (a mixed event, as organisers hold them)."""
    mode = event.attendance_mode
    if mode == AttendanceMode.HYBRID and count > 1:
        mode = AttendanceMode.ONLINE if index == 0 else AttendanceMode.IN_PERSON
    in_person = mode != AttendanceMode.ONLINE
    online = mode != AttendanceMode.IN_PERSON
    return {
        "attendance_mode": mode,
        "venue_name": event.venue_name if in_person else "",
        "address": event.address if in_person else "",
        "postal_code": event.postal_code if in_person else "",
        "city": event.city if in_person else "",
        "department": event.department if in_person else "",
        "online_url": event.online_url if online else "",
        "online_url_public": online and bool(event.online_url),
    }


class _Planner:
    def __init__(
        self,
        *,
        edition: Edition,
        seed: int,
        formats: list[Format],
        themes: list[Theme],
        organizations: list[tuple[OrganizationSpec, int]],
        organization_names: dict[int, str],
        labs: list[tuple[int, str, int | None, str]],
    ):
        self.edition = edition
        # Content (titles, dates, places) only depends on the seed and the reference data;
        # links to labs and co-organisers use their own generator, as the lab list may vary.
        self.rng = random.Random(seed)
        self.links = random.Random(f"links-{seed}")
        self.formats = formats
        self.themes_by_slug = {t.slug: t.pk for t in themes}
        self.theme_ids = [t.pk for t in themes]
        self.theme_names = {t.pk: t.name for t in themes}
        self.theme_rank = {t.pk: rank for rank, t in enumerate(themes)}
        self.organizations = organizations
        self.organization_names = organization_names
        self.by_kind_region: dict[tuple[str, str], list[int]] = {}
        self.by_region: dict[str, list[int]] = {}
        for index, (spec, _pk) in enumerate(organizations):
            self.by_kind_region.setdefault((spec.kind, spec.region), []).append(index)
            self.by_region.setdefault(spec.region, []).append(index)
        self.labs = labs
        self.lab_names = {pk: name for pk, _region, _host, name in labs}
        self.labs_by_region: dict[str, list[int]] = {}
        self.labs_by_host: dict[int, list[int]] = {}
        for pk, region, host, _name in labs:
            self.labs_by_region.setdefault(region, []).append(pk)
            if host:
                self.labs_by_host.setdefault(host, []).append(pk)
        self.tz = timezone.get_default_timezone()
        days = []
        day = edition.start_date
        while day <= edition.end_date:
            days.append(day)
            day += datetime.timedelta(days=1)
        self.days = days
        self.day_weights = [{5: 0.08, 6: 0.02}.get(d.weekday(), 1.0) for d in days]
        self.weekdays = [d for d in days if d.weekday() < 5] or days
        self.format_weights = {
            mode: [vocab.FORMAT_WEIGHTS[mode].get(f.slug, 1) for f in formats]
            for mode in MODE_WEIGHTS
        }
        for mode, weights in self.format_weights.items():
            if not any(weights):
                self.format_weights[mode] = [1] * len(formats)

    def plan(self, count: int) -> list[_Planned]:
        rng = self.rng
        # Every region gets at least one published in-person event, whatever the count.
        regions = sorted(REGIONS)
        rng.shuffle(regions)
        forced = dict(
            zip(rng.sample(range(count), min(count, len(regions))), regions, strict=False)
        )
        return [self._plan_one(forced.get(i)) for i in range(count)]

    def _plan_one(self, forced_region: str | None) -> _Planned:
        rng = self.rng
        status = _weighted(rng, STATUS_WEIGHTS)
        mode = _weighted(rng, MODE_WEIGHTS)
        kind = _weighted(rng, KIND_WEIGHTS)
        if forced_region:
            status, mode, region = EventStatus.PUBLISHED, AttendanceMode.IN_PERSON, forced_region
        elif kind == _S.STATE_CENTRAL and rng.random() < 0.6:
            region = "11"
        else:
            region = _weighted(rng, vocab.REGION_WEIGHTS)
        candidates = (
            self.by_kind_region.get((kind, region))
            or self.by_region.get(region)
            or list(range(len(self.organizations)))
        )
        spec, organization_id = self.organizations[rng.choice(candidates)]

        # Place.
        located = mode != AttendanceMode.ONLINE
        department = city = venue = address = ""
        if located:
            if spec.department and spec.region == region and rng.random() < 0.7:
                department = spec.department
            else:
                department = rng.choice(departments_of_region(region)).code
            city = vocab.DEPARTMENT_SEATS[department]
            venue = rng.choice(vocab.VENUES)
            address = (
                f"{rng.randint(1, 120)} {rng.choice(vocab.STREETS)}" if rng.random() < 0.8 else ""
            )

        # Format, method, topic → title, summary, description, themes.
        format_ = rng.choices(self.formats, weights=self.format_weights[mode])[0]
        word, phrase = vocab.FORMAT_WORDS.get(format_.slug, (format_.name, format_.name))
        method, method_theme = rng.choice(vocab.METHODS)
        topic, topic_theme = rng.choice(vocab.TOPICS)
        title = self._title(word, method, topic, city)
        verb = rng.choice(vocab.VERBS)
        summary = f"{phrase} pour découvrir comment {method} aide à {verb} {topic}."[:200]
        paragraphs = [
            f"Cet événement porte sur {topic} et s'appuie sur {method}.",
            " ".join(rng.sample(vocab.DESCRIPTION_OPENINGS, 2)),
            rng.choice(vocab.DESCRIPTION_CLOSINGS),
        ]
        description = "\n\n".join(paragraphs)
        theme_ids = [
            self.themes_by_slug[s] for s in (method_theme, topic_theme) if s in self.themes_by_slug
        ]
        for _ in range(rng.randint(0, 2)):
            theme_ids.append(rng.choice(self.theme_ids))
        theme_ids = list(dict.fromkeys(theme_ids))[:3] or [rng.choice(self.theme_ids)]

        # Sessions.
        derogation = not forced_region and rng.random() < 0.03
        sessions = self._sessions(derogation)

        # Registration, audience, accessibility, contacts.
        audience = (
            Audience.CITIZENS
            if format_.slug == "debat-citoyen"
            else _weighted(rng, AUDIENCE_WEIGHTS)
        )
        registration = _weighted(
            rng, {RegistrationMode.LINK: 50, RegistrationMode.EMAIL: 20, RegistrationMode.NONE: 30}
        )
        capacity = (
            rng.choice(CAPACITIES)
            if registration != RegistrationMode.NONE and rng.random() < 0.7
            else None
        )
        first, last = rng.choice(vocab.FIRST_NAMES), rng.choice(vocab.LAST_NAMES)
        in_person = mode != AttendanceMode.ONLINE
        online = mode != AttendanceMode.IN_PERSON
        falc = method_theme == "falc-langage-clair"
        fields = {
            "edition_id": self.edition.pk,
            "organization_id": organization_id,
            "title": title,
            "summary": summary,
            "description": description,
            "format_id": format_.pk,
            "attendance_mode": mode,
            "venue_name": venue,
            "address": address,
            "city": city,
            "department": department,
            "region": region if located else "",
            "audience": audience,
            "registration_mode": registration,
            "registration_email": "inscriptions@example.gouv.fr"
            if registration == RegistrationMode.EMAIL
            else "",
            "capacity": capacity,
            "schedule_status": ScheduleStatus.FULL
            if capacity is not None and rng.random() < 0.05
            else ScheduleStatus.SCHEDULED,
            "accessible_wheelchair": in_person and rng.random() < 0.65,
            "accessible_sign_language": rng.random() < 0.07,
            "accessible_captions": rng.random() < (0.35 if online else 0.05),
            "accessible_easy_read": rng.random() < (0.6 if falc else 0.08),
            "accessible_hearing_loop": in_person and rng.random() < 0.08,
            "public_contact_name": "Équipe innovation" if rng.random() < 0.5 else "",
            "public_contact_email": "innovation@example.gouv.fr" if rng.random() < 0.5 else "",
            "private_contact_name": f"{first} {last}",
            "private_contact_email": f"{slugify(first)}.{slugify(last)}@example.gouv.fr",
            "derogation_requested": derogation,
            "derogation_justification": rng.choice(vocab.DEROGATION_JUSTIFICATIONS)
            if derogation
            else "",
            "starts_on": sessions[0][0],
            "ends_on": sessions[-1][0],
            "status": status,
            "version": VERSIONS[status],
            "is_generated": True,
            **self._moderation(status),
        }
        if status == EventStatus.PUBLISHED and rng.random() < 0.03:
            fields["changed_since_validation"] = True
            fields["changed_fields"] = self._changes(fields, paragraphs)
        planned = _Planned(fields=fields, sessions=sessions, theme_ids=theme_ids)
        self._link(planned, spec, region, organization_id)
        fields["search_text"] = self._search_text(planned, format_, paragraphs)
        return planned

    def _changes(self, fields: dict, paragraphs: list[str]) -> list[dict]:
        """Edits of a published event since its validation, shaped like the changes that
        `events.editing.event_update` records: the summary added, the description extended, the
        venue moved."""
        rng = self.rng
        earlier = {
            "summary": "",
            "description": paragraphs[0],
            "venue_name": rng.choice([v for v in vocab.VENUES if v != fields["venue_name"]]),
        }
        names = ["summary", "description"] + (["venue_name"] if fields["venue_name"] else [])
        chosen = set(rng.sample(names, rng.randint(1, 2)))
        return [
            {
                "field": name,
                "label": capfirst(Event._meta.get_field(name).verbose_name),
                "before": earlier[name],
                "after": fields[name],
            }
            for name in names
            if name in chosen
        ]

    def _search_text(self, planned: _Planned, format_: Format, paragraphs: list[str]) -> str:
        """`Event.search_text` by the shared recipe (`events.search.event_search_text`), from
        the planned values instead of a query: related names in their models' default order,
        as `events.search.events_refresh_search` reads them. Parts are passed already folded
        (see `_folded`); the description folds to its folded paragraphs joined by spaces."""
        fields = planned.fields
        names = self.organization_names
        return event_search_text(
            title=fields["title"],
            summary=fields["summary"],
            description=" ".join(filter(None, map(_folded, paragraphs))),
            organization=_folded(names[fields["organization_id"]]),
            co_organizers=map(_folded, sorted(names[pk] for pk in planned.co_organizer_ids)),
            labs=map(_folded, sorted(self.lab_names[pk] for pk in planned.lab_ids)),
            venue_name=_folded(fields["venue_name"]),
            city=_folded(fields["city"]),
            department_name=_folded(department_name(fields["department"])),
            region_name=_folded(region_name(fields["region"])),
            format_name=_folded(format_.name),
            themes=[
                _folded(self.theme_names[pk])
                for pk in sorted(planned.theme_ids, key=self.theme_rank.get)
            ],
        )

    def _title(self, word: str, method: str, topic: str, city: str) -> str:
        rng = self.rng
        cap = capfirst
        verb = rng.choice(vocab.VERBS)
        templates = [
            lambda: f"{word} : {method} au service {vocab.of(topic)}",
            lambda: f"{cap(method)} pour {verb} {topic}",
            lambda: f"{word} : retour d'expérience sur {topic}",
            lambda: f"{word} : co-construire {topic} avec {rng.choice(vocab.PARTNERS)}",
            lambda: f"{word} « {rng.choice(vocab.CATCHPHRASES)} » : {topic}",
            lambda: f"Comment {verb} {topic} grâce {vocab.to(method)} ?",
            lambda: f"{cap(method)} : {rng.choice([3, 5, 7])} clés pour {verb} {topic}",
            lambda: f"{cap(topic)} : {word.lower()} sur {method}",
        ]
        if city:
            templates.append(lambda: f"{cap(topic)} : {word.lower()} {vocab.to_city(city)}")
            templates.append(
                lambda: f"Les rencontres de l'innovation publique {vocab.to_city(city)}"
            )
        return rng.choice(templates)()[:200]

    def _sessions(self, derogation: bool):
        rng = self.rng
        edition = self.edition
        count = rng.choice([2, 2, 2, 3, 3, 4]) if rng.random() < 0.15 else 1
        first = rng.choices(self.days, weights=self.day_weights)[0]
        weekly = [first + datetime.timedelta(days=7 * k) for k in range(count)]
        if count == 1:
            dates = [first]
        elif rng.random() < 0.5 and weekly[-1] <= edition.end_date:
            dates = weekly
        else:
            dates = sorted(rng.sample(self.weekdays, min(count, len(self.weekdays))))
        if derogation:
            shift = datetime.timedelta(days=rng.randint(1, 6))
            if rng.random() < 0.5:
                dates[0] = edition.start_date - shift
            else:
                dates[-1] = edition.end_date + shift
        # Times are shared by the sessions of a series; some organisers do not know them yet.
        draw = rng.random()
        start = end = None
        if draw < 0.7:
            start = rng.choice(START_TIMES)
            if draw < 0.55:  # the latest start plus the longest duration ends at 22:00
                duration = datetime.timedelta(minutes=rng.choice(DURATIONS_MINUTES))
                end = (datetime.datetime.combine(first, start) + duration).time()
        return [(d, start, end) for d in dates]

    def _moderation(self, status: str) -> dict:
        if status == EventStatus.DRAFT:
            return {}
        rng = self.rng
        # An edition whose referencing is still open (the demo's current one) has no future
        # submissions nor decisions: every moment stops now.
        now = datetime.datetime.now(self.tz)
        closes = min(self.edition.referencing_closes_on, now.date())
        opens = self.edition.referencing_opens_on or closes - datetime.timedelta(days=45)
        opens = min(opens, closes)
        span = max((closes - opens).days, 0)

        def moment(day: datetime.date) -> datetime.datetime:
            return datetime.datetime.combine(
                day, datetime.time(rng.randint(8, 18), rng.choice([0, 15, 30, 45])), tzinfo=self.tz
            )

        submitted = moment(opens + datetime.timedelta(days=rng.randint(0, span)))
        decided = submitted + datetime.timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 5))
        values: dict = {"submitted_at": submitted, "status_changed_at": submitted}
        if status in {EventStatus.PUBLISHED, EventStatus.CANCELLED}:
            values.update(published_at=decided, status_changed_at=decided)
        if status == EventStatus.CANCELLED:
            values.update(
                status_changed_at=decided + datetime.timedelta(days=rng.randint(3, 20)),
                moderation_message=rng.choice(vocab.CANCELLED_MESSAGES),
            )
        elif status == EventStatus.CHANGES_REQUESTED:
            values.update(
                status_changed_at=decided,
                moderation_message=rng.choice(vocab.CHANGES_REQUESTED_MESSAGES),
            )
        elif status == EventStatus.REJECTED:
            values.update(
                status_changed_at=decided, moderation_message=rng.choice(vocab.REJECTED_MESSAGES)
            )
        return {
            key: min(value, now) if isinstance(value, datetime.datetime) else value
            for key, value in values.items()
        }

    def _link(
        self, planned: _Planned, spec: OrganizationSpec, region: str, organization_id: int
    ) -> None:
        links = self.links
        if self.labs and links.random() < 0.33:
            hosted = self.labs_by_host.get(organization_id)
            local = self.labs_by_region.get(region or spec.region)
            if hosted and links.random() < 0.6:
                pool = hosted
            elif local and links.random() < 0.7:
                pool = local
            else:
                pool = [pk for pk, *_rest in self.labs]
            planned.lab_ids = links.sample(pool, min(len(pool), 1 if links.random() < 0.85 else 2))
        if links.random() < 0.1:
            local = self.by_region.get(region or spec.region) or range(len(self.organizations))
            other = self.organizations[links.choice(list(local))][1]
            if other != organization_id:
                planned.co_organizer_ids = [other]


# Writing -----------------------------------------------------------------------------------


def programme_clear_generated(*, edition: Edition) -> int:
    """Delete the generated events of `edition`, then generated labs and organisations that no
    event uses any more. Real rows (is_generated=False) are never touched."""
    with transaction.atomic(), public_content_batch():
        return _clear_generated(edition)


def _clear_generated(edition: Edition) -> int:
    deleted = (
        Event.objects.filter(edition=edition, is_generated=True).delete()[1].get("events.Event", 0)
    )
    Lab.objects.filter(is_generated=True).exclude(
        pk__in=Event.labs.through.objects.values("lab_id")
    ).delete()
    Organization.objects.filter(is_generated=True).exclude(
        pk__in=Event.objects.values("organization_id")
    ).exclude(pk__in=Event.co_organizers.through.objects.values("organization_id")).exclude(
        pk__in=Lab.objects.filter(host_organization__isnull=False).values("host_organization_id")
    ).filter(memberships__isnull=True).delete()
    return deleted


class _SQL(Expression):
    """Already compiled SQL and its parameters."""

    contains_column_references = False

    def __init__(self, sql: str, params: list, output_field):
        super().__init__(output_field=output_field)
        self.sql, self.params = sql, params

    def resolve_expression(self, *args, **kwargs):
        return self

    def as_sql(self, compiler, connection):
        return self.sql, self.params


class _InsertableVector:
    """`search.search_vector_expression()` evaluated by the INSERT of each event (PostgreSQL).

    Setting the vector with an UPDATE after the INSERT would write every row twice, with all
    its indexes (the full-text GIN index is the costly one). An INSERT cannot
    read the row's columns, so the expression is compiled once with each column reference
    replaced by a parameter, and each event supplies its own values for those parameters.
    """

    def __init__(self):
        sentinels: dict[str, str] = {}

        def bind(node):
            if isinstance(node, F):
                sentinels[node.name] = sentinel = f"__search_vector_{node.name}__"
                return Value(sentinel)
            clone = node.copy()
            clone.set_source_expressions([bind(n) for n in node.get_source_expressions()])
            return clone

        query = Event.objects.none().query
        compiler = query.get_compiler(connection=connection)
        self.sql, params = compiler.compile(
            bind(search_vector_expression()).resolve_expression(query)
        )
        self.params = list(params)
        names = {sentinel: name for name, sentinel in sentinels.items()}
        self.columns: dict[int, str] = {
            i: names[p] for i, p in enumerate(self.params) if p in names
        }
        self.output_field = Event._meta.get_field("search_vector")

    def of(self, event: Event) -> _SQL:
        params = self.params.copy()
        for index, name in self.columns.items():
            params[index] = getattr(event, name)
        return _SQL(self.sql, params, self.output_field)


def _unique_slugs(titles: list[str]) -> list[str]:
    """What `moisinno.text.unique_slug(Event, title, max_length=200)` gives each title if the
    events were saved one by one ("atelier", "atelier-2", …), in one query: that helper only
    sees saved rows, and `bulk_create` saves the whole batch at once."""
    taken = set(Event.objects.values_list("slug", flat=True))
    slugs = []
    for title in titles:
        base = slugify(title)[:200].strip("-") or "sans-titre"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


def analyze_programme_tables() -> None:
    """Give the database's planner statistics on what was just written: without them the
    programme's queries run 2 to 4 times slower until autovacuum comes by."""
    tables = [
        model._meta.db_table
        for model in (
            Event,
            EventSession,
            Organization,
            Lab,
            Event.themes.through,
            Event.labs.through,
            Event.co_organizers.through,
            SearchWord,
        )
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def programme_generate(
    *, edition: Edition, count: int, seed: int, clear: bool = False
) -> GenerationResult:
    """Generate `count` events for `edition`, deterministically for `seed`."""
    started = time.perf_counter()
    formats = list(Format.objects.order_by("position", "pk"))
    themes = list(Theme.objects.all())  # default order, as the search service reads them
    if not formats or not themes:
        raise GenerationError(
            "Aucun format ou aucune thématique : chargez d'abord les données de référence "
            "(manage.py loaddata reference)."
        )
    with transaction.atomic():
        deleted = programme_clear_generated(edition=edition) if clear else 0
        organizations, organization_names, organizations_created = _ensure_organizations()
        labs_created = _ensure_labs({spec.slug: pk for spec, pk in organizations})
        labs = list(
            Lab.objects.order_by("pk").values_list("pk", "region", "host_organization_id", "name")
        )
        planner = _Planner(
            edition=edition,
            seed=seed,
            formats=formats,
            themes=themes,
            organizations=organizations,
            organization_names=organization_names,
            labs=labs,
        )
        planned = planner.plan(count)

        slugs = _unique_slugs([p.fields["title"] for p in planned])
        vector = _InsertableVector() if is_postgresql() else None
        events = []
        for p, slug in zip(planned, slugs, strict=True):
            p.fields["slug"] = slug
            if p.fields["attendance_mode"] != AttendanceMode.IN_PERSON:
                p.fields["online_url"] = f"https://webinaire.example.gouv.fr/{slug}"
            if p.fields["registration_mode"] == RegistrationMode.LINK:
                p.fields["registration_url"] = f"https://inscription.example.gouv.fr/{slug}"
            event = Event(**p.fields)
            if vector:
                event.search_vector = vector.of(event)
            events.append(event)
        Event.objects.bulk_create(events, batch_size=1000)
        search_vocabulary_add(event.search_text for event in events)
        if events and events[0].pk is None:  # backends that cannot return ids
            ids = dict(Event.objects.filter(slug__in=slugs).values_list("slug", "pk"))
            for event in events:
                event.pk = ids[event.slug]

        sessions = [
            EventSession(
                event_id=event.pk,
                date=date,
                start_time=start,
                end_time=end,
                **_session_place(event, index, len(p.sessions)),
            )
            for event, p in zip(events, planned, strict=True)
            for index, (date, start, end) in enumerate(p.sessions)
        ]
        EventSession.objects.bulk_create(sessions, batch_size=2000)
        # On the maps without the network: around their department's centre, approximate.
        sessions_place_approximately(
            sessions=EventSession.objects.filter(event__in=[e.pk for e in events]).select_related(
                "event"
            ),
            spread=0.12,
        )
        Event.themes.through.objects.bulk_create(
            [
                Event.themes.through(event_id=e.pk, theme_id=t)
                for e, p in zip(events, planned, strict=True)
                for t in p.theme_ids
            ],
            batch_size=2000,
        )
        Event.labs.through.objects.bulk_create(
            [
                Event.labs.through(event_id=e.pk, lab_id=lab)
                for e, p in zip(events, planned, strict=True)
                for lab in p.lab_ids
            ],
            batch_size=2000,
        )
        Event.co_organizers.through.objects.bulk_create(
            [
                Event.co_organizers.through(event_id=e.pk, organization_id=o)
                for e, p in zip(events, planned, strict=True)
                for o in p.co_organizer_ids
            ],
            batch_size=2000,
        )
        # bulk_create sends no signal: the public pages change once, with this transaction.
        public_content_changed()
    analyze_programme_tables()
    return GenerationResult(
        events=len(events),
        sessions=len(sessions),
        published=sum(1 for e in events if e.status == EventStatus.PUBLISHED),
        with_labs=sum(1 for p in planned if p.lab_ids),
        organizations_created=organizations_created,
        labs_created=labs_created,
        deleted_events=deleted,
        seconds=time.perf_counter() - started,
    )
