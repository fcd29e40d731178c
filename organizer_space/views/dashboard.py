"""The organiser space's home: the user's organisations and their events, by state and by page.

Each organisation's events of the current edition are listed 20 a page, what needs attention
first (the order of `events.states.STATUSES`), under a menu of filters by state with their
counts: « Tous », then `states.DASHBOARD_FILTERS` (« À compléter », « En attente de
validation »…), then « Passés » (the events whose last day is over, whatever their status). The
query string names the organisation it applies to (`?organisation=<slug>&etat=…&page=…`): the
user's other organisations show their first page of every event. Each organisation costs the
same few queries whatever its number of events.
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from events import states, workflow
from events.eligibility import referencing_closed_message, referencing_open_for
from events.selectors import (
    current_edition,
    organization_ditp_edits,
    organization_event_counts,
    organization_events,
    organization_past_events,
)
from moisinno import proconnect
from moisinno.pagination import with_page_numbers
from moisinno.proconnect.selectors import agent_siret
from organizers.enums import MembershipStatus
from organizers.selectors import memberships_of_user, organization_by_siret
from results.attendance import events_awaiting_declaration

from .common import with_registration_counts

PAGE_SIZE = 20
PAST_EDITIONS_SHOWN = 30
#: The dashboard's own filters, around those of the statuses (`states.DASHBOARD_FILTERS`).
ALL = "tous"
PAST = "passes"
INVALID_FILTER_MESSAGE = "Ce filtre n’existe pas : tous les événements sont affichés."


@dataclass(frozen=True)
class EventFilter:
    """One entry of an organisation's menu of filters by state."""

    slug: str
    label: str
    count: int
    url: str
    current: bool
    statuses: tuple[str, ...] | None  # None: every status
    past: bool | None  # True: only the events whose last day is over; False: only the others


class KnownCountPaginator(Paginator):
    """A paginator whose count the filters' counts already give (no COUNT query)."""

    def __init__(self, object_list, per_page: int, *, count: int):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


def _url(organization, slug: str, page: int = 1) -> str:
    query = {"organisation": organization.slug, "etat": slug}
    if page > 1:
        query["page"] = page
    return f"?{urlencode(query)}#evenements-{organization.pk}"


def _filters(organization, counts: dict[tuple[str, bool], int], chosen: str) -> list[EventFilter]:
    """« Tous », the filters of the statuses, « Passés », each with its count. A filter that
    lists nothing is left out, unless it is the chosen one or « Tous »."""

    def count(statuses, past) -> int:
        return sum(
            n
            for (status, is_past), n in counts.items()
            if (statuses is None or status in statuses) and (past is None or is_past == past)
        )

    specs = [(ALL, "Tous", None, None)]
    for slug, label in states.DASHBOARD_FILTERS.items():
        statuses = tuple(s for s, info in states.STATUSES.items() if info.dashboard_filter == slug)
        specs.append((slug, label, statuses, False))
    specs.append((PAST, "Passés", None, True))
    filters = [
        EventFilter(
            slug=slug,
            label=label,
            count=count(statuses, past),
            url=_url(organization, slug),
            current=slug == chosen,
            statuses=statuses,
            past=past,
        )
        for slug, label, statuses, past in specs
    ]
    return [f for f in filters if f.count or f.current or f.slug == ALL]


def _page_links(organization, slug: str, page: Page) -> dict:
    """The URLs of DSFR's pagination component for this organisation's list."""
    with_page_numbers(page)
    last = page.paginator.num_pages
    return {
        "first": _url(organization, slug, 1) if page.has_previous() else "",
        "previous": _url(organization, slug, page.number - 1) if page.has_previous() else "",
        "next": _url(organization, slug, page.number + 1) if page.has_next() else "",
        "last": _url(organization, slug, last) if page.has_next() else "",
        "numbers": [
            {"number": n, "url": _url(organization, slug, n)} if isinstance(n, int) else {}
            for n in page.pages_list
        ],
    }


def _event_list(request: HttpRequest, organization, edition) -> dict:
    """The organisation's filters, the chosen one's page of events grouped by status, and
    the pagination. The query string applies only to the organisation it names."""
    asked = request.GET if request.GET.get("organisation") == organization.slug else {}
    chosen = asked.get("etat") or ALL
    counts = organization_event_counts(organization=organization, edition=edition)
    filters = _filters(organization, counts, chosen)
    current = next((f for f in filters if f.current), None)
    invalid = current is None
    if invalid:
        filters = _filters(organization, counts, ALL)
        current = filters[0]
    events = organization_events(
        organization=organization, edition=edition, statuses=current.statuses, past=current.past
    )
    paginator = KnownCountPaginator(events, PAGE_SIZE, count=current.count)
    page = paginator.get_page(asked.get("page"))
    with_registration_counts(page.object_list)
    # Each status's heading counts its events in the whole filter, not only on this page.
    in_filter = {
        status: sum(
            n
            for (s, is_past), n in counts.items()
            if s == status and (current.past is None or is_past == current.past)
        )
        for status in states.STATUSES
    }
    return {
        "event_count": sum(counts.values()),
        "filters": filters,
        "current_filter": current,
        "invalid_filter": INVALID_FILTER_MESSAGE if invalid else "",
        "groups": [
            {"status": status, "heading": heading, "count": in_filter[status], "events": matching}
            for status, heading, matching in workflow.dashboard_groups(page.object_list)
        ],
        "page": page,
        "pagination": _page_links(organization, current.slug, page)
        if page.has_other_pages()
        else None,
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = memberships_of_user(user=request.user)
    edition = current_edition()
    organizations = []
    for membership in memberships:
        if membership.status != MembershipStatus.ACTIVE:
            continue
        organization = membership.organization
        organizations.append(
            {
                "membership": membership,
                "organization": organization,
                **(_event_list(request, organization, edition) if edition else {}),
                "ditp_edits": organization_ditp_edits(organization=organization, edition=edition),
                "past_events": list(
                    organization_past_events(organization=organization, edition=edition)[
                        :PAST_EDITIONS_SHOWN
                    ]
                ),
                "pending_requests": organization.memberships.filter(
                    status=MembershipStatus.PENDING
                ).count(),
            }
        )
    referencing_open = edition is not None and referencing_open_for(
        edition=edition, user=request.user
    )
    return render(
        request,
        "organizer_space/dashboard.html",
        {
            "title": "Espace organisateur",
            "edition": edition,
            "organizations": organizations,
            "pending_memberships": [m for m in memberships if m.status == MembershipStatus.PENDING],
            "referencing_open": referencing_open,
            "referencing_message": "" if referencing_open else referencing_closed_message(edition),
            "proconnect_offer": _proconnect_offer(request.user, memberships),
            # « Déclarez la participation »: the events over and not declared yet.
            "awaiting_declaration": events_awaiting_declaration(
                organization_ids=[o["organization"].pk for o in organizations]
            ),
        },
    )


def _proconnect_offer(user, memberships) -> dict | None:
    """The organisation of the agent's SIRET (ProConnect), when they are not in it yet."""
    siret = agent_siret(user=user) if proconnect.is_enabled() else ""
    if not siret:
        return None
    organization = organization_by_siret(siret=siret)
    if organization is not None and any(m.organization_id == organization.pk for m in memberships):
        return None
    return {"siret": siret, "organization": organization}
