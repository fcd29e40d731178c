"""Edits made in the back-office reach the programme's search at once."""

from events.search import events_refresh_search
from tests.admin_forms import resubmit_data
from tests.factories import EventFactory, LabFactory, OrganizationFactory


def programme_titles(client, query: str) -> list[str]:
    response = client.get("/programme/", {"q": query})
    return [event.title for event in response.context["page_obj"]]


def test_event_edited_in_admin_is_found_by_its_new_title(admin_client, edition):
    event = EventFactory(edition=edition, published=True, title="Atelier ancien")
    events_refresh_search()
    url = f"/admin/events/event/{event.pk}/change/"

    response = admin_client.post(
        url, resubmit_data(admin_client.get(url), title="Hackathon des données ouvertes")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert programme_titles(admin_client, "hackathon") == ["Hackathon des données ouvertes"]


def test_organization_renamed_in_admin_is_found_on_its_events(admin_client, edition):
    organization = OrganizationFactory(name="Préfecture du Morbihan")
    EventFactory(edition=edition, organization=organization, published=True, title="Visite")
    events_refresh_search()
    url = f"/admin/organizers/organization/{organization.pk}/change/"

    response = admin_client.post(
        url, resubmit_data(admin_client.get(url), name="Préfecture de Bretagne Sud")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert programme_titles(admin_client, "Bretagne Sud") == ["Visite"]


def test_lab_renamed_in_admin_is_found_on_its_events(admin_client, edition):
    lab = LabFactory(name="Lab ancien")
    event = EventFactory(edition=edition, published=True, title="Sprint créatif")
    event.labs.add(lab)
    events_refresh_search()
    url = f"/admin/labs/lab/{lab.pk}/change/"

    response = admin_client.post(
        url, resubmit_data(admin_client.get(url), name="Laboratoire Kerguelen")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert programme_titles(admin_client, "Kerguelen") == ["Sprint créatif"]
