"""On-platform registration: a person (`Registrant`, one per request, no account) and their
place in each session they asked for (`Registration`).

The least personal data, kept as short as possible (docs/architecture.md « Registrations »):
name, address, public agent or private person, organisation and accessibility needs
(optional, consented, erased once the session is over). Every registrant is anonymised
`REGISTRATION_RETENTION_DAYS` after their last session; the rows stay, without any personal
datum, so that the counts remain for the month's results.
"""

from django.db import models
from django.db.models import Q


class RegistrantKind(models.TextChoices):
    AGENT = "agent", "Agent public"
    PRIVATE = "private", "Particulier"


class RegistrationStatus(models.TextChoices):
    # The address is not confirmed yet: no seat is held.
    PENDING = "pending", "En attente de confirmation de l'adresse"
    CONFIRMED = "confirmed", "Inscrit"
    WAITING = "waiting", "En liste d'attente"
    CANCELLED = "cancelled", "Annulée"
    # The session was full without a waiting list, or closed, when the address was confirmed.
    REFUSED = "refused", "Non retenue"


class Registrant(models.Model):
    event = models.ForeignKey(
        "events.Event",
        verbose_name="événement",
        on_delete=models.CASCADE,
        related_name="registrants",
    )
    name = models.CharField("nom et prénom", max_length=150)
    email = models.EmailField("adresse électronique", max_length=254)
    kind = models.CharField("vous êtes", max_length=10, choices=RegistrantKind.choices)
    organization_name = models.CharField("administration ou organisme", max_length=200, blank=True)
    accessibility_needs = models.TextField("besoins d'accessibilité", blank=True)
    accessibility_consent = models.BooleanField(
        "consentement aux besoins d'accessibilité", default=False
    )
    created_at = models.DateTimeField("demandée le", auto_now_add=True)
    # The double opt-in: seats are taken only from this moment.
    confirmed_at = models.DateTimeField("adresse confirmée le", null=True, blank=True)
    # Personal data erased (by the registrant, or at the end of the retention period).
    erased_at = models.DateTimeField("données effacées le", null=True, blank=True)

    class Meta:
        verbose_name = "personne inscrite"
        verbose_name_plural = "personnes inscrites"
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["event", "email"], name="registrant_event_email_idx"),
            models.Index(
                fields=["created_at"],
                condition=Q(confirmed_at__isnull=True),
                name="registrant_unconfirmed_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"Inscription n° {self.pk} (effacée)"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class Registration(models.Model):
    registrant = models.ForeignKey(
        Registrant, verbose_name="personne", on_delete=models.CASCADE, related_name="registrations"
    )
    session = models.ForeignKey(
        "events.EventSession",
        verbose_name="séance",
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    status = models.CharField(
        "état",
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
    )
    # Arrival order in the session (its `registration_rank` when the address was confirmed):
    # the waiting list is promoted in this order.
    rank = models.PositiveIntegerField("rang d'arrivée", null=True, blank=True)
    confirmed_at = models.DateTimeField("place obtenue le", null=True, blank=True)
    waiting_since = models.DateTimeField("en liste d'attente depuis", null=True, blank=True)
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)
    cancelled_by_organizer = models.BooleanField("annulée par l'organisateur", default=False)
    checked_in_at = models.DateTimeField("présence constatée le", null=True, blank=True)
    # Each reminder is marked in the transaction that queues it: sent once, whatever happens.
    reminded_day_before_at = models.DateTimeField("rappel de la veille", null=True, blank=True)
    reminded_hour_before_at = models.DateTimeField("rappel une heure avant", null=True, blank=True)
    # The calendar invitation's SEQUENCE (RFC 5545): raised by each update or cancellation.
    ics_sequence = models.PositiveIntegerField("version de l'invitation", default=0)

    class Meta:
        verbose_name = "inscription à une séance"
        verbose_name_plural = "inscriptions aux séances"
        ordering = ["session", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registrant", "session"], name="registration_once_per_session"
            ),
            models.UniqueConstraint(
                fields=["session", "rank"],
                condition=Q(rank__isnull=False),
                name="registration_rank_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RegistrationStatus.values), name="registration_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status", "rank"], name="registration_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.registrant} — {self.session}"

    @property
    def is_active(self) -> bool:
        """Holds a seat or a place in the waiting list."""
        return self.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)
