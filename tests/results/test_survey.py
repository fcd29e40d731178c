"""The participants' satisfaction survey: the invitation after a session (once, to those who
came), the signed questionnaire, one answer per registration, and the organisers' results,
aggregated and only from 5 answers; comments never public."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from events.enums import AttendanceMode, RegistrationMode
from events.models import EventSession
from moisinno.models import OutgoingEmail
from registrations import services
from registrations.models import Registration, RegistrationStatus
from results.models import SurveyAnswer
from results.survey import AlreadyAnswered, survey_answer, survey_token, surveys_send
from tests.factories import EditionFactory, EventFactory, MembershipFactory

SECRET_COMMENT = "Animatrice formidable, salle trop petite (commentaire 7Q4Z)"


@pytest.fixture
def member(db):
    return MembershipFactory().user


@pytest.fixture
def event(member):
    organization = member.memberships.get().organization
    event = EventFactory(
        edition=EditionFactory(year=datetime.date.today().year + 1),
        organization=organization,
        published=True,
        registration_mode=RegistrationMode.PLATFORM,
        title="Atelier « Faire simple »",
    )
    EventSession.objects.filter(event=event).update(capacity=30)
    return event


@pytest.fixture
def session(event):
    return event.sessions.get()


def register(event, session, index) -> Registration:
    registrant = services.registrant_register(
        event=event,
        sessions=[session],
        name=f"Camille Martin {index}",
        email=f"camille.{index}@example.fr",
        kind="agent",
    )
    services.registrant_confirm(registrant=registrant)
    return registrant.registrations.get()


def check_in(registration, member):
    return services.registration_check_in(registration=registration, user=member)


def invitations():
    return list(OutgoingEmail.objects.filter(template="survey_request").order_by("pk"))


def after(session, **delta):
    return session.ends_at + datetime.timedelta(**delta)


def invited(registration) -> Registration:
    SurveyAnswer.objects.create(registration=registration, sent_at=timezone.now())
    return registration


def answered(event, session, rows):
    """One answer per (overall, recommend, reuse, comment) row, each its own registration."""
    for index, (overall, recommend, reuse, comment) in enumerate(rows):
        registration = invited(register(event, session, 100 + index))
        survey_answer(registration, overall, recommend, reuse, comment)


def test_the_survey_goes_once_after_the_session_to_those_checked_in(event, session, member):
    came, absent, erased = (register(event, session, i) for i in range(3))
    check_in(came, member)
    check_in(erased, member)
    services.registrant_erase(registrant=erased.registrant)

    assert surveys_send(now=session.ends_at - datetime.timedelta(minutes=5)) == 0
    assert surveys_send(now=after(session, hours=1)) == 1
    assert surveys_send(now=after(session, hours=2)) == 0  # the hourly rerun

    (email,) = invitations()
    assert email.to == ["camille.0@example.fr"]
    assert email.subject == "Votre avis sur « Atelier « Faire simple » »"
    token = survey_token(came)
    assert f"/questionnaire/{token}/" in email.body_text
    assert f"/questionnaire/{token}/" in email.body_html
    answer = SurveyAnswer.objects.get()
    assert (answer.registration, answer.sent_at) == (came, after(session, hours=1))
    assert absent.registrant.email not in str(email.to)


def test_a_session_over_for_more_than_a_week_is_not_asked_about(event, session, member):
    check_in(register(event, session, 0), member)

    assert surveys_send(now=after(session, days=8)) == 0
    assert invitations() == []


def test_an_online_session_asks_each_confirmed_registrant(event, session):
    EventSession.objects.filter(pk=session.pk).update(
        attendance_mode=AttendanceMode.ONLINE, capacity=1, waiting_list=True
    )
    session.refresh_from_db()
    confirmed, waiting = register(event, session, 0), register(event, session, 1)
    cancelled = register(event, session, 2)
    services.registration_cancel(registration=cancelled)
    assert Registration.objects.get(pk=waiting.pk).status == RegistrationStatus.WAITING

    assert surveys_send(now=after(session, minutes=30)) == 1

    assert [email.to for email in invitations()] == [["camille.0@example.fr"]]
    assert SurveyAnswer.objects.get().registration_id == confirmed.pk


def test_an_in_person_confirmed_registrant_not_checked_in_is_not_asked(event, session):
    register(event, session, 0)

    assert surveys_send(now=after(session, hours=1)) == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_participant_receives_the_survey_from_the_worker(event, session, member):
    check_in(register(event, session, 0), member)
    mail.outbox.clear()

    call_command("send_satisfaction_surveys")  # the session is next year: nothing yet
    surveys_send(now=after(session, hours=1))
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    (message,) = [m for m in mail.outbox if m.subject.startswith("Votre avis")]
    assert message.to == ["camille.0@example.fr"]
    link = re.search(r"https?://\S+/questionnaire/\S+/", message.body).group(0)
    path = link[link.index("/questionnaire/") :]
    page = Client().get(path)
    assert page.status_code == 200
    assert "<h1>Votre avis sur «&nbsp;Atelier « Faire simple »&nbsp;»</h1>" in page.content.decode()


def test_the_questionnaire_keeps_what_was_typed_then_thanks_once(event, session):
    registration = invited(register(event, session, 0))
    url = f"/questionnaire/{survey_token(registration)}/"
    client = Client()

    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    assert page["X-Robots-Tag"] == "noindex"
    assert page["Referrer-Policy"] == "strict-origin"
    assert "1 — pas du tout satisfait" in html
    assert "5 — très satisfait" in html
    assert "organisateurs" in html

    missing = client.post(url, {"would_recommend": "oui", "comment": "Très concret"})
    html = missing.content.decode()
    assert missing.status_code == 400
    assert "Donnez une note de 1 à 5." in html
    assert "Indiquez si vous allez réutiliser une méthode." in html
    assert "Très concret" in html
    assert re.search(r'value="oui"[^>]*checked', html)
    assert SurveyAnswer.objects.get().answered_at is None

    done = client.post(
        url,
        {"overall": "4", "would_recommend": "oui", "will_reuse_method": "non", "comment": "Top"},
    )
    assert done.status_code == 200
    assert "Merci pour votre réponse" in done.content.decode()
    answer = SurveyAnswer.objects.get()
    assert (answer.overall, answer.would_recommend, answer.will_reuse_method) == (4, True, False)
    assert answer.comment == "Top"

    again = client.post(url, {"overall": "1", "would_recommend": "non", "will_reuse_method": "non"})
    assert "Merci, vous avez déjà répondu" in again.content.decode()
    assert "Merci, vous avez déjà répondu" in client.get(url).content.decode()
    assert SurveyAnswer.objects.get().overall == 4


def test_one_answer_per_registration(event, session):
    registration = invited(register(event, session, 0))
    survey_answer(registration, 5, True, True, "")

    with pytest.raises(AlreadyAnswered, match="Vous avez déjà répondu"):
        survey_answer(registration, 1, False, False, "")
    assert SurveyAnswer.objects.get().overall == 5


def test_a_tampered_or_uninvited_link_says_so(event, session):
    registration = register(event, session, 0)
    client = Client()

    tampered = client.get(f"/questionnaire/{survey_token(registration)}x/")
    assert tampered.status_code == 404
    assert "Ce lien n’est pas valide" in tampered.content.decode()
    # Signed, but never sent: no questionnaire.
    assert client.get(f"/questionnaire/{survey_token(registration)}/").status_code == 410


def results_page(client, event):
    return client.get(f"/espace-organisateur/evenements/{event.pk}/avis/")


def test_four_answers_show_no_figure(event, session, member):
    answered(
        event,
        session,
        [(5, True, True, SECRET_COMMENT), (1, False, False, ""), (4, True, False, "")]
        + [(3, True, True, "")],
    )
    client = Client()
    client.force_login(member)

    html = results_page(client, event).content.decode()

    assert "Pas assez de réponses" in html
    assert "Nombre de réponses" not in html
    assert "&nbsp;/&nbsp;5" not in html
    assert SECRET_COMMENT not in html


def test_five_answers_show_the_figures_and_the_comments_without_names(event, session, member):
    # Hand-computed: mean (5 + 4 + 4 + 3 + 5) / 5 = 4.2; recommend 4 of 5 = 80 %;
    # reuse 2 of 5 = 40 %.
    answered(
        event,
        session,
        [
            (5, True, True, SECRET_COMMENT),
            (4, True, False, ""),
            (4, False, False, "Un peu court"),
            (3, True, True, ""),
            (5, True, False, ""),
        ],
    )
    client = Client()
    client.force_login(member)

    page = results_page(client, event)
    html = page.content.decode()

    assert page.status_code == 200
    assert re.search(r"Nombre de réponses</th>\s*<td>5</td>", html)
    assert "4,2&nbsp;/&nbsp;5" in html
    assert re.search(r"recommanderais.*?</th>\s*<td>80&nbsp;%</td>", html, re.S)
    assert re.search(r"réutiliser une méthode.*?</th>\s*<td>40&nbsp;%</td>", html, re.S)
    assert "Animatrice formidable" in html
    assert "Un peu court" in html
    assert "Camille Martin" not in html
    assert "@example.fr" not in html


def test_another_organisations_event_is_not_reachable(event, session):
    outsider = MembershipFactory().user
    client = Client()
    client.force_login(outsider)

    assert results_page(client, event).status_code == 404
    assert results_page(Client(), event).status_code == 302  # to the login page


def test_comments_never_reach_a_public_page(event, session):
    answered(event, session, [(5, True, True, SECRET_COMMENT)] * 5)
    client = Client()

    for url in (
        event.get_absolute_url(),
        "/programme/",
        "/api/v1/events/",
        f"/api/v1/events/{event.slug}/",
        "/api/v1/sessions/",
        "/chiffres/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "7Q4Z" not in response.content.decode(), url
