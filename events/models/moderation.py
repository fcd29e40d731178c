"""The DITP's side of an event: its moderation log, the visitors' reports and the internal
notes."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..enums import EventStatus
from .event import Event


class ModerationLogEntry(models.Model):
    """One row per status change (written by the transition service only) or per edit the
    DITP made to an organiser's event in the admin (`events.editing.event_record_ditp_edit`,
    with the changed fields)."""

    TRANSITION = "transition"
    EDIT = "edit"
    SCHEDULE = "schedule"  # a change of `Event.schedule_status` (events/schedule.py)
    KINDS = [
        (TRANSITION, "Changement de statut"),
        (EDIT, "Modification par la DITP"),
        (SCHEDULE, "Changement d'état (reporté, complet…)"),
    ]

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="moderation_log")
    from_status = models.CharField("de", max_length=20, choices=EventStatus.choices)
    to_status = models.CharField("vers", max_length=20, choices=EventStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="par",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    actor_role = models.CharField("en tant que", max_length=16)
    message = models.TextField("message", blank=True)
    kind = models.CharField("nature", max_length=16, choices=KINDS, default=TRANSITION)
    # An edit's changed fields: [{"field", "label", "before", "after"}] (events.editing).
    changes = models.JSONField("champs modifiés", default=list, blank=True)
    created_at = models.DateTimeField("le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "entrée du journal de modération"
        verbose_name_plural = "journal de modération"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.event}: {self.from_status} → {self.to_status}"


class EventReport(models.Model):
    """A visitor's report of an error on a public event (« Signaler une erreur »): it puts the
    event in the moderation queue until a moderator closes it, with a reply if an address was
    left."""

    class Kind(models.TextChoices):
        DATE = "date", "La date ou l’horaire"
        PLACE = "place", "Le lieu"
        LINK = "link", "Un lien (inscription, diffusion)"
        CANCELLED = "cancelled", "L’événement est annulé"
        OTHER = "other", "Autre chose"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField("ce qui est erroné", max_length=16, choices=Kind.choices)
    message = models.TextField("message", max_length=2000)
    email = models.EmailField("courriel du visiteur", blank=True)
    created_at = models.DateTimeField("signalé le", auto_now_add=True)
    closed_at = models.DateTimeField("clos le", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="clos par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reply = models.TextField("réponse envoyée au visiteur", blank=True)

    class Meta:
        verbose_name = "signalement"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["event"], condition=Q(closed_at__isnull=True), name="report_open_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.event}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class EventNote(models.Model):
    """An internal note of the DITP on an event: a thread the organisers never see."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    text = models.TextField("note")
    created_at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "note interne"
        verbose_name_plural = "notes internes (visibles par la DITP seulement)"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]
