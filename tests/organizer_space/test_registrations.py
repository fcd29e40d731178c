"""The organiser's side of on-platform registration: the lists of a session, cancel, promote,
check in (on the list and by the ticket's QR code), the CSV export, the sign-in sheet, the
message to the people registered; nobody outside the organising organisation reaches any of
it, and moderators see counts, never names."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from events.enums import RegistrationMode
from events.models import EventSession
from moisinno.text import fold
from registrations import services
from registrations.models import Registration, RegistrationStatus
from registrations.tokens import check_in_token
from tests.factories import EventFactory, MembershipFactory, UserFactory

NAMES = ["Hélène Dupré", "Émile Zola", "Fabrice Ançon", "Zoé Leroy", "Bruno Martin"]


def run_worker():
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def register(event, session, name, *, confirm=True, **kwargs):
    email = kwargs.pop("email", None) or f"{fold(name).replace(' ', '.')}@example.fr"
    registrant = services.registrant_register(
        event=event,
        sessions=[session],
        name=name,
        email=email,
        kind=kwargs.pop("kind", "agent"),
        **kwargs,
    )
    if confirm:
        services.registrant_confirm(registrant=registrant)
    return registrant.registrations.get()


@pytest.fixture
def event(organization, open_edition):
    """A published event of the member's organisation, on-platform registration, one session
    of 3 places with a waiting list, in the coming edition."""
    event = EventFactory(
        edition=open_edition,
        organization=organization,
        published=True,
        registration_mode=RegistrationMode.PLATFORM,
        title="Atelier « Faire simple »",
        public_contact_email="contact@bretagne.gouv.fr",
    )
    EventSession.objects.filter(event=event).update(capacity=3, waiting_list=True)
    return event


@pytest.fixture
def session(event):
    return event.sessions.get()


@pytest.fixture
def full_session(event, session):
    """3 confirmed (Hélène, Émile, Fabrice), 2 waiting (Zoé then Bruno)."""
    registrations = [register(event, session, name) for name in NAMES]
    session.refresh_from_db()
    return registrations


def session_url(name, event, session):
    return reverse(f"organizers:{name}", args=[event.pk, session.pk])


def text(response) -> str:
    return " ".join(response.content.decode().split())


# The lists ------------------------------------------------------------------------------------


def test_the_session_page_lists_confirmed_waiting_in_order_and_cancelled(
    member_client, event, session, full_session
):
    register(event, session, "Jean Nonconfirmé", confirm=False)
    services.registration_cancel(registration=full_session[4])  # Bruno leaves the list

    response = member_client.get(session_url("session_registrations", event, session))

    page = text(response)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    confirmed, waiting, cancelled = (
        page.split("Personnes inscrites (3)")[1].split("Liste d’attente (1)")[0],
        page.split("Liste d’attente (1)")[1].split("Annulées ou non retenues (1)")[0],
        page.split("Annulées ou non retenues (1)")[1],
    )
    assert [n for n in NAMES if n in confirmed] == ["Hélène Dupré", "Émile Zola", "Fabrice Ançon"]
    assert confirmed.index("Hélène Dupré") < confirmed.index("Émile Zola")
    assert "Zoé Leroy" in waiting and "Bruno Martin" not in waiting
    assert "Bruno Martin" in cancelled
    # An address not confirmed holds nothing and is only counted.
    assert "Jean Nonconfirmé" not in page
    assert "1 demande attend encore la confirmation" in page


def test_the_session_page_costs_the_same_queries_for_one_or_many(
    member_client, event, session, django_assert_max_num_queries, django_assert_num_queries
):
    register(event, session, "Hélène Dupré")
    url = session_url("session_registrations", event, session)
    member_client.get(url)
    with django_assert_max_num_queries(30) as one:
        member_client.get(url)
    for name in NAMES[1:]:
        register(event, session, name)
    with django_assert_num_queries(len(one.captured_queries)):
        member_client.get(url)


def test_the_dashboard_links_to_the_registrations_with_their_count(
    member_client, event, full_session
):
    response = member_client.get(reverse("organizers:dashboard"))

    page = text(response)
    url = reverse("organizers:event_registrations", args=[event.pk])
    assert f'href="{url}"' in page
    assert "Inscriptions (3/3)" in page

    overview = text(member_client.get(url))
    assert "3 inscriptions pour 3 places, 2 en liste d’attente" in overview


# Cancel, promote, check in --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_cancelling_someone_promotes_the_first_waiting_and_both_get_an_email(
    member_client, event, session, full_session
):
    run_worker()
    mail.outbox.clear()
    helene = full_session[0]
    url = reverse("organizers:registration_cancel", args=[event.pk, helene.pk])

    confirm_page = text(member_client.get(url))
    response = member_client.post(url, follow=True)
    run_worker()

    assert "La place reviendra à la première personne de la liste d’attente." in confirm_page
    assert "L’inscription de Hélène Dupré est annulée" in text(response)
    helene.refresh_from_db()
    assert (helene.status, helene.cancelled_by_organizer) == (RegistrationStatus.CANCELLED, True)
    assert Registration.objects.get(pk=full_session[3].pk).status == RegistrationStatus.CONFIRMED
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        "helene.dupre@example.fr": "Inscription annulée : Atelier « Faire simple »",
        "zoe.leroy@example.fr": "Une place s’est libérée : Atelier « Faire simple »",
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_promoting_by_hand_needs_a_free_seat_and_emails_the_person(
    member_client, event, session, full_session
):
    bruno = full_session[4]
    url = reverse("organizers:registration_promote", args=[event.pk, bruno.pk])

    refused = text(member_client.post(url, follow=True))
    assert "Aucune place n’est libre dans cette séance" in refused
    assert Registration.objects.get(pk=bruno.pk).status == RegistrationStatus.WAITING

    # A seat freed without the waiting list being served (an update bypassing the services).
    EventSession.objects.filter(pk=session.pk).update(capacity=4)
    run_worker()
    mail.outbox.clear()
    response = member_client.post(url, follow=True)
    run_worker()

    assert "Bruno Martin obtient une place" in text(response)
    assert Registration.objects.get(pk=bruno.pk).status == RegistrationStatus.CONFIRMED
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["bruno.martin@example.fr"], "Une place s’est libérée : Atelier « Faire simple »")
    ]


def test_ticking_present_and_not_present_on_the_list(member_client, event, full_session):
    emile = full_session[1]
    url = reverse("organizers:registration_presence", args=[event.pk, emile.pk])

    page = text(member_client.post(url, {"present": "1"}, follow=True))
    emile.refresh_from_db()
    assert emile.checked_in_at is not None
    assert "Présence de Émile Zola enregistrée." in page
    assert "1 présence enregistrée" in page

    member_client.post(url, {"present": "0"})
    emile.refresh_from_db()
    assert emile.checked_in_at is None


def test_someone_waiting_cannot_be_ticked_present(member_client, event, full_session):
    zoe = full_session[3]
    url = reverse("organizers:registration_presence", args=[event.pk, zoe.pk])

    page = text(member_client.post(url, {"present": "1"}, follow=True))

    assert "Seule une personne inscrite peut être marquée présente." in page
    assert Registration.objects.get(pk=zoe.pk).checked_in_at is None


# Check-in by the QR code ----------------------------------------------------------------------


def test_the_qr_code_lets_a_member_mark_the_person_present(member_client, event, full_session):
    fabrice = full_session[2]
    url = reverse("organizers:registration_check_in", args=[check_in_token(fabrice)])

    page = text(member_client.get(url))
    assert "Fabrice Ançon" in page
    assert "Atelier « Faire simple »" in page
    assert "Marquer présent" in page

    response = member_client.post(url, follow=True)
    fabrice.refresh_from_db()
    assert fabrice.checked_in_at is not None
    assert "Présence enregistrée" in text(response)
    assert "Marquer présent<" not in text(response)


def test_the_qr_code_is_a_404_for_anyone_outside_the_organisation(client, event, full_session):
    url = reverse("organizers:registration_check_in", args=[check_in_token(full_session[0])])
    outsider = MembershipFactory().user  # a member of another organisation
    client.force_login(outsider)

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    client.force_login(UserFactory(moderator=True))
    assert client.get(url).status_code == 404
    assert Registration.objects.get(pk=full_session[0].pk).checked_in_at is None


def test_the_qr_code_asks_an_anonymous_visitor_to_log_in(client, full_session):
    url = reverse("organizers:registration_check_in", args=[check_in_token(full_session[0])])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "Hélène" not in response.content.decode()


def test_a_tampered_qr_code_is_a_404(member_client, full_session):
    token = check_in_token(full_session[0])
    tampered = f"{full_session[1].pk}:{token.split(':', 1)[1]}"

    url = reverse("organizers:registration_check_in", args=[tampered])

    assert member_client.get(url).status_code == 404


# Another organisation -------------------------------------------------------------------------


def test_another_organisations_registrations_are_a_404(client, event, session, full_session):
    client.force_login(MembershipFactory().user)
    registration = full_session[0]
    urls = [
        reverse("organizers:event_registrations", args=[event.pk]),
        reverse("organizers:event_registrations_csv", args=[event.pk]),
        session_url("session_registrations", event, session),
        session_url("session_registrations_csv", event, session),
        session_url("session_sign_in_sheet", event, session),
        session_url("session_message", event, session),
        reverse("organizers:registration_cancel", args=[event.pk, registration.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    posts = [
        reverse("organizers:registration_cancel", args=[event.pk, registration.pk]),
        reverse("organizers:registration_promote", args=[event.pk, full_session[3].pk]),
        reverse("organizers:registration_presence", args=[event.pk, registration.pk]),
        session_url("session_message", event, session),
    ]
    for url in posts:
        assert client.post(url, {"subject": "x", "body": "y"}).status_code == 404, url
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_a_registration_of_another_event_is_a_404_even_for_a_member(
    member_client, event, organization, open_edition
):
    other = EventFactory(
        edition=open_edition,
        organization=MembershipFactory().organization,
        published=True,
        registration_mode=RegistrationMode.PLATFORM,
    )
    stranger = register(other, other.sessions.get(), "Paul Autre")

    urls = [
        reverse("organizers:registration_cancel", args=[event.pk, stranger.pk]),
        reverse("organizers:session_registrations", args=[event.pk, other.sessions.get().pk]),
    ]

    for url in urls:
        assert member_client.get(url).status_code == 404


# The CSV export and the sign-in sheet ---------------------------------------------------------


def test_the_csv_export_is_utf8_with_a_bom_semicolons_and_french_headers(
    member_client, event, session, full_session
):
    register(
        event,
        session,
        '=HYPERLINK("http://x")',
        kind="private",
        organization_name="Mairie d’Œuilly",
        accessibility_needs="Boucle magnétique",
        accessibility_consent=True,
    )

    response = member_client.get(session_url("session_registrations_csv", event, session))

    body = response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="inscriptions-')
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:6] == [
        "Séance",
        "Lieu",
        "État",
        "Position en liste d'attente",
        "Nom et prénom",
        "Adresse électronique",
    ]
    assert "Hélène Dupré".encode() in body  # accents in UTF-8, not escaped
    by_name = {row[4]: row for row in rows[1:]}
    assert by_name["Hélène Dupré"][2] == "Inscrit"
    assert (by_name["Zoé Leroy"][2], by_name["Zoé Leroy"][3]) == ("En liste d'attente", "1")
    assert by_name["Bruno Martin"][3] == "2"
    hostile = by_name['\'=HYPERLINK("http://x")']  # a spreadsheet never runs it
    assert hostile[6:9] == ["Particulier", "Mairie d’Œuilly", "Boucle magnétique"]
    assert len(rows) == 1 + 6


def test_the_event_csv_has_one_row_per_registration_of_every_session(
    member_client, event, session, full_session
):
    second = EventSession.objects.create(
        event=event, date=session.date + datetime.timedelta(days=1), capacity=10
    )
    register(event, second, "Hélène Dupré", email="helene.autre@example.fr")

    response = member_client.get(reverse("organizers:event_registrations_csv", args=[event.pk]))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + 5 + 1
    assert rows[-1][0].startswith(f"{second.date:%d/%m/%Y}")


def test_the_sign_in_sheet_lists_the_confirmed_by_name_with_a_signature_column(
    member_client, event, session, full_session
):
    response = member_client.get(session_url("session_sign_in_sheet", event, session))

    page = text(response)
    assert "Feuille d’émargement" in page
    assert "css/sign-in-sheet.css" in page
    assert '<th scope="col" class="sign-in-sheet__signature">Signature</th>' in page
    # Sorted as a French reader expects (É with the E), only the confirmed.
    order = [page.index(name) for name in ("Émile Zola", "Fabrice Ançon", "Hélène Dupré")]
    assert order == sorted(order)
    assert "Zoé Leroy" not in page
    assert "@example.fr" not in page  # the sheet is passed around the room: no address


# The message to the people registered ---------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_message_goes_to_each_confirmed_person_alone_through_the_outbox(
    member_client, event, session, full_session
):
    run_worker()
    mail.outbox.clear()
    url = session_url("session_message", event, session)

    response = member_client.post(
        url,
        {"subject": "Changement de salle", "body": "Rendez-vous salle 2.\nÀ bientôt !"},
        follow=True,
    )
    run_worker()

    assert "Votre message part vers 3 personnes inscrites" in text(response)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "emile.zola@example.fr",
        "fabrice.ancon@example.fr",
        "helene.dupre@example.fr",
    ]
    message = mail.outbox[0]
    assert message.to == [message.to[0]] and not message.cc and not message.bcc
    assert message.subject == "Changement de salle — Atelier « Faire simple »"
    assert "Rendez-vous salle 2.\nÀ bientôt !" in message.body
    assert "contact@bretagne.gouv.fr" in message.body
    assert "zoe.leroy" not in " ".join(m.to[0] for m in mail.outbox)  # not the waiting list


def test_messages_are_limited_to_three_per_session_a_day(
    member_client, event, session, full_session
):
    url = session_url("session_message", event, session)
    for number in range(3):
        response = member_client.post(url, {"subject": f"Info {number}", "body": "Texte."})
        assert response.status_code == 302

    response = member_client.post(url, {"subject": "Encore", "body": "Mon long texte."})

    page = text(response)
    assert response.status_code == 429
    assert "Vous avez déjà écrit 3 fois aux personnes inscrites à cette séance" in page
    assert "Réessayez dans" in page
    assert "Mon long texte." in page  # nothing typed is lost
    assert 'value="Encore"' in page


def test_an_empty_message_is_refused_in_french(member_client, event, session, full_session):
    response = member_client.post(
        session_url("session_message", event, session), {"subject": "  ", "body": ""}
    )

    page = text(response)
    assert response.status_code == 200
    assert "Indiquez l’objet du message." in page
    assert "Écrivez le message." in page


# Moderators -----------------------------------------------------------------------------------


def test_moderators_see_counts_in_the_admin_never_a_name(client, event, session, full_session):
    client.force_login(UserFactory(moderator=True))

    response = client.get(reverse("admin:events_event_change", args=[event.pk]))

    page = text(response)
    assert response.status_code == 200
    assert "3 inscrites sur 3 places, 2 en liste d’attente" in page
    for name in NAMES:
        assert name not in page
    assert "@example.fr" not in page
    assert client.get(reverse("organizers:event_registrations", args=[event.pk])).status_code == 404


# Valid HTML -----------------------------------------------------------------------------------


def test_every_registration_page_is_valid_html(member_client, event, session, full_session):
    """The Nu HTML checker on each page as the server sends it (skipped without Java)."""
    html_checker = pytest.importorskip("tests.e2e.html_checker")
    member_client.post(
        reverse("organizers:registration_presence", args=[event.pk, full_session[0].pk])
    )
    services.registration_cancel(registration=full_session[4])
    pages = {
        "overview": member_client.get(reverse("organizers:event_registrations", args=[event.pk])),
        "session": member_client.get(session_url("session_registrations", event, session)),
        "sheet": member_client.get(session_url("session_sign_in_sheet", event, session)),
        "message": member_client.post(
            session_url("session_message", event, session), {"subject": "", "body": ""}
        ),
        "cancel": member_client.get(
            reverse("organizers:registration_cancel", args=[event.pk, full_session[1].pk])
        ),
        "check-in": member_client.get(
            reverse("organizers:registration_check_in", args=[check_in_token(full_session[2])])
        ),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        messages = html_checker.html_messages(response.content.decode())
        assert not messages, f"{name}:\n{html_checker.format_messages(messages)}"
