"""What the public pages show, told to the page cache (`moisinno.pagecache.page_shows`).

A page that does not say lists events of the whole programme: it is kept until any public
event changes (within `PAGE_CACHE_LIST_DELAY`). An event's pages, an organisation's and a lab's
say what they show, so that a change elsewhere leaves them cached.
"""

from collections.abc import Iterable

from django.http import HttpRequest

from events.models import Event
from labs.models import Lab
from moisinno.pagecache import (
    event_tag,
    lab_events_tag,
    lab_tag,
    organization_events_tag,
    organization_tag,
    page_shows,
)
from organizers.models import Organization


def shows_event(request: HttpRequest, event: Event, *, related: Iterable[Event] = ()) -> None:
    """An event's page (or poster, visual, calendar file): the event, its organisers and labs
    (their names), and the `related` events it lists."""
    page_shows(
        request,
        own=[
            event_tag(event.pk),
            organization_tag(event.organization_id),
            *(organization_tag(partner.pk) for partner in event.co_organizers.all()),
            *(lab_tag(lab.pk) for lab in event.labs.all()),
        ],
        listed=[event_tag(other.pk) for other in related],
    )


def shows_organization(request: HttpRequest, organization: Organization) -> None:
    page_shows(
        request,
        own=[organization_tag(organization.pk)],
        listed=[organization_events_tag(organization.pk)],
    )


def shows_lab(request: HttpRequest, lab: Lab) -> None:
    page_shows(request, own=[lab_tag(lab.pk)], listed=[lab_events_tag(lab.pk)])


def shows_no_event(request: HttpRequest) -> None:
    """A page that shows no event (the site's editorial pages)."""
    page_shows(request)
