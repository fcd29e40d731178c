"""The organisation of an agent's SIRET (ProConnect): SIRET validation, the offer to join it,
or its creation prefilled from a local server answering like the API Recherche d'entreprises."""

import time

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from events.eligibility import eligibility_errors
from organizers.enums import MembershipStatus, OrganizationKind
from organizers.models import Membership, Organization
from organizers.siret import kind_for_category, siret_is_valid, validate_siret
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

SIRET = "21350238800019"  # a valid SIRET (Luhn)
PAGE = reverse("organizers:organization_proconnect")


@pytest.mark.parametrize(
    "value", ["21350238800019", "11004601800013", "35600000049837", "73282932000074"]
)
def test_valid_sirets(value):
    assert siret_is_valid(value)


@pytest.mark.parametrize(
    "value", ["21350238800018", "2135023880001", "2135023880001a", "", "٢١٣٥٠٢٣٨٨٠٠٠١٩"]
)
def test_invalid_sirets_get_a_french_message(value):
    assert not siret_is_valid(value)
    with pytest.raises(ValidationError, match="n’est pas valide"):
        validate_siret(value)


def test_a_siret_belongs_to_one_organisation_but_many_have_none():
    OrganizationFactory(siret=SIRET)
    OrganizationFactory(siret="")
    OrganizationFactory(siret="")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationFactory(siret=SIRET)


def test_the_legal_category_suggests_the_kind():
    assert kind_for_category("7120") == OrganizationKind.STATE_CENTRAL
    assert kind_for_category("7172") == OrganizationKind.STATE_DECONCENTRATED
    assert kind_for_category("7210") == OrganizationKind.LOCAL_AUTHORITY
    assert kind_for_category("7364") == OrganizationKind.HEALTH_SOCIAL
    assert kind_for_category("7389") == OrganizationKind.PUBLIC_OPERATOR
    assert kind_for_category("9220") == OrganizationKind.ASSOCIATION
    assert kind_for_category("5710") == ""


def agent(client, *, siret=SIRET):
    user = UserFactory()
    SocialAccount.objects.create(
        user=user, provider="proconnect", uid="sub-1", extra_data={"siret": siret}
    )
    client.force_login(user)
    return user


def test_an_agent_is_offered_to_join_the_organisation_of_their_siret(client, proconnect_server):
    organization = OrganizationFactory(name="Préfecture d’Ille-et-Vilaine", siret=SIRET)
    user = agent(client)

    dashboard = client.get(reverse("organizers:dashboard")).content.decode()
    assert "Votre organisation d’après ProConnect" in dashboard
    page = client.get(PAGE).content.decode()
    assert "Demander à rejoindre «\u00a0Préfecture d’Ille-et-Vilaine\u00a0»" in page

    client.post(reverse("organizers:organization_join"), {"organization": organization.pk})

    membership = Membership.objects.get(user=user)
    assert (membership.organization, membership.status) == (organization, MembershipStatus.PENDING)


def test_the_organisation_of_a_new_siret_is_prefilled_from_the_register(
    client, proconnect_server, sirene_server
):
    sirene_server.add(
        SIRET,
        name="COMMUNE DE RENNES",
        category="7210",
        address="PLACE DE LA MAIRIE 35000 RENNES",
        postcode="35000",
    )
    user = agent(client)

    page = client.get(PAGE).content.decode()

    assert 'value="COMMUNE DE RENNES"' in page
    assert '<option value="local_authority" selected>' in page
    assert '<option value="35" selected>' in page
    client.post(PAGE, {"name": "Ville de Rennes", "kind": "local_authority", "department": "35"})
    organization = Organization.objects.get()
    assert (organization.siret, organization.legal_category, organization.region) == (
        SIRET,
        "7210",
        "53",
    )
    assert Membership.objects.get(organization=organization).user == user
    assert sirene_server.queries == [SIRET]  # the post reads the answer kept an hour


def test_a_slow_register_does_not_hold_the_page(client, proconnect_server, sirene_server):
    sirene_server.add(SIRET, name="X", category="7210", address="A 35000 RENNES", postcode="35000")
    sirene_server.delay = 3  # RECHERCHE_ENTREPRISES_TIMEOUT is 1 s in the tests
    agent(client)

    started = time.monotonic()
    response = client.get(PAGE)

    assert time.monotonic() - started < 2.5
    assert response.status_code == 200
    assert "Aucune organisation ne porte encore ce SIRET. Créez-la, ou" in response.content.decode()


def test_a_failing_register_still_lets_the_agent_create_it(
    client, proconnect_server, sirene_server
):
    sirene_server.status = 503
    agent(client)

    response = client.post(PAGE, {"name": "Ville de Rennes", "kind": "local_authority"})

    assert response.status_code == 302
    assert Organization.objects.get().siret == SIRET


def test_an_organisation_outside_public_bodies_and_non_profits_is_not_eligible(organizer, event_of):
    event = event_of(organizer)
    event.organization.legal_category = "5710"  # SAS
    assert any("répertoire Sirene" in e for e in eligibility_errors(event))
    event.organization.legal_category = "7210"
    assert not any("répertoire Sirene" in e for e in eligibility_errors(event))
    event.organization.legal_category = ""
    assert not any("répertoire Sirene" in e for e in eligibility_errors(event))
