"""The edition's life cycle in the admin: « Préparer l'édition suivante », then « Rendre
courante »; past editions stay browsable."""

import datetime

from django.urls import reverse
from django.utils import timezone

from events.models import Edition
from tests.factories import EditionFactory, EventFactory, FormatFactory, LabFactory, ThemeFactory


def test_changelist_offers_to_prepare_the_next_edition(admin_client, db):
    EditionFactory(year=2022)

    page = admin_client.get(reverse("admin:events_edition_changelist")).content.decode()

    assert "Préparer l’édition suivante" in page
    assert reverse("admin:events_edition_add") in page


def test_next_edition_is_prefilled_with_november_dates_and_opening(admin_client, db):
    EditionFactory(year=2022, number=9, theme="Co-production", description="La 9e édition.")

    form = admin_client.get(reverse("admin:events_edition_add")).context["adminform"].form

    initial = form.initial
    assert (initial["year"], initial["number"]) == (2023, 10)
    assert (initial["start_date"], initial["end_date"]) == (
        datetime.date(2023, 11, 2),
        datetime.date(2023, 11, 30),
    )
    assert initial["referencing_opens_on"] == datetime.date(2023, 9, 1)
    assert initial["referencing_closes_on"] == datetime.date(2023, 10, 29)
    opening = timezone.localtime(initial["publication_at"])
    assert (opening.date(), opening.hour, opening.minute) == (datetime.date(2023, 11, 2), 9, 0)
    assert str(opening.tzinfo) == "Europe/Paris"
    assert (initial["theme"], initial["description"]) == ("Co-production", "La 9e édition.")


def test_prepared_edition_made_current_keeps_the_past_one_browsable(admin_client, client, db):
    past = EditionFactory(year=2022, is_current=True)
    fmt, theme = FormatFactory(name="Atelier", slug="atelier"), ThemeFactory()
    past_event = EventFactory(edition=past, published=True, title="Atelier de 2022")
    past_event.themes.add(theme)

    response = admin_client.post(
        reverse("admin:events_edition_add"),
        {
            "year": 2023,
            "number": 10,
            "name": "Mois de l'innovation publique",
            "theme": "Sobriété",
            "description": "",
            "start_date": "2023-11-02",
            "end_date": "2023-11-30",
            "referencing_opens_on": "2023-09-01",
            "referencing_closes_on": "2023-10-27",
            "publication_at_0": "2023-11-02",
            "publication_at_1": "09:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    new = Edition.objects.get(year=2023)
    assert timezone.localtime(new.publication_at).hour == 9
    admin_client.post(
        reverse("admin:events_edition_changelist"),
        {"action": "make_current", "_selected_action": [new.pk], "index": 0},
    )
    new.refresh_from_db()
    assert new.is_current

    # The past edition keeps its programme; formats and themes are there for the new one.
    page = client.get(reverse("events:edition", kwargs={"year": 2022})).content.decode()
    assert "Atelier de 2022" in page
    assert "Programme 2023" in client.get(reverse("events:programme")).content.decode()
    assert fmt.pk and theme.pk in [t.pk for t in past_event.themes.all()]


def test_a_past_edition_keeps_its_labs_atlas(client, db):
    past = EditionFactory(year=2022, is_current=False)
    EditionFactory(year=2023, is_current=True)
    lab = LabFactory(name="Lab Bretagne")
    EventFactory(edition=past, published=True).labs.add(lab)

    programme = client.get(reverse("events:edition", kwargs={"year": 2022})).content.decode()
    assert "/editions/2022/labs/" in programme
    page = client.get("/editions/2022/labs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Laboratoires de l’édition 2022" in html
    assert "Lab Bretagne" in html
    assert "/editions/2022/?avec_lab=1" in html
    assert page.context["atlas"].figures.with_labs == 1
    # The current edition's atlas lives at /labs/.
    assert client.get("/editions/2023/labs/")["Location"] == "/labs/"


def _edition_post(edition, **changes):
    data = {
        "year": edition.year,
        "number": edition.number,
        "name": edition.name,
        "theme": edition.theme,
        "description": edition.description,
        "start_date": edition.start_date.isoformat(),
        "end_date": edition.end_date.isoformat(),
        "referencing_opens_on": edition.referencing_opens_on.isoformat(),
        "referencing_closes_on": edition.referencing_closes_on.isoformat(),
        "publication_at_0": "",
        "publication_at_1": "",
        "default_image_credit": "",
        "bilan_closed_at_0": "",
        "bilan_closed_at_1": "",
        "bilan_published_at_0": "",
        "bilan_published_at_1": "",
        "bilan_note": "",
        "headline_events": "",
        "headline_participants": "",
        "headline_source": "",
    }
    return {**data, **changes}


def test_the_ditp_publishes_an_editions_bilan_with_its_note_and_headline_figures(
    admin_client, client, db
):
    edition = EditionFactory(
        year=2018, start_date=datetime.date(2018, 11, 1), end_date=datetime.date(2018, 11, 30)
    )
    assert client.get("/editions/2018/bilan/").status_code == 404
    programme = client.get("/editions/2018/", follow=True).content.decode()
    assert "Programme" in programme and "/editions/2018/bilan/" not in programme

    response = admin_client.post(
        reverse("admin:events_edition_change", args=[edition.pk]),
        _edition_post(
            edition,
            bilan_closed_at_0="2019-01-15",
            bilan_closed_at_1="18:00",
            bilan_published_at_0="2019-02-01",
            bilan_published_at_1="10:00",
            bilan_note="Chiffres annoncés par la DITP en décembre 2018.",
            headline_events="300",
            headline_participants="25000",
            headline_source="Dossier de presse de la DITP",
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    edition.refresh_from_db()
    assert (edition.headline_events, edition.headline_participants) == (300, 25000)
    assert edition.bilan_is_public()
    programme = client.get("/editions/2018/", follow=True).content.decode()
    assert 'href="/editions/2018/bilan/"' in programme
    page = client.get("/editions/2018/bilan/").content.decode()
    assert "Chiffres annoncés par la DITP en décembre 2018." in page


def test_the_bilan_cannot_close_before_the_edition_ends_nor_cite_a_source_without_figures(
    admin_client, db
):
    edition = EditionFactory(
        year=2023, start_date=datetime.date(2023, 11, 2), end_date=datetime.date(2023, 11, 30)
    )

    response = admin_client.post(
        reverse("admin:events_edition_change", args=[edition.pk]),
        _edition_post(
            edition,
            bilan_closed_at_0="2023-11-20",
            bilan_closed_at_1="18:00",
            bilan_note="Note gardée",
            headline_source="Communiqué",
        ),
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "après la fin de l'édition (le 30/11/2023)" in form.errors["bilan_closed_at"][0]
    assert "Indiquez le nombre d'événements ou de participants" in form.errors["headline_source"][0]
    assert "Note gardée" in response.content.decode()  # nothing entered is lost
    edition.refresh_from_db()
    assert edition.bilan_closed_at is None and edition.headline_source == ""
