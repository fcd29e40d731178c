"""/labs/ (the atlas) and /labs/<slug>/."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.enums import EventStatus
from labs.enums import LabKind
from tests.factories import EditionFactory, EventFactory, LabFactory, OrganizationFactory


def publish(edition, lab, **kwargs):
    event = EventFactory(edition=edition, published=True, **kwargs)
    event.labs.add(lab)
    return event


@pytest.fixture
def atlas(edition):
    labs = {
        "ti": LabFactory(name="Ti Lab", slug="ti-lab", region="53"),
        "lyon": LabFactory(
            name="Lab de Lyon", slug="lab-lyon", kind=LabKind.LOCAL_AUTHORITY, region="84"
        ),
        "bercy": LabFactory(
            name="Bercy Hub",
            slug="bercy-hub",
            kind=LabKind.MINISTERIAL,
            region="11",
            ministry="Ministère de l’Économie",
        ),
        "sans": LabFactory(name="Lab itinérant", slug="itinerant", kind=LabKind.OTHER, region=""),
    }
    publish(edition, labs["ti"])
    publish(edition, labs["ti"])
    publish(edition, labs["bercy"])
    EventFactory(edition=edition, submitted=True).labs.add(labs["lyon"])  # not counted
    past = EditionFactory(year=2021, is_current=False)
    publish(past, labs["lyon"], starts_on=datetime.date(2021, 11, 10))  # another edition
    EventFactory(edition=edition, published=True)  # without lab
    return labs


def test_atlas_groups_labs_by_region_and_by_ministry_with_their_events(client, atlas):
    response = client.get("/labs/")

    assert response.status_code == 200
    result = response.context["atlas"]
    assert [(g.title, [lab.name for lab in g.labs]) for g in result.by_region] == [
        ("Auvergne-Rhône-Alpes", ["Lab de Lyon"]),
        ("Bretagne", ["Ti Lab"]),
    ]
    assert [(g.title, [lab.name for lab in g.labs]) for g in result.by_ministry] == [
        ("Ministère de l’Économie", ["Bercy Hub"])
    ]
    assert [lab.name for lab in result.others] == ["Lab itinérant"]
    counts = {lab.name: lab.event_count for g in result.by_region for lab in g.labs}
    assert counts == {"Ti Lab": 2, "Lab de Lyon": 0}
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "2 événements en 2022" in page and "Aucun événement en 2022" in page
    # 3 of the 4 published events of 2022 have a lab.
    assert "75&nbsp;% du programme 2022" in page
    assert 'href="/programme/?avec_lab=1"' in page


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("type=ministerial", ["Bercy Hub"]),
        ("type=territorial&type=local_authority", ["Lab de Lyon", "Ti Lab"]),
        ("region=53", ["Ti Lab"]),
        ("region=zz", ["Bercy Hub", "Lab de Lyon", "Lab itinérant", "Ti Lab"]),
        ("type=robot", ["Bercy Hub", "Lab de Lyon", "Lab itinérant", "Ti Lab"]),
    ],
)
def test_atlas_filters_by_kind_and_region(client, atlas, query, names):
    response = client.get(f"/labs/?{query}")

    assert response.status_code == 200
    result = response.context["atlas"]
    found = [lab.name for g in result.by_region + result.by_ministry for lab in g.labs]
    assert sorted(found + [lab.name for lab in result.others]) == names
    if "zz" in query or "robot" in query:
        assert "ont été ignorés" in response.content.decode()


def test_lab_page_lists_its_public_events_by_edition(client, atlas, edition):
    host = OrganizationFactory(name="Préfecture de Bretagne", slug="prefecture-bretagne")
    lab = atlas["ti"]
    lab.host_organization = host
    lab.description = "Le laboratoire de la préfecture."
    lab.methods = "design de services, prototypage"
    lab.address = "3 avenue de la Préfecture, Rennes"
    lab.latitude, lab.longitude = 48.1, -1.67
    lab.save()
    cancelled = publish(edition, lab, title="Annulé", status=EventStatus.CANCELLED)
    EventFactory(edition=edition, submitted=True, title="Pas publié").labs.add(lab)

    response = client.get("/labs/ti-lab/")

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert len(response.context["page_obj"].object_list) == 3
    assert cancelled.title in page and "Pas publié" not in page
    assert 'href="/organisateurs/prefecture-bretagne/"' in page
    assert "design de services" in page
    assert "openstreetmap.org/?mlat=48.100000&amp;mlon=-1.670000" in page
    assert 'href="/programme/?lab=ti-lab"' in page
    assert "Édition 2022 (en cours)" in page


def test_unknown_lab_is_a_404(client, db):
    assert client.get("/labs/inconnu/").status_code == 404


def test_lab_page_with_bad_page_number_is_a_normal_page(client, atlas):
    for page in ["9999", "abc", "-3"]:
        assert client.get(f"/labs/ti-lab/?page={page}").status_code == 200


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_atlas_runs_as_many_queries_for_1_and_50_labs(client, edition):
    publish(edition, LabFactory(region="53"))
    one = _queries(client, "/labs/")

    for n in range(49):
        lab = LabFactory(
            region=["53", "84", "11", ""][n % 4],
            kind=[LabKind.TERRITORIAL, LabKind.MINISTERIAL][n % 2],
            ministry=f"Ministère {n % 5}",
        )
        publish(edition, lab)
    fifty = _queries(client, "/labs/")

    assert one == fifty


def test_lab_page_runs_as_many_queries_for_1_and_50_events(client, edition):
    lab = LabFactory(slug="lab-x")
    publish(edition, lab)
    one = _queries(client, "/labs/lab-x/")

    for _ in range(49):
        event = publish(edition, lab)
        event.labs.add(LabFactory())
    fifty = _queries(client, "/labs/lab-x/")

    assert one == fifty
