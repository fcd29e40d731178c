"""Co-organisers and labs on the event form: picked by name among hundreds, without a native
multiple select (Ctrl-click, no search, a modal wheel on a phone).

Without JavaScript, the chosen ones are checked boxes and a text field adds some by name, as
the programme's organisation filter matches it; static/js/name-picker.js makes the text field
a combobox (tests/e2e/test_organizer_journey.py drives it)."""

import re

import pytest
from django.urls import reverse

from events.models import Event
from tests.factories import EventFactory, LabFactory, OrganizationFactory
from tests.organizer_space.forms import event_form_data

CREATE_URL = reverse("organizers:event_create")


@pytest.fixture
def partners(db):
    return {
        "lyon": OrganizationFactory(name="Métropole de Lyon"),
        "prefecture_rhone": OrganizationFactory(name="Préfecture du Rhône"),
        "prefecture_ain": OrganizationFactory(name="Préfecture de l’Ain"),
        "ti_lab": LabFactory(name="Ti Lab"),
        "lab_27": LabFactory(name="La 27e Région"),
    }


def page_of(response) -> str:
    return response.content.decode()


def test_the_form_has_no_native_multiple_select_but_a_text_field_by_name(
    member_client, open_edition, partners
):
    page = page_of(member_client.get(CREATE_URL))

    assert "<select" not in page.split('id="section-partenaires"')[1].split("</section>")[0]
    assert "Ctrl" not in page
    assert re.search(r'<input type="text"\s+name="co_organizers_search"', page)
    assert re.search(r'<input type="text"\s+name="labs_search"', page)
    assert 'for="id_co_organizers_search"' in page and "Ajouter une organisation" in page
    # The suggestions' data, for static/js/name-picker.js (no inline script: JSON only).
    assert '<script id="id_co_organizers-options" type="application/json">' in page
    assert "de Lyon" in page
    assert "/static/js/name-picker.js" in page


def test_names_typed_without_javascript_add_the_rows_they_name(
    member_client, open_edition, partners
):
    data = event_form_data(
        co_organizers_search="metropole lyon ; Préfecture du Rhône", labs_search="ti lab"
    )

    response = member_client.post(CREATE_URL, data)

    assert response.status_code == 302
    event = Event.objects.get()
    assert set(event.co_organizers.all()) == {partners["lyon"], partners["prefecture_rhone"]}
    assert list(event.labs.all()) == [partners["ti_lab"]]


def test_a_name_that_matches_nothing_is_a_french_error_and_the_text_is_kept(
    member_client, open_edition, partners
):
    data = event_form_data(co_organizers_search="Marseille <b>", labs=str(partners["lab_27"].pk))

    response = member_client.post(CREATE_URL, data)

    assert response.status_code == 200
    assert not Event.objects.exists()
    page = page_of(response)
    assert (
        "Aucune organisation ne correspond à «\u00a0Marseille &lt;b&gt;\u00a0». "
        "Vérifiez l’orthographe ou essayez une partie du nom." in page
    )
    assert 'value="Marseille &lt;b&gt;"' in page  # kept, escaped
    assert 'href="#id_co_organizers_search"' in page  # the error summary leads to the field
    assert re.search(r'name="co_organizers_search"[^>]*aria-invalid="true"', page)
    # The lab chosen before stays chosen.
    assert re.search(rf'name="labs"\s+value="{partners["lab_27"].pk}"[^>]*checked', page)


def test_a_name_that_matches_several_rows_asks_to_be_more_precise(
    member_client, open_edition, partners
):
    response = member_client.post(CREATE_URL, event_form_data(co_organizers_search="préfecture"))

    page = page_of(response)
    assert "«\u00a0préfecture\u00a0» correspond à 2 noms" in page
    assert "Préfecture de l’Ain" in page and "précisez votre saisie" in page
    assert not Event.objects.exists()


def test_an_exact_name_wins_over_longer_names_that_contain_it(member_client, open_edition):
    short = OrganizationFactory(name="DINUM")
    OrganizationFactory(name="DINUM — Incubateur")

    member_client.post(CREATE_URL, event_form_data(co_organizers_search="dinum"))

    assert list(Event.objects.get().co_organizers.all()) == [short]


def test_the_chosen_rows_are_checked_boxes_and_unchecking_one_removes_it(
    member_client, open_edition, organization, partners
):
    event = EventFactory(edition=open_edition, organization=organization, title="Atelier")
    event.co_organizers.add(partners["lyon"], partners["prefecture_ain"])
    url = reverse("organizers:event_update", args=[event.pk])

    page = page_of(member_client.get(url))

    for partner in (partners["lyon"], partners["prefecture_ain"]):
        box = f'name="co_organizers"\\s+value="{partner.pk}"\\s+id="id_co_organizers_{partner.pk}"'
        assert re.search(box + r"\s+checked", page)
        assert f'for="id_co_organizers_{partner.pk}">{partner.name}</label>' in page

    data = event_form_data(title="Atelier", co_organizers=str(partners["lyon"].pk))
    member_client.post(url, data)

    assert list(event.co_organizers.all()) == [partners["lyon"]]


def test_keys_and_names_together(member_client, open_edition, partners):
    data = event_form_data(
        co_organizers=str(partners["prefecture_ain"].pk), co_organizers_search="Lyon"
    )

    member_client.post(CREATE_URL, data)

    assert set(Event.objects.get().co_organizers.all()) == {
        partners["lyon"],
        partners["prefecture_ain"],
    }


def test_the_own_organisation_is_not_a_co_organiser(member_client, open_edition, organization):
    response = member_client.post(
        CREATE_URL, event_form_data(co_organizers_search=organization.name)
    )

    assert "Aucune organisation ne correspond" in page_of(response)
