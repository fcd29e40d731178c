"""The generated events and their sessions, planned in memory before anything is written:
titles, dates, places, formats, themes, registration and moderation state, drawn from the
vocabulary with a seeded generator, and the search text computed from the planned values.
"""

import datetime
import functools
import random
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.text import capfirst, slugify

from events.enums import AttendanceMode, Audience, EventStatus, RegistrationMode, ScheduleStatus
from events.models import Edition, Event, Format, Theme
from events.search import event_search_text
from moisinno.geography import REGIONS, department_name, departments_of_region, region_name
from moisinno.text import fold
from organizers.enums import OrganizationKind

from . import vocabulary as vocab
from .organizations import OrganizationSpec

_S = OrganizationKind


@dataclass(slots=True)
class PlannedEvent:
    """One event before it is saved, with its related rows."""

    fields: dict
    sessions: list[tuple[datetime.date, datetime.time | None, datetime.time | None]]
    theme_ids: list[int]
    lab_ids: list[int] = field(default_factory=list)
    co_organizer_ids: list[int] = field(default_factory=list)


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
# One draw whatever the weights: the same seed plans the same events.
REGISTRATION_WEIGHTS = {
    RegistrationMode.LINK: 40,
    RegistrationMode.EMAIL: 15,
    RegistrationMode.PLATFORM: 15,
    RegistrationMode.NONE: 30,
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


def session_place(event: Event, index: int, count: int) -> dict:
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


class Planner:
    """Plans the events of an edition (`plan`): content from the seed and the reference data,
    organisers and labs from the pool (`demo.organizations`)."""

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

    def plan(self, count: int) -> list[PlannedEvent]:
        rng = self.rng
        # Every region gets at least one published in-person event, whatever the count.
        regions = sorted(REGIONS)
        rng.shuffle(regions)
        forced = dict(
            zip(rng.sample(range(count), min(count, len(regions))), regions, strict=False)
        )
        return [self._plan_one(forced.get(i)) for i in range(count)]

    def _plan_one(self, forced_region: str | None) -> PlannedEvent:
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
        registration = _weighted(rng, REGISTRATION_WEIGHTS)
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
            # « Complet » by hand, unless the platform counts the seats.
            "schedule_status": ScheduleStatus.FULL
            if capacity is not None
            and rng.random() < 0.05
            and registration != RegistrationMode.PLATFORM
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
        planned = PlannedEvent(fields=fields, sessions=sessions, theme_ids=theme_ids)
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

    def _search_text(self, planned: PlannedEvent, format_: Format, paragraphs: list[str]) -> str:
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
        self, planned: PlannedEvent, spec: OrganizationSpec, region: str, organization_id: int
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
