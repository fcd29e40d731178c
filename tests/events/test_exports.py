"""CSV and XLSX exports of the events for DITP reporting."""

import csv
import datetime
import html
import io
import re
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from events.enums import AttendanceMode, EventStatus
from events.models import EventSession
from organizers.enums import OrganizationKind
from tests.factories import (
    EditionFactory,
    EventFactory,
    LabFactory,
    OrganizationFactory,
    ThemeFactory,
)

EXPECTED_HEADERS = [
    "Identifiant",
    "Édition",
    "Titre",
    "Statut",
    "Organisation",
    "Type d'organisation",
    "Co-organisateurs",
    "Laboratoires impliqués",
    "Format",
    "Thématiques",
    "Modalité",
    "Premier jour",
    "Dernier jour",
    "Séances",
    "Lieu",
    "Adresse",
    "Code postal",
    "Ville",
    "Département",
    "Région",
    "Public visé",
    "Inscription",
    "Lien d'inscription",
    "Nombre de places",
    "Dérogation demandée",
    "Modifié depuis la validation",
    "Contact DITP — nom",
    "Contact DITP — courriel",
    "Soumis le",
    "Publié le",
    "Page publique",
]


def export_url(file_format: str = "csv") -> str:
    return reverse("admin:events_event_export", args=[file_format])


def read_csv(response) -> list[dict]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    reader = csv.DictReader(io.StringIO(text[1:]), delimiter=";")
    assert reader.fieldnames == EXPECTED_HEADERS
    return list(reader)


@pytest.fixture
def full_event(edition):
    """A published event with every exported field filled in."""
    event = EventFactory(
        edition=edition,
        published=True,
        title="Fresque de la fonction publique",
        slug="fresque",
        organization=OrganizationFactory(
            name="Région Bretagne", kind=OrganizationKind.LOCAL_AUTHORITY
        ),
        attendance_mode=AttendanceMode.HYBRID,
        venue_name="Hôtel de Région",
        address="283 avenue du Général Patton",
        postal_code="35700",
        city="Rennes",
        starts_on=datetime.date(2022, 11, 9),
        ends_on=datetime.date(2022, 11, 16),
        capacity=40,
        derogation_requested=True,
        private_contact_name="Camille Martin",
        private_contact_email="camille.martin@bretagne.bzh",
        published_at=timezone.make_aware(datetime.datetime(2022, 10, 20, 14, 30)),
        with_session=False,
    )
    event.co_organizers.add(OrganizationFactory(name="Préfecture d'Ille-et-Vilaine"))
    event.labs.add(LabFactory(name="Lab'In Bretagne"))
    event.themes.add(ThemeFactory(name="Participation citoyenne"))
    EventSession.objects.create(
        event=event, date=datetime.date(2022, 11, 16), start_time=datetime.time(14)
    )
    EventSession.objects.create(
        event=event,
        date=datetime.date(2022, 11, 9),
        start_time=datetime.time(9, 30),
        end_time=datetime.time(12),
    )
    return event


def test_csv_export_is_excel_ready_with_french_columns(moderator_client, full_event):
    response = moderator_client.get(export_url(), {"status": "tous"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="evenements-')
    (row,) = read_csv(response)
    assert row["Identifiant"] == str(full_event.pk)
    assert row["Édition"] == "2022"
    assert row["Titre"] == "Fresque de la fonction publique"
    assert row["Statut"] == "Publié"
    assert row["Organisation"] == "Région Bretagne"
    assert row["Type d'organisation"] == "Collectivité territoriale"
    assert row["Co-organisateurs"] == "Préfecture d'Ille-et-Vilaine"
    assert row["Laboratoires impliqués"] == "Lab'In Bretagne"
    assert row["Format"] == "Atelier"
    assert row["Thématiques"] == "Participation citoyenne"
    assert row["Modalité"] == "Hybride (présentiel et en ligne)"
    assert (row["Premier jour"], row["Dernier jour"]) == ("09/11/2022", "16/11/2022")
    assert row["Séances"] == "09/11/2022 09:30-12:00, 16/11/2022 14:00"
    assert row["Ville"] == "Rennes"
    assert row["Département"] == "Ille-et-Vilaine"
    assert row["Région"] == "Bretagne"
    assert row["Nombre de places"] == "40"
    assert row["Dérogation demandée"] == "oui"
    assert row["Modifié depuis la validation"] == "non"
    assert row["Contact DITP — courriel"] == "camille.martin@bretagne.bzh"
    assert row["Publié le"] == "20/10/2022 14:30"
    assert row["Page publique"] == "http://127.0.0.1:8000/evenements/fresque/"


def test_csv_export_applies_the_changelist_filters(moderator_client, edition):
    other_edition = EditionFactory(year=2021, is_current=False)
    EventFactory(edition=edition, published=True, region="53", title="Bretagne publié")
    EventFactory(edition=edition, submitted=True, region="53", title="Bretagne soumis")
    EventFactory(edition=edition, published=True, region="84", title="Lyon publié")
    EventFactory(edition=other_edition, published=True, region="53", title="Bretagne 2021")

    filtered = read_csv(
        moderator_client.get(
            export_url(),
            {"status": "published", "edition__id__exact": edition.pk, "region__exact": "53"},
        )
    )
    queue = read_csv(moderator_client.get(export_url()))
    searched = read_csv(moderator_client.get(export_url(), {"status": "tous", "q": "Lyon"}))

    assert [row["Titre"] for row in filtered] == ["Bretagne publié"]
    assert [row["Titre"] for row in queue] == ["Bretagne soumis"]  # the default filter: the queue
    assert [row["Titre"] for row in searched] == ["Lyon publié"]


def test_changelist_links_to_the_export_with_its_filters(moderator_client, edition):
    response = moderator_client.get(
        reverse("admin:events_event_changelist"), {"status": "published", "region__exact": "53"}
    )

    content = html.unescape(response.content.decode())
    for file_format in ("csv", "xlsx"):
        (query,) = re.findall(rf'href="{export_url(file_format)}\?([^"]*)"', content)
        assert parse_qs(query) == {"status": ["published"], "region__exact": ["53"]}


def test_export_of_the_selection(moderator_client, edition):
    first = EventFactory(edition=edition, published=True, title="Premier")
    EventFactory(edition=edition, published=True, title="Non sélectionné")
    third = EventFactory(edition=edition, submitted=True, title="Troisième")

    response = moderator_client.post(
        reverse("admin:events_event_changelist") + "?status=tous",
        {"action": "export_selection_csv", "_selected_action": [first.pk, third.pk], "index": 0},
    )

    assert sorted(row["Titre"] for row in read_csv(response)) == ["Premier", "Troisième"]


def test_cells_that_spreadsheets_would_run_as_formulas_are_neutralised(moderator_client, edition):
    EventFactory(edition=edition, published=True, title='=HYPERLINK("http://pirate.example")')

    (row,) = read_csv(moderator_client.get(export_url(), {"status": "tous"}))

    assert row["Titre"] == '\'=HYPERLINK("http://pirate.example")'


def test_xlsx_export_has_the_same_columns_and_rows(moderator_client, full_event):
    EventFactory(edition=full_event.edition, status=EventStatus.REJECTED, title="=1+1")

    response = moderator_client.get(export_url("xlsx"), {"status": "tous"})

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == EXPECTED_HEADERS
    titles = sorted(row[2] for row in rows[1:])
    assert titles == ["'=1+1", "Fresque de la fonction publique"]


def test_export_query_count_does_not_grow_with_events(moderator_client, edition):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = moderator_client.get(export_url(), {"status": "tous"})
        assert response.status_code == 200
        return len(queries)

    lab, theme = LabFactory(), ThemeFactory()

    def make_event():
        event = EventFactory(edition=edition, published=True)
        event.labs.add(lab)
        event.themes.add(theme)

    make_event()
    one = count_queries()
    for _ in range(9):
        make_event()

    assert count_queries() == one


def test_unknown_format_is_a_404(moderator_client, db):
    assert moderator_client.get(export_url("pdf")).status_code == 404


def test_organiser_cannot_export(client, organizer):
    client.force_login(organizer)

    response = client.get(export_url())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
