"""Public statistics: /chiffres/, /chiffres.json and /chiffres.csv."""

import csv
import io

import pytest

from events.enums import AttendanceMode, EventStatus
from organizers.enums import OrganizationKind
from tests.factories import (
    EditionFactory,
    EventFactory,
    FormatFactory,
    LabFactory,
    OrganizationFactory,
)


@pytest.fixture
def figures_programme(edition):
    webinaire = FormatFactory(name="Webinaire", slug="webinaire")
    commune = OrganizationFactory(kind=OrganizationKind.LOCAL_AUTHORITY)
    lab = LabFactory()
    with_lab = EventFactory(edition=edition, published=True)
    with_lab.labs.add(lab)
    EventFactory(edition=edition, published=True)
    EventFactory(edition=edition, published=True, region="84", department="69", city="Lyon")
    EventFactory(
        edition=edition, published=True, format=webinaire, organization=commune, online=True
    )
    EventFactory(edition=edition, status=EventStatus.DRAFT)  # not counted
    EventFactory(edition=edition, status=EventStatus.CANCELLED)  # not counted
    past = EditionFactory(year=2021, number=5, is_current=False)
    EventFactory(edition=past, published=True).labs.add(lab)


def test_figures_json_counts_published_events_per_breakdown(client, figures_programme):
    data = client.get("/chiffres.json").json()

    assert data["edition"] == 2022
    assert data["events"] == 4
    assert data["with_lab"] == 1
    assert data["lab_share_percent"] == 25
    regions = {row["label"]: row["events"] for row in data["by_region"]}
    assert regions == {"Bretagne": 2, "Auvergne-Rhône-Alpes": 1, "Non renseigné": 1}
    formats = {row["label"]: row["events"] for row in data["by_format"]}
    assert formats == {"Atelier": 3, "Webinaire": 1}
    kinds = {row["code"]: row["events"] for row in data["by_organizer_kind"]}
    assert kinds["local_authority"] == 1
    modes = {row["code"]: row["events"] for row in data["by_attendance_mode"]}
    assert modes == {AttendanceMode.IN_PERSON: 3, AttendanceMode.ONLINE: 1}
    assert [(e["year"], e["events"], e["with_lab"]) for e in data["editions"]] == [
        (2022, 4, 1),
        (2021, 1, 1),
    ]


def test_figures_of_a_past_edition(client, figures_programme):
    data = client.get("/chiffres.json?edition=2021").json()

    assert (data["edition"], data["events"], data["lab_share_percent"]) == (2021, 1, 100)


@pytest.mark.parametrize("year", ["1999", "abc", "2022%27%20OR%201=1"])
def test_an_unknown_edition_is_a_french_404(client, figures_programme, year):
    for path in ["/chiffres/", "/chiffres.json", "/chiffres.csv"]:
        assert client.get(f"{path}?edition={year}").status_code == 404


def test_figures_page_shows_accessible_tables(client, figures_programme):
    page = client.get("/chiffres/").content.decode()

    assert "4 événements publiés, dont 1 organisé avec un laboratoire" in page
    assert "<caption>Par région</caption>" in page
    assert '<th scope="row">Bretagne</th>' in page
    assert "<caption>Par édition</caption>" in page


def test_figures_csv_matches_the_json(client, figures_programme):
    response = client.get("/chiffres.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_region = {r["label"]: int(r["events"]) for r in rows if r["breakdown"] == "region"}
    assert by_region == {"Bretagne": 2, "Auvergne-Rhône-Alpes": 1, "Non renseigné": 1}
    assert {
        "edition": "2022",
        "breakdown": "total",
        "code": "",
        "label": "Événements publiés",
        "events": "4",
    } in rows


def test_figures_cost_a_constant_number_of_queries(
    client, figures_programme, edition, django_assert_max_num_queries
):
    for _ in range(20):
        EventFactory(edition=edition, published=True).labs.add(LabFactory())
    with django_assert_max_num_queries(12):
        assert client.get("/chiffres.json").json()["events"] == 24
