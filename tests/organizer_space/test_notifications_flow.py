"""Emails caused by the organiser space, end to end: queued with the change, sent by the worker."""

import datetime
import socket

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from moisinno.enums import EmailStatus
from moisinno.models import OutgoingEmail
from organizers.enums import MembershipStatus
from tests.factories import EventFactory, MembershipFactory, UserFactory

# The worker closes the database connection when it is not in autocommit mode (as inside a
# test transaction): these tests use real transactions, and serialized_rollback restores the
# data migrations (the moderator group) after each flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_worker():
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def smtp_down() -> dict:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port(), "timeout": 2},
        }
    }


def test_submission_from_the_space_emails_the_organiser_and_ditp(
    member_client, organization, open_edition
):
    UserFactory(moderator=True, email="moderation@modernisation.gouv.fr")
    event = EventFactory(
        edition=open_edition,
        organization=organization,
        title="Atelier FALC",
        summary="Écrire facile à lire.",
        description="Un atelier pratique.",
        address="3 avenue de la Préfecture",
        private_contact_email="contact@bretagne.gouv.fr",
        starts_on=open_edition.start_date + datetime.timedelta(days=3),
    )

    member_client.post(reverse("organizers:event_submit", args=[event.pk]))
    run_worker()

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"agent@bretagne.gouv.fr", "moderation@modernisation.gouv.fr"}
    ack = by_recipient["agent@bretagne.gouv.fr"]
    assert ack.subject == "Votre événement « Atelier FALC » a bien été soumis"
    assert "espace organisateur" in ack.body
    assert ack.alternatives[0].mimetype == "text/html"
    alert = by_recipient["moderation@modernisation.gouv.fr"]
    assert alert.subject.startswith("À valider : « Atelier FALC »")


def test_join_request_and_approval_emails_are_sent(client, membership):
    newcomer = UserFactory(email="nouvelle@bretagne.gouv.fr")
    client.force_login(newcomer)

    client.post(
        reverse("organizers:organization_join"), {"organization": membership.organization.pk}
    )
    run_worker()

    (request_email,) = mail.outbox
    assert request_email.to == ["agent@bretagne.gouv.fr"]
    assert "nouvelle@bretagne.gouv.fr demande à rejoindre" in request_email.subject
    assert "Traiter la demande" in request_email.alternatives[0].content
    mail.outbox.clear()

    client.force_login(membership.user)
    request = newcomer.memberships.get()
    client.post(
        reverse("organizers:membership_approve", args=[membership.organization.slug, request.pk])
    )
    run_worker()

    (approved,) = mail.outbox
    assert approved.to == ["nouvelle@bretagne.gouv.fr"]
    assert approved.subject == f"Vous êtes membre de « {membership.organization.name} »"
    request.refresh_from_db()
    assert request.status == MembershipStatus.ACTIVE


def test_smtp_outage_loses_no_verification_nor_join_request_email(client, settings, membership):
    password = "Un-mot-de-passe-bien-long-2026"
    client.post(
        reverse("account_signup"),
        {"email": "nouvelle@bretagne.gouv.fr", "password1": password, "password2": password},
    )
    other = UserFactory(email="collegue@bretagne.gouv.fr")
    client.force_login(other)
    client.post(
        reverse("organizers:organization_join"), {"organization": membership.organization.pk}
    )
    working_mailer = settings.MAILERS

    settings.MAILERS = smtp_down()
    run_worker()

    assert mail.outbox == []
    pending = OutgoingEmail.objects.filter(status=EmailStatus.PENDING)
    assert pending.count() == 2
    assert all(email.attempts == 1 for email in pending)

    # The SMTP server is back, and the retry delay has passed.
    settings.MAILERS = working_mailer
    DBTaskResult.objects.filter(status="READY").update(
        run_after=timezone.now() - datetime.timedelta(seconds=1)
    )
    run_worker()

    assert sorted(message.to[0] for message in mail.outbox) == [
        "agent@bretagne.gouv.fr",
        "nouvelle@bretagne.gouv.fr",
    ]
    verification = next(m for m in mail.outbox if m.to == ["nouvelle@bretagne.gouv.fr"])
    assert "/compte/confirm-email/" in verification.body
    assert not OutgoingEmail.objects.exclude(status=EmailStatus.SENT).exists()


def test_membership_request_to_an_orphan_organisation_alerts_ditp(client):
    UserFactory(moderator=True, email="moderation@modernisation.gouv.fr")
    orphan = MembershipFactory(status=MembershipStatus.PENDING).organization
    client.force_login(UserFactory(email="nouvelle@bretagne.gouv.fr"))

    client.post(reverse("organizers:organization_join"), {"organization": orphan.pk})
    run_worker()

    (message,) = mail.outbox
    assert message.to == ["moderation@modernisation.gouv.fr"]
    assert "c’est à l’équipe de la DITP de valider" in message.body
