"""The visitor's registration pages, without an account: the form on an event, the address's
confirmation from the e-mail's link, the registrant's own page (cancel, erase).

The journey runs through the real outbox and task worker (`mail.outbox`); the rate limits
count in Redis, as in production."""

import datetime
import re
import time

import pytest
from django.core import mail
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from events.enums import EventStatus, RegistrationMode
from events.models import EventSession
from moisinno.models import OutgoingEmail
from programme import registration_views
from registrations import services
from registrations.models import Registrant, Registration, RegistrationStatus
from registrations.tokens import confirm_token, manage_token
from tests.e2e.html_checker import format_messages, html_messages
from tests.factories import EditionFactory, EventFactory, EventSessionFactory

NAME = "Camille Martin"
ADDRESS = "camille.martin@example.fr"


def next_edition():
    return EditionFactory(year=datetime.date.today().year + 1)


def platform_event(**kwargs):
    """A published event of the coming edition taking registrations on the platform: one
    session of 30 places with a waiting list."""
    event = EventFactory(
        edition=next_edition(),
        published=True,
        registration_mode=RegistrationMode.PLATFORM,
        title="Atelier « Faire simple »",
        **kwargs,
    )
    EventSession.objects.filter(event=event).update(capacity=30, waiting_list=True)
    return event


@pytest.fixture
def event(db):
    return platform_event()


@pytest.fixture
def session(event):
    return event.sessions.get()


def form_data(sessions, **changes) -> dict:
    data = {
        "sessions": [str(session.pk) for session in sessions],
        "name": NAME,
        "email": ADDRESS,
        "kind": "agent",
        "organization_name": "Préfecture de la Marne",
        "accessibility_needs": "",
        "site_web": "",
    }
    data.update(changes)
    return data


def register_url(event) -> str:
    return f"/evenements/{event.slug}/inscription/"


def text(response) -> str:
    return response.content.decode()


def main_of(response) -> str:
    """The page's main content (the header holds ids drawn at random)."""
    return re.search(r"<main.*</main>", text(response), re.S).group(0)


def links_in(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def run_worker():
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def registrant_for(event, email=ADDRESS, sessions=None, confirm=True) -> Registrant:
    registrant = services.registrant_register(
        event=event,
        sessions=sessions or list(event.sessions.all()),
        name="Dominique Petit",
        email=email,
        kind="private",
    )
    if confirm:
        services.registrant_confirm(registrant=registrant)
    return registrant


# The form -----------------------------------------------------------------------------------


def test_the_form_lists_each_session_with_its_seats_and_closes_the_closed_ones(
    client, event, session
):
    EventSession.objects.filter(pk=session.pk).update(seats_taken=18)
    day = session.date + datetime.timedelta(days=1)
    full = EventSessionFactory(event=event, date=day, capacity=2, waiting_list=True)
    EventSession.objects.filter(pk=full.pk).update(seats_taken=2, waiting_count=3)
    closed = EventSessionFactory(
        event=event,
        date=day + datetime.timedelta(days=1),
        capacity=10,
        registration_closes_at=timezone.now() - datetime.timedelta(hours=1),
    )
    sold_out = EventSessionFactory(
        event=event, date=day + datetime.timedelta(days=2), capacity=1, waiting_list=False
    )
    EventSession.objects.filter(pk=sold_out.pk).update(seats_taken=1)

    response = client.get(register_url(event))

    page = text(response)
    assert response.status_code == 200
    assert "12\u00a0places restantes" in page
    assert "Complet — liste d’attente ouverte (3\u00a0personnes)" in page
    assert "Inscriptions closes" in page
    assert re.search(rf'value="{closed.pk}"[^>]*\sdisabled', page)
    assert re.search(rf'value="{sold_out.pk}"[^>]*\sdisabled', page)
    assert not re.search(rf'value="{full.pk}"[^>]*\sdisabled', page)
    assert not re.search(rf'value="{session.pk}"[^>]*\s(disabled|checked)', page)
    assert 'href="/donnees-personnelles/#inscriptions"' in page


def test_a_single_session_is_ticked_already(client, event, session):
    page = text(client.get(register_url(event)))

    assert re.search(rf'value="{session.pk}"[^>]*\schecked', page)


@pytest.mark.parametrize(
    "change",
    [
        {"status": EventStatus.DRAFT},
        {"status": EventStatus.SUBMITTED},
        {"status": EventStatus.CANCELLED},
        {"registration_mode": RegistrationMode.LINK},
    ],
    ids=["draft", "submitted", "cancelled", "link-mode"],
)
def test_no_form_unless_the_event_is_public_and_takes_registrations_here(
    client, event, session, change
):
    type(event).objects.filter(pk=event.pk).update(**change)

    get = client.get(register_url(event))
    post = client.post(register_url(event), form_data([session]))

    assert get.status_code == 404
    assert post.status_code == 404
    assert not Registrant.objects.exists()


def test_a_valid_request_holds_no_seat_and_answers_without_the_address(client, event, session):
    response = client.post(
        register_url(event),
        form_data([session], accessibility_needs="Interprète LSF", accessibility_consent="on"),
    )

    assert response.status_code == 302
    assert response["Location"] == f"/evenements/{event.slug}/inscription/envoyee/"
    page = text(client.get(response["Location"]))
    assert "Vérifiez votre messagerie" in page
    assert ADDRESS not in page
    registrant = Registrant.objects.get()
    assert (registrant.name, registrant.email, registrant.kind) == (NAME, ADDRESS, "agent")
    assert registrant.accessibility_needs == "Interprète LSF"
    assert registrant.registrations.get().status == RegistrationStatus.PENDING
    session.refresh_from_db()
    assert session.seats_taken == 0
    (email,) = OutgoingEmail.objects.all()
    assert email.to == [ADDRESS]
    assert email.subject == "Confirmez votre inscription à « Atelier « Faire simple » »"


def test_errors_are_listed_in_french_and_every_typed_value_is_kept(client, event, session):
    other = EventSessionFactory(event=event, date=session.date + datetime.timedelta(days=1))

    response = client.post(
        register_url(event),
        form_data(
            [other],
            email="camille.martin@",
            name="",
            organization_name="Caisse d’allocations familiales",
            accessibility_needs="Boucle magnétique",
        ),
    )

    page = text(response)
    assert response.status_code == 400
    assert "Le formulaire contient 3 erreurs" in page
    assert 'href="#id_name">Nom et prénom&nbsp;: Indiquez votre nom et votre prénom.' in page
    assert "Saisissez une adresse électronique valide, nom@domaine.fr." in page
    assert "Cochez cette case pour que vos besoins soient transmis à l’organisateur" in page
    assert 'value="camille.martin@"' in page
    assert 'value="Caisse d’allocations familiales"' in page
    assert "Boucle magnétique</textarea>" in page
    assert re.search(r'value="agent"[^>]*\schecked', page)
    assert re.search(rf'value="{other.pk}"[^>]*\schecked', page)
    assert not re.search(rf'value="{session.pk}"[^>]*\schecked', page)
    assert not Registrant.objects.exists()


def test_no_session_chosen_is_an_error_leading_to_the_first_box(client, event, session):
    page = text(client.post(register_url(event), form_data([])))

    assert f'href="#id_sessions_{session.pk}">Séances&nbsp;: Choisissez au moins une séance.' in (
        page
    )


def test_a_closed_or_past_session_or_one_of_another_event_is_refused(client, event, session):
    closed = EventSessionFactory(
        event=event,
        date=session.date + datetime.timedelta(days=1),
        registration_closes_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    past = EventSessionFactory(event=event, date=timezone.localdate() - datetime.timedelta(days=2))
    elsewhere = platform_event().sessions.get()

    answers = [
        client.post(register_url(event), form_data([session, refused]))
        for refused in (closed, past, elsewhere)
    ]

    assert [answer.status_code for answer in answers] == [400, 400, 400]
    assert "sont closes\u00a0: décochez-la." in text(answers[0])
    assert "sont closes\u00a0: décochez-la." in text(answers[1])
    assert "Cette séance n’existe pas ou plus" in text(answers[2])
    assert not Registrant.objects.exists()


def test_a_full_session_without_waiting_list_takes_nobody_more(client, event, session):
    EventSession.objects.filter(pk=session.pk).update(capacity=1, seats_taken=1, waiting_list=False)

    response = client.post(register_url(event), form_data([session]))

    assert response.status_code == 400
    assert re.search(rf'value="{session.pk}"[^>]*\sdisabled', text(response))
    assert ">Complet</span>" in text(response)
    assert "sont closes\u00a0: décochez-la." in text(response)
    assert not Registrant.objects.exists()


def test_the_honeypot_answers_as_if_it_worked_and_keeps_nothing(client, event, session):
    response = client.post(register_url(event), form_data([session], site_web="https://spam"))

    assert response.status_code == 302
    assert response["Location"] == f"/evenements/{event.slug}/inscription/envoyee/"
    assert not Registrant.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_the_honeypot_is_hidden_from_everyone(client, event):
    page = text(client.get(register_url(event)))

    hidden = re.search(
        r'<div class="moisinno-honeypot" aria-hidden="true">(.*?)</div></div>', page, re.S
    )
    assert hidden is not None
    assert "Ne pas remplir ce champ" in hidden.group(1)
    assert 'tabindex="-1"' in hidden.group(1)
    assert 'autocomplete="off"' in hidden.group(1)


def test_the_same_answer_whether_the_address_was_registered_already_or_not(client, event, session):
    registrant_for(event)  # registered and confirmed before

    again = client.post(register_url(event), form_data([session]))
    fresh = client.post(register_url(event), form_data([session], email="autre@example.fr"))

    assert again.status_code == fresh.status_code == 302
    assert again["Location"] == fresh["Location"]
    assert main_of(client.get(again["Location"])) == main_of(client.get(fresh["Location"]))
    assert [email.template for email in OutgoingEmail.objects.order_by("pk")][-2:] == [
        "registration_confirm_address",
        "registration_confirm_address",
    ]


@pytest.fixture
def redis_cache(settings, redis_url):
    """The rate limits counted in this worker's own Redis database, as in production."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "moisinno.cache.RedisCache", "LOCATION": redis_url},
    }
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def test_one_address_is_limited_and_told_when_to_try_again(client, redis_cache, event, session):
    answers = [
        client.post(register_url(event), form_data([session], name=f"Essai {n}"))
        for n in range(registration_views.RATE_PER_ADDRESS + 1)
    ]

    assert [a.status_code for a in answers[:-1]] == [302] * registration_views.RATE_PER_ADDRESS
    refused = answers[-1]
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    page = text(refused)
    assert "Trop de demandes d’inscription ont été faites en peu de temps." in page
    assert re.search(r"Réessayez dans \d+ minutes?\.", page)
    assert f'value="Essai {registration_views.RATE_PER_ADDRESS}"' in page
    assert Registrant.objects.count() == registration_views.RATE_PER_ADDRESS


def test_one_ip_address_is_limited_whatever_the_addresses(client, redis_cache, event, session):
    answers = [
        client.post(register_url(event), form_data([session], email=f"agent{n}@example.fr"))
        for n in range(registration_views.RATE_PER_IP + 1)
    ]

    assert [a.status_code for a in answers].count(302) == registration_views.RATE_PER_IP
    assert answers[-1].status_code == 429
    assert Registrant.objects.count() == registration_views.RATE_PER_IP


def test_the_personal_data_page_explains_registrations(client, db, settings):
    settings.REGISTRATION_RETENTION_DAYS = 60

    page = text(client.get("/donnees-personnelles/"))

    assert 'id="inscriptions">Inscriptions aux événements' in page
    assert "article 6.1.e du RGPD" in page
    assert "60&nbsp;jours après votre dernière séance" in page
    assert "délégué à la protection des données" in page
    assert "CNIL" in page


# The signed links ---------------------------------------------------------------------------


def test_the_confirmation_link_asks_for_a_click_before_confirming(client, event, session):
    registrant = registrant_for(event, confirm=False)
    url = f"/inscriptions/confirmer/{confirm_token(registrant)}/"

    shown = client.get(url)

    assert shown.status_code == 200
    assert "Confirmer mon inscription" in text(shown)
    registrant.refresh_from_db()
    assert not registrant.is_confirmed
    session.refresh_from_db()
    assert session.seats_taken == 0


def test_the_confirmation_shows_each_sessions_outcome(client, event, session):
    EventSession.objects.filter(pk=session.pk).update(capacity=1)
    waiting_list = EventSessionFactory(
        event=event, date=session.date + datetime.timedelta(days=1), capacity=1
    )
    sold_out = EventSessionFactory(
        event=event,
        date=session.date + datetime.timedelta(days=2),
        capacity=1,
        waiting_list=False,
    )
    registrant = registrant_for(event, confirm=False)
    # Someone faster takes the seats of the last two sessions before the click.
    registrant_for(event, email="rapide@example.fr", sessions=[waiting_list, sold_out])
    url = f"/inscriptions/confirmer/{confirm_token(registrant)}/"

    response = client.post(url)
    page = text(client.get(url))

    assert response.status_code == 302
    assert response["Location"] == url
    assert "Votre adresse est confirmée" in page
    assert "Inscription confirmée" in page
    assert "Liste d’attente, position 1" in page
    assert "Non retenue" in page
    assert page.count("<svg") >= 1 and 'class="moisinno-qr"' in page
    assert f'href="/inscriptions/{manage_token(registrant)}/"' in page
    statuses = dict(registrant.registrations.values_list("session_id", "status"))
    assert statuses == {
        session.pk: RegistrationStatus.CONFIRMED,
        waiting_list.pk: RegistrationStatus.WAITING,
        sold_out.pk: RegistrationStatus.REFUSED,
    }


def test_confirming_twice_changes_nothing(client, event, session):
    registrant = registrant_for(event, confirm=False)
    url = f"/inscriptions/confirmer/{confirm_token(registrant)}/"

    client.post(url)
    client.post(url)

    session.refresh_from_db()
    assert session.seats_taken == 1
    assert Registration.objects.get().status == RegistrationStatus.CONFIRMED


@pytest.mark.parametrize("page", ["confirmer/", ""])
def test_a_tampered_link_is_a_french_404(client, event, page):
    registrant = registrant_for(event, confirm=False)
    token = (confirm_token if page else manage_token)(registrant)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    answers = [
        client.get(f"/inscriptions/{page}{tampered}/"),
        client.post(f"/inscriptions/{page}{tampered}/"),
        client.get(f"/inscriptions/{page}{registrant.pk}/"),
        client.get(f"/inscriptions/{page}{'9' * 40}:x/"),
    ]

    assert [answer.status_code for answer in answers] == [404] * 4
    assert all("Ce lien n’est pas valide" in text(answer) for answer in answers)
    registrant.refresh_from_db()
    assert not registrant.is_confirmed


def test_the_manage_link_does_not_confirm(client, event, session):
    registrant = registrant_for(event, confirm=False)

    response = client.post(f"/inscriptions/confirmer/{manage_token(registrant)}/")

    assert response.status_code == 404
    registrant.refresh_from_db()
    assert not registrant.is_confirmed


def test_an_expired_confirmation_link_says_so_in_french(client, event, session, monkeypatch):
    registrant = registrant_for(event, confirm=False)
    url = f"/inscriptions/confirmer/{confirm_token(registrant)}/"
    eight_days_later = time.time() + 8 * 24 * 3600
    monkeypatch.setattr(time, "time", lambda: eight_days_later)

    response = client.post(url)

    assert response.status_code == 410
    assert "Ce lien de confirmation a expiré" in text(response)
    registrant.refresh_from_db()
    assert not registrant.is_confirmed


def test_the_signed_pages_are_private(client, event, session):
    registrant = registrant_for(event, confirm=False)
    urls = [
        f"/inscriptions/confirmer/{confirm_token(registrant)}/",
        f"/inscriptions/{manage_token(registrant)}/",
        "/inscriptions/confirmer/faux/",
    ]

    for url in urls:
        response = client.get(url)
        assert response["Cache-Control"] == "private, no-store", url
        assert response["X-Robots-Tag"] == "noindex", url
        assert response["Referrer-Policy"] == "strict-origin", url


# What Chromium sends as `Origin` with a same-origin form, by the page's Referrer-Policy
# (measured with Playwright): `null` under no-referrer, which Django's CSRF check refuses.
BROWSER_ORIGIN = {"no-referrer": "null", "strict-origin": "https://testserver"}


def test_a_browser_can_post_the_signed_pages_forms_under_their_referrer_policy(event, session):
    registrant = registrant_for(event, confirm=False)
    browser = Client(enforce_csrf_checks=True)
    confirm = f"/inscriptions/confirmer/{confirm_token(registrant)}/"
    manage = f"/inscriptions/{manage_token(registrant)}/"

    shown = browser.get(confirm, secure=True)
    origin = BROWSER_ORIGIN[shown["Referrer-Policy"]]
    csrf = {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value}
    confirmed = browser.post(confirm, csrf, secure=True, headers={"Origin": origin})
    origin = BROWSER_ORIGIN[browser.get(manage, secure=True)["Referrer-Policy"]]
    cancelled = browser.post(
        manage,
        {**csrf, "action": "cancel", "registration": registrant.registrations.get().pk},
        secure=True,
        headers={"Origin": origin},
    )

    assert (confirmed.status_code, cancelled.status_code) == (302, 302)
    assert registrant.registrations.get().status == RegistrationStatus.CANCELLED


# The registrant's page ----------------------------------------------------------------------


def test_the_page_shows_each_session_its_status_and_the_ticket(client, event, session):
    EventSession.objects.filter(pk=session.pk).update(capacity=1)
    registrant_for(event, email="premier@example.fr")
    later = EventSessionFactory(event=event, date=session.date + datetime.timedelta(days=1))
    cancelled = EventSessionFactory(event=event, date=session.date + datetime.timedelta(days=2))
    registrant = registrant_for(event)
    services.registration_cancel(registration=registrant.registrations.get(session=cancelled))

    response = client.get(f"/inscriptions/{manage_token(registrant)}/")

    page = text(response)
    assert response.status_code == 200
    assert "Liste d’attente, position 1" in page
    assert "Inscription confirmée" in page
    assert "Annulée" in page
    # One ticket, for the seat in `later`, with its text alternative.
    assert page.count('class="moisinno-qr"') == 1
    seat = registrant.registrations.get(session=later)
    assert f"inscription n° {seat.pk}" in page
    assert 'role="img" aria-label="Code QR de votre billet"' in page
    assert page.count("Annuler cette inscription") == 2 * 2  # label and aria-label, 2 buttons
    assert ADDRESS not in page


def test_another_request_cannot_be_cancelled_from_this_page(client, event, session):
    mine = registrant_for(event)
    theirs = registrant_for(event, email="autre@example.fr")
    url = f"/inscriptions/{manage_token(mine)}/"

    answers = [
        client.post(url, {"action": "cancel", "registration": theirs.registrations.get().pk}),
        client.post(url, {"action": "cancel", "registration": "9" * 40}),
        client.post(url, {"action": "cancel"}),
    ]

    assert [answer.status_code for answer in answers] == [404] * 3
    assert theirs.registrations.get().status == RegistrationStatus.CONFIRMED
    assert mine.registrations.get().status == RegistrationStatus.CONFIRMED


def test_erasing_asks_first_then_erases_and_the_link_is_gone(client, event, session):
    registrant = registrant_for(event)
    url = f"/inscriptions/{manage_token(registrant)}/"

    asked = client.post(url, {"action": "erase"})
    registrant.refresh_from_db()
    kept = registrant.name
    done = client.post(url, {"action": "erase-confirmed"})
    after = client.get(url)

    assert asked.status_code == 200
    assert "Cette action est définitive" in text(asked)
    assert kept == "Dominique Petit"
    assert done.status_code == 200
    assert "Vos données sont effacées" in text(done)
    registrant.refresh_from_db()
    assert (registrant.name, registrant.email, registrant.organization_name) == ("", "", "")
    assert registrant.is_erased
    assert registrant.registrations.get().status == RegistrationStatus.CANCELLED
    session.refresh_from_db()
    assert session.seats_taken == 0
    assert after.status_code == 410
    assert "Cette inscription n’existe plus" in text(after)


def test_the_pages_are_valid_html_for_the_nu_checker(client, event, session):
    EventSessionFactory(
        event=event,
        date=session.date + datetime.timedelta(days=1),
        registration_closes_at=timezone.now() - datetime.timedelta(hours=1),
    )
    registrant = registrant_for(event, sessions=[session], confirm=False)
    confirm = f"/inscriptions/confirmer/{confirm_token(registrant)}/"
    manage = f"/inscriptions/{manage_token(registrant)}/"
    pages = {
        "form": client.get(register_url(event)),
        "form with errors": client.post(
            register_url(event), form_data([], email="x", accessibility_needs="LSF")
        ),
        "sent": client.get(f"/evenements/{event.slug}/inscription/envoyee/"),
        "confirm": client.get(confirm),
    }
    client.post(confirm)
    pages |= {
        "confirmed": client.get(confirm),
        "manage": client.get(manage),
        "erase": client.post(manage, {"action": "erase"}),
        "erased": client.post(manage, {"action": "erase-confirmed"}),
        "gone": client.get(manage),
        "invalid link": client.get("/inscriptions/confirmer/faux/"),
        "personal data": client.get("/donnees-personnelles/"),
    }

    errors = {name: html_messages(text(page)) for name, page in pages.items()}

    assert "moisinno-qr" in text(pages["confirmed"])
    assert {name: format_messages(found) for name, found in errors.items() if found} == {}


# The journey, through the real outbox and worker -------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_register_confirm_cancel_and_the_first_waiting_is_promoted(client):
    event = platform_event()
    session = event.sessions.get()
    EventSession.objects.filter(pk=session.pk).update(capacity=1)
    other = EventSessionFactory(
        event=event, date=session.date + datetime.timedelta(days=1), capacity=5
    )

    def register_and_confirm(email: str, sessions) -> str:
        """Through the pages: the form, the e-mail's link, the button; the manage link."""
        mail.outbox.clear()
        assert client.post(register_url(event), form_data(sessions, email=email)).status_code == 302
        run_worker()
        (asked,) = mail.outbox
        assert asked.to == [email]
        (link,) = [url for url in links_in(asked.body) if "/confirmer/" in url]
        confirm = path_of(link)
        assert "Confirmer mon inscription" in text(client.get(confirm))
        assert client.post(confirm).status_code == 302
        run_worker()
        (confirmed,) = mail.outbox[1:]
        assert confirmed.to == [email]
        (manage,) = [
            url
            for url in links_in(confirmed.body)
            if "/confirmer/" not in url and "/inscriptions/" in url
        ]
        return path_of(manage), confirmed

    first, confirmed = register_and_confirm(ADDRESS, [session, other])
    assert confirmed.subject == "Inscription confirmée : Atelier « Faire simple »"
    assert {part.get_filename().rsplit(".", 1)[1] for part in confirmed.attachments} >= {
        "ics",
        "png",
    }
    # The places drop on the form.
    page = text(client.get(register_url(event)))
    assert "Complet — liste d’attente ouverte" in page
    assert "4\u00a0places restantes" in page

    second, told = register_and_confirm("suivante@example.fr", [session])
    assert "liste d’attente, en position 1" in told.body
    assert "Liste d’attente, position 1" in text(client.get(second))

    mail.outbox.clear()
    seat = Registration.objects.get(registrant__email=ADDRESS, session=session)
    cancelled = client.post(first, {"action": "cancel", "registration": seat.pk})
    assert cancelled.status_code == 302
    page = text(client.get(first))
    assert "Votre inscription à la séance du" in page and "est annulée." in page
    run_worker()

    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        ADDRESS: "Inscription annulée : Atelier « Faire simple »",
        "suivante@example.fr": "Une place s’est libérée : Atelier « Faire simple »",
    }
    assert "Inscription confirmée" in text(client.get(second))
    session.refresh_from_db()
    assert (session.seats_taken, session.waiting_count) == (1, 0)
