from django.conf import settings
from django.db import models

from .enums import EmailStatus


class OutgoingEmail(models.Model):
    """An email written in the same transaction as the change that causes it.

    The task worker sends it and retries with a growing delay: an SMTP outage loses nothing.
    """

    to = models.JSONField("destinataires", default=list)
    subject = models.CharField("objet", max_length=300)
    body_text = models.TextField("texte")
    body_html = models.TextField("HTML", blank=True)
    template = models.CharField("modèle", max_length=100, blank=True)
    # Extra headers of the message, e.g. List-Unsubscribe (RFC 8058) on the alert digests.
    headers = models.JSONField("en-têtes", default=dict, blank=True)
    # Attachments: text ones [{"filename", "content", "subtype", "params"}], e.g. an
    # invitation "invitation.ics", subtype "calendar", params {"method": "REQUEST"} (RFC 6047);
    # binary ones [{"filename", "content_base64", "maintype", "subtype"}], e.g. a QR code.
    attachments = models.JSONField("pièces jointes", default=list, blank=True)
    status = models.CharField(
        "statut", max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    last_error = models.TextField("dernière erreur", blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "courriel"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="email_status_idx")]

    def __str__(self) -> str:
        return self.subject


class PublicContentVersion(models.Model):
    """One row whose number goes up whenever something a public page shows changes.

    `moisinno.pagecache.public_content_changed()` raises it in the writer's own transaction;
    the number is part of every key of the shared page cache, so that every page cached before
    the change is unreachable from the moment the change is committed.
    """

    value = models.BigIntegerField("version", default=1)

    class Meta:
        verbose_name = "version du contenu public"

    def __str__(self) -> str:
        return str(self.value)


class RegionalRelay(models.Model):
    """A regional relay (SGAR, lab coordinator): a DITP moderator limited to some regions.

    The account is also in the moderator group; a moderator without this row is national and
    sees everything. Managed by superusers in the admin; `moisinno.roles` reads it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="compte",
        on_delete=models.CASCADE,
        related_name="regional_relay",
        limit_choices_to={"is_staff": True},
    )
    regions = models.JSONField(
        "régions", default=list, help_text="Codes INSEE des régions que ce relais modère."
    )

    class Meta:
        verbose_name = "relais régional"
        verbose_name_plural = "relais régionaux"

    def __str__(self) -> str:
        return f"{self.user} ({', '.join(self.regions)})"
