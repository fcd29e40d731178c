"""The event list's rows written by `events.admin.changelist.RowWriter`, and its filters by
`filter_html`, give the same pages as Django's `items_for_result` and `admin/filter.html`: whole
pages compared both ways, on events that take each column's every form (a title and a name to
escape, no region, no dates, one day or several, booleans both ways, no submission, one report
or two, a possible duplicate)."""

import datetime
import re

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from events.admin import changelist
from events.admin.changelist import RowWriter, filter_html, render_filter
from events.admin.events import EventAdmin
from events.enums import EventStatus
from events.models import Event, EventReport
from moisinno.models import RegionalRelay
from organizers.enums import OrganizationKind
from tests.factories import EventFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:events_event_changelist")


@pytest.fixture
def events(edition):
    """Events whose cells take every form the list shows."""
    now = timezone.now()
    tricky = OrganizationFactory(
        name='Mairie d\'Ô & <Fils> "Cie"', kind=OrganizationKind.LOCAL_AUTHORITY
    )
    first = EventFactory(
        edition=edition,
        organization=tricky,
        title="Atelier <b>« co-design »</b> & 'débat'",
        status=EventStatus.SUBMITTED,
        submitted_at=now - datetime.timedelta(days=3),
        derogation_requested=True,
    )
    # A possible duplicate of the first: same organisation, same first day, same title start.
    EventFactory(
        edition=edition,
        organization=tricky,
        title="Atelier <b>« co-design »</b> & 'débat' (bis)",
        status=EventStatus.SUBMITTED,
        submitted_at=now - datetime.timedelta(days=2),
    )
    several_days = EventFactory(
        edition=edition,
        status=EventStatus.PUBLISHED,
        changed_since_validation=True,
        submitted_at=now - datetime.timedelta(days=5),
        ends_on=edition.start_date + datetime.timedelta(days=9),
    )
    EventFactory(edition=edition, online=True, with_session=False, starts_on=None, ends_on=None)
    for kind, status in zip(
        OrganizationKind.values,
        [EventStatus.DRAFT, EventStatus.REJECTED, EventStatus.CHANGES_REQUESTED] * 3,
        strict=False,
    ):
        EventFactory(
            edition=edition,
            organization=OrganizationFactory(kind=kind, region="11"),
            region="11",
            department="75",
            status=status,
        )
    EventReport.objects.create(event=first, kind=EventReport.Kind.OTHER, message="Erreur")
    for _ in range(2):
        EventReport.objects.create(
            event=several_days, kind=EventReport.Kind.OTHER, message="Adresse fausse"
        )
    return first


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    # What changes from one request to the next.
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "csrf", html)
    return re.sub(r'nonce="[^"]*"', "nonce", html), response


def assert_same_pages(client, monkeypatch, url: str, *, written_by_rows: bool = True):
    """The page with `RowWriter`'s rows and `filter_html`'s filters, then with Django's rows
    and filter template: the same HTML."""
    changelist.FILTER_CHECKS.clear()
    ours, response = page(client, url)
    assert (RowWriter(response.context["cl"]).columns() is not None) == written_by_rows
    assert list(changelist.FILTER_CHECKS.values()) == [True]
    filters = len(response.context["cl"].filter_specs)
    assert filters >= 8
    assert response.content.decode().count("<details data-filter-title=") == filters
    with monkeypatch.context() as patched:
        patched.setattr(RowWriter, "columns", lambda self: None)
        patched.setattr(changelist, "filter_html", lambda context: "")
        changelist.FILTER_CHECKS.clear()
        djangos, _ = page(client, url)
    changelist.FILTER_CHECKS.clear()
    assert ours == djangos


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?status=tous",
        "?status=tous&o=-11.2.5",
        "?status=tous&o=7.-3",
        "?status=published",
        "?status=tous&region__exact=11",
        "?status=tous&q=atelier+%26+%22x%22+%3Cb%3E",
        "?status=tous&p=2",
        "?status=tous&starts_on__year=2022",
        "?status=tous&_facets=1",
    ],
)
@pytest.mark.parametrize("who", ["moderator", "relay"])
def test_the_rows_are_the_ones_django_writes(client, monkeypatch, who, query, events):
    if who == "relay":
        user = UserFactory(moderator=True, email="sgar@bretagne.gouv.fr")
        RegionalRelay.objects.create(user=user, regions=["53"])
    else:
        user = UserFactory(moderator=True)
    client.force_login(user)
    monkeypatch.setattr(EventAdmin, "list_per_page", 4)  # a second page, pagination links

    assert_same_pages(client, monkeypatch, CHANGELIST + query)


def test_the_duplicates_link_and_the_reports_link_are_in_the_rows(client, moderator, events):
    client.force_login(moderator)
    html, _ = page(client, CHANGELIST + "?status=tous")

    assert (
        f'<a href="?organization={events.organization_id}&amp;starts_on='
        f'{events.starts_on.isoformat()}&amp;status=tous"' in html
    )
    reports = reverse("admin:events_eventreport_changelist")
    assert f'<a href="{reports}?event__id__exact={events.pk}&amp;ouverts=oui">1 signalement' in html
    assert ">2 signalements</a>" in html
    change = reverse("admin:events_event_change", args=[events.pk])
    assert (
        f'<th class="field-title"><a href="{change}?_changelist_filters=status%3Dtous">'
        "Atelier &lt;b&gt;« co-design »&lt;/b&gt; &amp; &#x27;débat&#x27;</a></th>"
    ) in html


@pytest.mark.parametrize(
    "column",
    ["organization__name", "edition", lambda event: event.city],
    ids=["lookup", "foreign-key", "callable"],
)
def test_a_column_the_writer_does_not_know_is_written_by_django(
    client, monkeypatch, moderator, events, column
):
    client.force_login(moderator)
    monkeypatch.setattr(EventAdmin, "list_display", [*EventAdmin.list_display, column])
    if column == "edition":  # a foreign key: written by the writer, the edition's name
        assert_same_pages(client, monkeypatch, CHANGELIST + "?status=tous")
        return
    assert_same_pages(client, monkeypatch, CHANGELIST + "?status=tous", written_by_rows=False)


def test_a_popup_list_is_written_by_django(client, monkeypatch, moderator, events):
    client.force_login(moderator)
    assert_same_pages(
        client, monkeypatch, CHANGELIST + "?status=tous&_popup=1", written_by_rows=False
    )


@pytest.mark.parametrize("kind", [*OrganizationKind.values, "ancien-type"])
def test_the_columns_written_for_speed_are_djangos(kind, events):
    """The checkbox is Django's widget (rendered through its templates), the organisation
    kind its `get_kind_display()`, even for a kind no longer in the choices."""
    event_admin = admin.site._registry[Event]
    events.organization.kind = kind

    djangos = admin.ModelAdmin.action_checkbox(event_admin, events)
    assert event_admin.action_checkbox(events) == djangos
    assert 'aria-label="' in djangos and "&lt;b&gt;" in djangos
    assert event_admin.organization_kind(events) == events.organization.get_kind_display()


def test_the_filter_template_is_rendered_when_the_function_differs(monkeypatch):
    """A filter template the function does not write (another template, or `admin/filter.html`
    giving other markup than `filter_html`) is rendered as a template."""
    context = {"title": "statut", "choices": [], "spec": None}
    changelist.FILTER_CHECKS.clear()
    assert render_filter("admin/filter.html", context) == filter_html(context)

    monkeypatch.setattr(changelist, "filter_html", lambda context: "<p>autre</p>")
    changelist.FILTER_CHECKS.clear()
    assert render_filter("admin/filter.html", context).startswith("\n<details data-filter")
    assert list(changelist.FILTER_CHECKS.values()) == [False]
    changelist.FILTER_CHECKS.clear()
