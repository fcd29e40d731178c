"""« Signaler une erreur sur cet événement »: the visitor's uncached form (rate limit, honeypot),
the report in the moderation queue, internal notes, closing with a reply through the outbox."""

import pytest
from django.urls import reverse

from events.models import EventNote, EventReport
from moisinno.models import OutgoingEmail
from programme.reports import RATE_LIMIT
from tests.admin_forms import resubmit_data
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

VALID = {"kind": "date", "message": "La séance a lieu à 14 h, pas à 10 h.", "email": ""}


@pytest.fixture
def event(edition):
    return EventFactory(edition=edition, published=True, title="Atelier FALC", slug="atelier-falc")


def report_url(event) -> str:
    return reverse("events:report", kwargs={"slug": event.slug})


def test_event_page_links_to_the_uncached_report_page(client, event):
    page = client.get(event.get_absolute_url())
    assert report_url(event) in page.content.decode()
    assert "csrfmiddlewaretoken" not in page.content.decode()

    form = client.get(report_url(event))
    assert form.status_code == 200
    assert "csrfmiddlewaretoken" in form.content.decode()
    assert "no-cache" in form["Cache-Control"] or "private" in form["Cache-Control"]
    assert form.get("X-Cache") != "hit"
    assert client.get(report_url(event)).get("X-Cache") != "hit"


def test_a_visitor_reports_an_error(client, event):
    response = client.post(report_url(event), {**VALID, "email": "visiteur@example.fr"})

    assert response.status_code == 302
    assert response["Location"] == f"/evenements/{event.slug}/signaler/merci/"
    report = EventReport.objects.get(event=event)
    assert (report.kind, report.email, report.is_open) == ("date", "visiteur@example.fr", True)
    assert "Merci pour votre signalement" in client.get(response["Location"]).content.decode()


def test_invalid_report_keeps_what_was_typed_with_french_errors(client, event):
    response = client.post(report_url(event), {"kind": "", "message": "Lien cassé", "email": "x@"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Indiquez ce qui est erroné." in page
    assert "Saisissez une adresse électronique valide" in page
    assert "Lien cassé" in page
    assert not EventReport.objects.exists()


def test_honeypot_filled_keeps_nothing(client, event):
    response = client.post(report_url(event), {**VALID, "site_web": "https://spam.example"})

    assert response.status_code == 302
    assert not EventReport.objects.exists()


def test_reports_are_rate_limited_per_address(client, event):
    for _ in range(RATE_LIMIT):
        assert client.post(report_url(event), VALID).status_code == 302

    response = client.post(report_url(event), VALID)

    assert response.status_code == 429
    assert "Trop de signalements" in response.content.decode()
    assert "La séance a lieu à 14 h" in response.content.decode()
    assert EventReport.objects.count() == RATE_LIMIT


def test_a_draft_cannot_be_reported(client, edition):
    draft = EventFactory(edition=edition)
    assert client.get(report_url(draft)).status_code == 404
    assert client.post(report_url(draft), VALID).status_code == 404


def test_reports_put_the_event_in_the_queue_with_their_count(client, event, moderator):
    for _ in range(2):
        client.post(report_url(event), VALID)
    client.force_login(moderator)

    queue = client.get(reverse("admin:events_event_changelist")).content.decode()

    assert "Atelier FALC" in queue
    assert "2 signalements" in queue


def test_moderator_keeps_internal_notes_organisers_never_see(client, event, moderator):
    client.force_login(moderator)
    url = reverse("admin:events_event_change", args=[event.pk])
    data = resubmit_data(client.get(url))
    data["notes-0-text"] = "Appelé l’organisateur : l’horaire est bien 14 h."

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    note = EventNote.objects.get(event=event)
    assert note.author == moderator
    assert "Appelé l’organisateur" in client.get(url).content.decode()


def test_close_with_a_reply_emails_the_visitor(client, event, moderator):
    client.post(report_url(event), {**VALID, "email": "visiteur@example.fr"})
    report = EventReport.objects.get()
    client.force_login(moderator)
    url = reverse("admin:events_eventreport_change", args=[report.pk])

    response = client.post(url, {"reply": "Corrigé, merci !", "close": "on"})

    assert response.status_code == 302
    report.refresh_from_db()
    assert not report.is_open and report.closed_by == moderator
    email = OutgoingEmail.objects.get(template="event_report_reply")
    assert email.to == ["visiteur@example.fr"]
    assert email.subject == "Votre signalement sur « Atelier FALC »"
    assert "Corrigé, merci !" in email.body_text
    # Closed: the published event leaves the queue.
    queue = client.get(reverse("admin:events_event_changelist")).content.decode()
    assert "Atelier FALC" not in queue


def test_a_reply_without_an_address_is_refused_and_kept(client, event, moderator):
    client.post(report_url(event), VALID)
    report = EventReport.objects.get()
    client.force_login(moderator)
    url = reverse("admin:events_eventreport_change", args=[report.pk])

    response = client.post(url, {"reply": "Merci, c’est corrigé.", "close": "on"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "pas laissé d’adresse électronique" in page
    assert "Merci, c’est corrigé." in page
    report.refresh_from_db()
    assert report.is_open
    # Closing without a reply works.
    assert client.post(url, {"reply": "", "close": "on"}).status_code == 302
    report.refresh_from_db()
    assert not report.is_open
    assert not OutgoingEmail.objects.filter(template="event_report_reply").exists()


def test_organisers_do_not_reach_reports_nor_notes(client, event, organizer):
    client.force_login(organizer)
    client.post(report_url(event), VALID)
    report = EventReport.objects.get()

    response = client.get(reverse("admin:events_eventreport_change", args=[report.pk]))

    assert response.status_code == 302  # the admin login page: not staff
