"""E-mail alerts on a programme selection.

The least personal data: the address, the selection (the programme's normalised query string
and its edition) and dates. No name, no IP address. A row is deleted on unsubscription, when
it stays unconfirmed (see `services.CONFIRMATION_DAYS`) and when its edition is over.
"""

from django.db import models
from django.db.models import Q


class AlertQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)


class Alert(models.Model):
    email = models.EmailField("adresse électronique")
    edition = models.ForeignKey(
        "events.Edition",
        verbose_name="édition",
        on_delete=models.CASCADE,
        related_name="alerts",
    )
    # The programme's GET parameters, cleaned and sorted (see `services.selection_query`).
    query = models.CharField("sélection", max_length=2000, blank=True)
    created_at = models.DateTimeField("demandée le", auto_now_add=True)
    confirmed_at = models.DateTimeField("confirmée le", null=True, blank=True)
    # The digest watermark: events published after it are new for this alert. Set at
    # confirmation, moved in the same transaction as each digest is queued.
    watermark = models.DateTimeField("nouveautés après le", null=True, blank=True)
    last_digest_at = models.DateTimeField("dernier envoi le", null=True, blank=True)
    digests_sent = models.PositiveIntegerField("envois", default=0)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = "alerte par courriel"
        verbose_name_plural = "alertes par courriel"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "edition", "query"], name="alert_unique_selection"
            ),
        ]
        indexes = [
            models.Index(
                fields=["watermark"], condition=Q(confirmed_at__isnull=False), name="alert_due_idx"
            ),
            models.Index(fields=["email"], name="alert_email_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.email} — {self.edition_id} — {self.query or 'tout le programme'}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
