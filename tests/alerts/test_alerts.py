"""E-mail alerts on a programme selection: subscription with double opt-in, the weekly digest
through the outbox, one-click unsubscription, the management page, tokens and rate limits."""

import datetime
import io
import re
import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts import services
from alerts.models import Alert
from alerts.services import alerts_purge, alerts_send_digests, manage_token, unsubscribe_token
from events.enums import EventStatus
from moisinno.models import OutgoingEmail
from tests.factories import EditionFactory, EventFactory, FormatFactory

ADDRESS = "agent@bretagne.gouv.fr"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def run(command: str) -> str:
    out = io.StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def links_in(email: OutgoingEmail) -> list[str]:
    return re.findall(r"https?://\S+", email.body_text)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def publish(edition, *, ago: datetime.timedelta = datetime.timedelta(hours=1), **kwargs):
    return EventFactory(
        edition=edition,
        status=EventStatus.PUBLISHED,
        published_at=timezone.now() - ago,
        **kwargs,
    )


def subscribe(client, query: str = "region=53", email: str = ADDRESS):
    return client.post(f"{reverse('alerts:subscribe')}?{query}", {"email": email})


def confirmed_alert(client, edition, query: str = "region=53", email: str = ADDRESS) -> Alert:
    """Subscribe and confirm through the pages, as a visitor would; the watermark is then moved
    back a week so that events published in the last days count as new."""
    subscribe(client, query, email)
    confirmation = OutgoingEmail.objects.filter(template="alerts_confirm").latest("pk")
    client.post(path_of(links_in(confirmation)[0]))
    alert = Alert.objects.get(email=email, query=query)
    assert alert.is_confirmed
    Alert.objects.filter(pk=alert.pk).update(watermark=timezone.now() - datetime.timedelta(days=7))
    return alert


# Subscription -----------------------------------------------------------------------------


def test_programme_page_offers_an_alert_on_its_current_selection(client, edition):
    response = client.get(reverse("events:programme"), {"region": "53", "page": "2"})

    html = response.content.decode()
    link = re.search(r'href="(/alertes/[^"]*)"[^>]*>Recevoir les nouveaux événements', html)
    assert link is not None
    assert "region=53" in link.group(1)
    assert "page=" not in link.group(1)


def test_subscription_page_shows_the_criteria_and_a_labelled_email_field(client, edition):
    response = client.get(reverse("alerts:subscribe"), {"region": "53", "tri": "recent"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Bretagne" in html
    assert '<label for="id_email" class="fr-label">' in html
    assert 'autocomplete="email"' in html


def test_subscribing_queues_a_confirmation_email_and_stores_only_address_and_selection(
    client, edition
):
    response = subscribe(client, "tri=recent&region=53&page=3&q=")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("alerts:sent"))
    alert = Alert.objects.get()
    assert (alert.email, alert.edition, alert.query) == (ADDRESS, edition, "region=53")
    assert not alert.is_confirmed
    email = OutgoingEmail.objects.get()
    assert email.to == [ADDRESS]
    assert email.subject == "Confirmez votre alerte du Mois de l’innovation publique"
    assert "Bretagne" in email.body_text and "7 jours" in email.body_text
    assert "/alertes/confirmation/" in links_in(email)[0]
    assert mail.outbox == []  # the worker sends it

    page = client.get(response["Location"])
    assert "Vérifiez votre messagerie" in page.content.decode()


def test_the_same_selection_written_differently_is_one_alert(client, edition):
    FormatFactory(name="Atelier", slug="atelier")
    FormatFactory(name="Conférence", slug="conference")
    subscribe(client, "format=conference&region=53&format=atelier")
    subscribe(client, "region=53&format=atelier&format=conference")

    assert Alert.objects.get().query == "format=atelier&format=conference&region=53"


def test_invalid_address_keeps_what_was_typed_with_a_french_message(client, edition):
    response = subscribe(client, email="agent@@bretagne")

    html = response.content.decode()
    assert response.status_code == 400
    assert "Saisissez une adresse" in html
    assert 'value="agent@@bretagne"' in html
    assert not Alert.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_invalid_criteria_are_left_out_of_the_alert_with_a_french_warning(client, edition):
    page = client.get(reverse("alerts:subscribe"), {"region": "99", "mode": "online"})
    assert "ne font pas partie de l’alerte" in page.content.decode()
    assert "Région" in page.content.decode()

    subscribe(client, "region=99&mode=online")

    assert Alert.objects.get().query == "mode=online"


def test_subscription_is_rate_limited_per_address_with_a_french_message(client, edition):
    for _ in range(3):
        assert subscribe(client).status_code == 302

    response = subscribe(client)

    html = response.content.decode()
    assert response.status_code == 429
    assert "Trop de demandes d’alerte" in html and "Réessayez dans" in html
    assert f'value="{ADDRESS}"' in html  # nothing typed is lost
    assert OutgoingEmail.objects.count() == 3


def test_subscription_is_rate_limited_per_ip_address(client, edition):
    for number in range(10):
        assert subscribe(client, email=f"agent{number}@bretagne.gouv.fr").status_code == 302

    response = subscribe(client, email="encore@bretagne.gouv.fr")

    assert response.status_code == 429
    assert not Alert.objects.filter(email="encore@bretagne.gouv.fr").exists()
    # Another visitor is not blocked.
    other = client.post(
        f"{reverse('alerts:subscribe')}?region=53",
        {"email": "voisin@bretagne.gouv.fr"},
        REMOTE_ADDR="10.0.0.8",
    )
    assert other.status_code == 302


def test_an_address_already_confirmed_gets_no_new_email(client, edition):
    confirmed_alert(client, edition)
    before = OutgoingEmail.objects.count()

    response = subscribe(client)

    assert response.status_code == 302  # the same answer: the form does not tell who subscribed
    assert OutgoingEmail.objects.count() == before


# Confirmation -----------------------------------------------------------------------------


def test_opening_the_confirmation_link_asks_before_confirming(client, edition):
    subscribe(client)
    url = path_of(links_in(OutgoingEmail.objects.get())[0])

    page = client.get(url)  # a mail scanner opening the link confirms nothing

    assert page.status_code == 200
    assert "Confirmer mon alerte" in page.content.decode()
    assert not Alert.objects.get().is_confirmed

    done = client.post(url)

    assert "Votre alerte est activée" in done.content.decode()
    alert = Alert.objects.get()
    assert alert.is_confirmed and alert.watermark == alert.confirmed_at
    assert reverse("alerts:manage", args=[manage_token(alert)]) in done.content.decode()


def test_tampered_confirmation_link_gives_a_french_404(client, edition):
    subscribe(client)
    url = path_of(links_in(OutgoingEmail.objects.get())[0])

    response = client.post(url.replace("/confirmation/", "/confirmation/9").rstrip("/") + "x/")

    assert response.status_code == 404
    assert "Ce lien n’est pas valide" in response.content.decode()
    assert not Alert.objects.get().is_confirmed


def test_expired_confirmation_link_says_so_in_french(client, edition, monkeypatch):
    subscribe(client)
    url = path_of(links_in(OutgoingEmail.objects.get())[0])
    eight_days_later = time.time() + 8 * 24 * 3600
    monkeypatch.setattr(time, "time", lambda: eight_days_later)

    response = client.post(url)

    assert response.status_code == 410
    assert "Ce lien de confirmation a expiré" in response.content.decode()
    assert not Alert.objects.get().is_confirmed


def test_unconfirmed_subscriptions_and_finished_editions_are_purged(client, edition):
    subscribe(client, email="ancien@bretagne.gouv.fr")
    Alert.objects.update(created_at=timezone.now() - datetime.timedelta(days=8))
    subscribe(client, email="recent@bretagne.gouv.fr")
    confirmed_alert(client, edition, email="actif@bretagne.gouv.fr")
    old = EditionFactory(year=2019, is_current=False)
    Alert.objects.create(email="2019@bretagne.gouv.fr", edition=old, confirmed_at=timezone.now())

    run("purge_alerts")

    remaining = set(Alert.objects.values_list("email", flat=True))
    # The 2022 edition of the fixture is over too: only a current, future edition is kept.
    assert "ancien@bretagne.gouv.fr" not in remaining
    assert "2019@bretagne.gouv.fr" not in remaining


def test_purge_keeps_recent_requests_and_alerts_of_a_running_edition(client, db):
    today = timezone.localdate()
    edition = EditionFactory(
        year=today.year + 5,
        start_date=today - datetime.timedelta(days=3),
        end_date=today + datetime.timedelta(days=20),
    )
    subscribe(client, email="ancien@bretagne.gouv.fr")
    Alert.objects.update(created_at=timezone.now() - datetime.timedelta(days=8))
    subscribe(client, email="recent@bretagne.gouv.fr")
    confirmed_alert(client, edition, email="actif@bretagne.gouv.fr")

    assert alerts_purge() == (1, 0)

    assert set(Alert.objects.values_list("email", flat=True)) == {
        "recent@bretagne.gouv.fr",
        "actif@bretagne.gouv.fr",
    }


# Digest -----------------------------------------------------------------------------------


def test_digest_lists_only_new_public_matching_events_with_unsubscribe_headers(client, edition):
    alert = confirmed_alert(client, edition, query="region=53")
    publish(edition, title="Atelier rennais publié cette semaine")
    publish(edition, title="Atelier publié avant l’alerte", ago=datetime.timedelta(days=10))
    publish(edition, title="Atelier lyonnais", region="84", department="69", city="Lyon")
    EventFactory(edition=edition, title="Brouillon rennais")  # draft
    EventFactory(
        edition=edition,
        title="Atelier rennais annulé",
        status=EventStatus.CANCELLED,
        published_at=timezone.now() - datetime.timedelta(hours=2),
    )
    other = EditionFactory(year=2023, is_current=False)
    publish(other, title="Atelier rennais de 2023")

    run("send_alert_digests")

    digest = OutgoingEmail.objects.get(template="alerts_digest")
    assert digest.to == [ADDRESS]
    assert (
        digest.subject
        == "Un nouvel événement dans votre sélection du Mois de l’innovation publique"
    )
    assert "Atelier rennais publié cette semaine" in digest.body_text
    for absent in ("avant l’alerte", "lyonnais", "Brouillon", "annulé", "2023"):
        assert absent not in digest.body_text
        assert absent not in digest.body_html
    unsubscribe = f"/alertes/desabonnement/{unsubscribe_token(alert)}/"
    manage = f"/alertes/gerer/{manage_token(alert)}/"
    assert unsubscribe in digest.body_text and manage in digest.body_text
    assert unsubscribe in digest.body_html and manage in digest.body_html
    header = digest.headers["List-Unsubscribe"]
    assert re.fullmatch(r"<https?://[^>]+/alertes/desabonnement/[^>]+/>, <mailto:[^>]+>", header)
    assert unsubscribe in header
    assert digest.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    alert.refresh_from_db()
    assert alert.digests_sent == 1 and alert.last_digest_at is not None


def test_no_digest_when_nothing_new_matches(client, edition):
    confirmed_alert(client, edition, query="region=53")
    publish(edition, region="84", department="69", city="Lyon")

    run("send_alert_digests")

    assert not OutgoingEmail.objects.filter(template="alerts_digest").exists()


def test_unconfirmed_alert_gets_no_digest(client, edition):
    subscribe(client)
    Alert.objects.update(watermark=timezone.now() - datetime.timedelta(days=7))
    publish(edition)

    run("send_alert_digests")

    assert not OutgoingEmail.objects.filter(template="alerts_digest").exists()


def test_running_the_digest_twice_sends_nothing_twice(client, edition):
    confirmed_alert(client, edition)
    publish(edition, title="Premier atelier")

    run("send_alert_digests")
    run("send_alert_digests")

    assert OutgoingEmail.objects.filter(template="alerts_digest").count() == 1

    # A week later, only what was published since.
    publish(edition, title="Second atelier", ago=datetime.timedelta(minutes=-1))
    assert alerts_send_digests(now=timezone.now() + datetime.timedelta(days=7)) == 1

    first, second = OutgoingEmail.objects.filter(template="alerts_digest").order_by("pk")
    assert "Premier atelier" in first.body_text and "Second atelier" not in first.body_text
    assert "Second atelier" in second.body_text and "Premier atelier" not in second.body_text


def test_an_event_published_in_the_last_minutes_waits_for_the_next_digest(client, edition):
    confirmed_alert(client, edition)
    publish(edition, title="Tout juste publié", ago=datetime.timedelta(minutes=1))

    run("send_alert_digests")
    assert not OutgoingEmail.objects.filter(template="alerts_digest").exists()

    assert alerts_send_digests(now=timezone.now() + datetime.timedelta(days=7)) == 1
    assert "Tout juste publié" in OutgoingEmail.objects.get(template="alerts_digest").body_text


def test_a_long_digest_lists_the_first_events_and_links_to_the_rest(client, edition):
    confirmed_alert(client, edition)
    for number in range(services.DIGEST_MAX_EVENTS + 2):
        publish(edition, title=f"Atelier {number:02d}")

    alerts_send_digests()

    digest = OutgoingEmail.objects.get(template="alerts_digest")
    assert digest.subject.startswith(f"{services.DIGEST_MAX_EVENTS + 2} nouveaux événements")
    assert "Et 2 autres" in digest.body_text
    assert "tri=recent" in digest.body_text


def test_digest_query_count_does_not_grow_with_the_number_of_events(client, edition):
    confirmed_alert(client, edition, email="un@bretagne.gouv.fr")
    publish(edition)
    with CaptureQueriesContext(connection) as one:
        assert alerts_send_digests() == 1

    Alert.objects.update(watermark=timezone.now() - datetime.timedelta(days=7))
    OutgoingEmail.objects.all().delete()
    for _ in range(10):
        publish(edition)
    with CaptureQueriesContext(connection) as many:
        assert alerts_send_digests() == 1

    assert len(many) == len(one)


# Unsubscription and management ------------------------------------------------------------


def test_one_click_unsubscribe_accepts_a_post_without_csrf_token(edition, client):
    alert = confirmed_alert(client, edition)
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        reverse("alerts:unsubscribe", args=[unsubscribe_token(alert)]),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert "Vous êtes désabonné" in response.content.decode()
    assert not Alert.objects.exists()  # the address is not kept

    again = mail_client.post(reverse("alerts:unsubscribe", args=[unsubscribe_token(alert)]))
    assert again.status_code == 200


def test_unsubscribe_link_opened_in_a_browser_asks_first(client, edition):
    alert = confirmed_alert(client, edition)
    url = reverse("alerts:unsubscribe", args=[unsubscribe_token(alert)])

    page = client.get(url)

    assert "Me désabonner" in page.content.decode()
    assert Alert.objects.filter(pk=alert.pk).exists()
    client.post(url)
    assert "Alerte déjà supprimée" in client.get(url).content.decode()


def test_tampered_unsubscribe_and_manage_links_give_a_french_404(client, edition):
    alert = confirmed_alert(client, edition)
    token = unsubscribe_token(alert)
    forged = f"{alert.pk + 1}:{token.split(':', 1)[1]}"

    for name in ("unsubscribe", "manage"):
        response = client.post(reverse(f"alerts:{name}", args=[forged]))
        assert response.status_code == 404
        assert "Ce lien n’est pas valide" in response.content.decode()
    # A token made for another purpose does not open this one.
    assert client.get(reverse("alerts:manage", args=[token])).status_code == 404
    assert Alert.objects.filter(pk=alert.pk).exists()


def test_manage_page_lists_the_address_alerts_and_deletes_one_or_all(client, edition):
    FormatFactory(name="Conférence", slug="conference")
    first = confirmed_alert(client, edition, query="region=53")
    confirmed_alert(client, edition, query="format=conference")
    confirmed_alert(client, edition, query="region=84", email="autre@bretagne.gouv.fr")
    url = reverse("alerts:manage", args=[manage_token(first)])

    html = client.get(url).content.decode()

    assert "Bretagne" in html and "Conférence" in html
    assert "Auvergne-Rhône-Alpes" not in html  # another address's alert
    second = Alert.objects.get(query="format=conference")
    response = client.post(url, {"alert": second.pk}, follow=True)
    assert "L’alerte est supprimée." in response.content.decode()
    assert set(Alert.objects.values_list("query", flat=True)) == {"region=53", "region=84"}

    # Someone else's alert id cannot be deleted from this page.
    client.post(url, {"alert": Alert.objects.get(query="region=84").pk})
    assert Alert.objects.filter(query="region=84").exists()

    response = client.post(url, {"all": "1"})
    assert "Vous n’avez plus aucune alerte" in response.content.decode()
    assert list(Alert.objects.values_list("email", flat=True)) == ["autre@bretagne.gouv.fr"]


def test_manage_link_of_a_deleted_alert_says_so(client, edition):
    alert = confirmed_alert(client, edition)
    url = reverse("alerts:manage", args=[manage_token(alert)])
    alert.delete()

    response = client.get(url)

    assert response.status_code == 200
    assert "ne correspond plus à aucune alerte" in response.content.decode()


def test_the_ditp_finds_and_deletes_an_alert_in_the_admin(client, edition, admin_client):
    alert = confirmed_alert(client, edition)

    listing = admin_client.get(reverse("admin:alerts_alert_changelist"), {"q": "agent@bretagne"})
    assert ADDRESS in listing.content.decode()
    admin_client.post(reverse("admin:alerts_alert_delete", args=[alert.pk]), {"post": "yes"})

    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        "region=%FF%FE",
        "du=31/02/2022&au=hier",
        "format=inconnu&theme=&lab=%00",
        "q=" + "x" * 5000,
        "page=-1&tri=<script>",
        "mode=online&" * 300,
    ],
)
def test_hostile_selections_never_fail(client, edition, query):
    url = f"{reverse('alerts:subscribe')}?{query}"

    page = client.get(url)
    posted = client.post(url, {"email": ADDRESS})

    assert page.status_code == 200
    assert posted.status_code == 302
    assert client.get(posted["Location"]).status_code == 200
    alert = Alert.objects.get()
    assert len(alert.query) <= 2000
    assert "<script>" not in page.content.decode()


def test_a_selection_too_long_for_an_alert_is_refused_in_french(client, edition):
    for n in range(80):
        FormatFactory(name=f"Format {n}", slug=f"un-format-au-nom-assez-long-{n}")
    query = "&".join(f"format=un-format-au-nom-assez-long-{n}" for n in range(80))

    response = client.post(f"{reverse('alerts:subscribe')}?{query}", {"email": ADDRESS})

    assert response.status_code == 400
    assert "trop de critères" in response.content.decode()
    assert not Alert.objects.exists()


def test_a_past_edition_page_offers_no_alert(client, edition):
    EditionFactory(year=2021, is_current=False)

    response = client.get(reverse("events:edition", args=[2021]))

    assert response.status_code == 200
    assert "par courriel" not in response.content.decode()
