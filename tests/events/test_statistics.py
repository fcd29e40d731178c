"""Statistics of an edition for DITP staff, checked against a known set of events."""

import datetime
import html
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from events.admin.statistics import (
    BAR_AREA,
    SCOPE_SUBMITTED,
    Row,
    edition_statistics,
    horizontal_bar_chart,
)
from events.enums import AttendanceMode, EventStatus
from events.models import ModerationLogEntry
from organizers.enums import OrganizationKind
from tests.factories import (
    EditionFactory,
    EventFactory,
    FormatFactory,
    LabFactory,
    OrganizationFactory,
    UserFactory,
)

PARIS = ZoneInfo("Europe/Paris")
STATS_URL = reverse("admin:events_event_statistics")


def org(kind: str):
    return OrganizationFactory(kind=kind)


@pytest.fixture
def known(db):
    """2022: 4 published, 1 submitted, 1 draft, 1 rejected; and one 2021 event."""
    edition = EditionFactory(year=2022)
    old = EditionFactory(year=2021, is_current=False)
    atelier = FormatFactory(name="Atelier", slug="atelier")
    webinaire = FormatFactory(name="Webinaire", slug="webinaire")
    conference = FormatFactory(name="Conférence", slug="conference")
    lab, other_lab = LabFactory(), LabFactory()

    a = EventFactory(
        edition=edition,
        published=True,
        format=atelier,
        organization=org(OrganizationKind.STATE_DECONCENTRATED),
        region="53",
    )
    a.labs.add(lab)
    b = EventFactory(
        edition=edition,
        published=True,
        format=webinaire,
        organization=org(OrganizationKind.LOCAL_AUTHORITY),
        region="53",
    )
    c = EventFactory(
        edition=edition,
        published=True,
        format=conference,
        organization=org(OrganizationKind.STATE_CENTRAL),
        region="11",
        attendance_mode=AttendanceMode.HYBRID,
    )
    c.labs.add(lab, other_lab)  # two labs: still one event "with labs"
    d = EventFactory(
        edition=edition,
        published=True,
        online=True,
        format=webinaire,
        organization=org(OrganizationKind.ASSOCIATION),
    )
    e = EventFactory(
        edition=edition,
        submitted=True,
        format=atelier,
        organization=org(OrganizationKind.HEALTH_SOCIAL),
        region="84",
    )
    EventFactory(edition=edition)  # draft
    g = EventFactory(edition=edition, status=EventStatus.REJECTED, format=atelier, region="53")
    h = EventFactory(edition=old, published=True, region="53")
    g.labs.add(lab)

    def log(event, to_status, when):
        entry = ModerationLogEntry.objects.create(
            event=event, from_status="draft", to_status=to_status, actor_role="organizer"
        )
        ModerationLogEntry.objects.filter(pk=entry.pk).update(created_at=when)

    log(a, EventStatus.SUBMITTED, datetime.datetime(2022, 10, 1, 10, tzinfo=PARIS))
    log(b, EventStatus.SUBMITTED, datetime.datetime(2022, 10, 1, 18, tzinfo=PARIS))
    log(c, EventStatus.SUBMITTED, datetime.datetime(2022, 10, 3, 23, 30, tzinfo=PARIS))
    # 00:30 in Paris is still the 3rd in UTC: counted on the 4th, the French day.
    log(d, EventStatus.SUBMITTED, datetime.datetime(2022, 10, 4, 0, 30, tzinfo=PARIS))
    log(a, EventStatus.PUBLISHED, datetime.datetime(2022, 10, 5, 9, tzinfo=PARIS))
    log(h, EventStatus.SUBMITTED, datetime.datetime(2021, 10, 2, 9, tzinfo=PARIS))
    log(e, EventStatus.SUBMITTED, datetime.datetime(2022, 10, 4, 11, tzinfo=PARIS))
    return edition


def as_pairs(breakdown) -> list[tuple[str, int]]:
    return [(row.label, row.value) for row in breakdown.rows]


def test_statistics_of_published_events(known):
    stats = edition_statistics(edition=known)

    assert stats.total == 4
    assert (stats.with_labs, stats.lab_share_percent) == (2, 50)
    assert as_pairs(stats.by_status) == [
        ("Brouillon", 1),
        ("Soumis à validation", 1),
        ("Validé", 0),
        ("Modifications demandées", 0),
        ("Publié", 4),
        ("Refusé", 1),
        ("Annulé", 0),
    ]
    assert as_pairs(stats.by_region) == [
        ("Bretagne", 2),
        ("Île-de-France", 1),
        ("Non renseigné", 1),
    ]
    assert as_pairs(stats.by_format) == [("Webinaire", 2), ("Atelier", 1), ("Conférence", 1)]
    assert as_pairs(stats.by_organization_kind) == [
        ("État — administration centrale", 1),
        ("État — services déconcentrés", 1),
        ("Collectivité territoriale", 1),
        ("Opérateur ou établissement public", 0),
        ("Établissement sanitaire ou social", 0),
        ("Association ou acteur de l'ESS", 1),
    ]
    assert as_pairs(stats.by_attendance_mode) == [
        ("En présentiel", 2),
        ("En ligne", 1),
        ("Hybride (présentiel et en ligne)", 1),
    ]
    assert as_pairs(stats.submissions_per_day) == [
        ("01/10/2022", 2),
        ("02/10/2022", 0),
        ("03/10/2022", 1),
        ("04/10/2022", 2),
    ]


def test_statistics_of_every_event_sent_to_ditp(known):
    stats = edition_statistics(edition=known, scope=SCOPE_SUBMITTED)

    assert stats.total == 6  # not the draft
    assert (stats.with_labs, stats.lab_share_percent) == (3, 50)
    assert as_pairs(stats.by_region)[0] == ("Bretagne", 3)
    assert stats.by_format.table[0] == ("Atelier", 3, 50)


def test_statistics_of_an_edition_without_events(db):
    stats = edition_statistics(edition=EditionFactory(year=2025, is_current=False))

    assert (stats.total, stats.lab_share_percent) == (0, 0)
    assert stats.by_region.rows == []
    assert stats.submissions_per_day.rows == []


def test_bar_lengths_are_proportional():
    chart = horizontal_bar_chart([Row("A", 10), Row("B", 5), Row("C", 0)])

    assert [bar.width for bar in chart.bars] == [BAR_AREA, BAR_AREA // 2, 0]


def test_statistics_page_draws_each_chart_with_its_data_table(moderator_client, known):
    response = moderator_client.get(STATS_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Statistiques de l'édition 2022</h1>" in html.unescape(content)
    assert content.count('<svg class="stats-chart"') == 6
    assert len(re.findall(r'<svg class="stats-chart"[^>]*aria-hidden="true"', content)) == 6
    captions = re.findall(r"<caption>(.*?)</caption>", content)
    assert len(captions) == 6
    assert "Par région — Événements publiés" in captions
    assert f'width="{BAR_AREA}"' in content
    assert '<th scope="row">Île-de-France</th>' in content
    assert "50&nbsp;%" in content
    # The strict CSP forbids inline styles: the bars are sized with SVG attributes.
    assert "style=" not in content.split('id="content-main"')[1]


def test_statistics_page_switches_edition_and_scope(moderator_client, known):
    response = moderator_client.get(STATS_URL, {"edition": "2021", "perimetre": "submitted"})

    stats = response.context["stats"]
    assert stats.edition.year == 2021
    assert stats.scope == SCOPE_SUBMITTED
    assert stats.total == 1
    assert re.search(r'<option value="2021"\s+selected>', response.content.decode())


def test_statistics_page_is_for_staff_with_event_access(client, organizer, known):
    client.force_login(organizer)
    assert client.get(STATS_URL).status_code == 302

    staff = UserFactory(is_staff=True, email="autre@modernisation.gouv.fr")
    staff.groups.clear()
    staff.user_permissions.add(Permission.objects.get(codename="view_lab"))
    client.force_login(staff)
    assert client.get(STATS_URL).status_code == 403
