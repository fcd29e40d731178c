"""What happened during the month: attendance declared by organisers per session, the
participants' satisfaction, per registration. The edition's bilan is computed from them
(`results.bilan`); the edition says when declarations close and when the bilan is public
(`Edition.bilan_closed_at`, `Edition.bilan_published_at`).

No personal datum here: a declaration says how many came, an answer says what a registration
thought (its registrant may be anonymised since; the answer stays). Comments are shown to the
organisers of the event only, never in public.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class AgentsShareSource(models.TextChoices):
    ESTIMATE = "estimate", "Estimation"
    REGISTRATIONS = "registrations", "D'après les inscriptions"


class SessionAttendance(models.Model):
    """What an organiser declared of one session: did it take place, how many came."""

    session = models.OneToOneField(
        "events.EventSession",
        verbose_name="séance",
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    took_place = models.BooleanField("la séance a eu lieu", default=True)
    present_in_person = models.PositiveIntegerField("personnes présentes", null=True, blank=True)
    online_peak = models.PositiveIntegerField(
        "connexions en ligne (au plus fort)", null=True, blank=True
    )
    agents_share = models.PositiveSmallIntegerField(
        "part d'agents publics (%)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    agents_share_source = models.CharField(
        "origine de la part d'agents",
        max_length=16,
        choices=AgentsShareSource.choices,
        default=AgentsShareSource.ESTIMATE,
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="déclarée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    declared_at = models.DateTimeField("déclarée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "participation à une séance"
        verbose_name_plural = "participations aux séances"
        constraints = [
            models.CheckConstraint(
                condition=Q(agents_share__isnull=True) | Q(agents_share__lte=100),
                name="attendance_agents_share_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"Participation — {self.session}"

    @property
    def participants(self) -> int:
        """People who came, in person and online (0 when it did not take place)."""
        if not self.took_place:
            return 0
        return (self.present_in_person or 0) + (self.online_peak or 0)


class EventOutcome(models.Model):
    """The event's side of the declaration: when it was asked for and answered, and one
    sentence « Ce qui a marché »."""

    event = models.OneToOneField(
        "events.Event", verbose_name="événement", on_delete=models.CASCADE, related_name="outcome"
    )
    what_worked = models.CharField("ce qui a marché", max_length=300, blank=True)
    # The requests: the day after the last session, then day 3 and day 10, then nothing.
    requested_at = models.DateTimeField("demande envoyée le", null=True, blank=True)
    reminded_day3_at = models.DateTimeField("relance du 3e jour", null=True, blank=True)
    reminded_day10_at = models.DateTimeField("relance du 10e jour", null=True, blank=True)
    declared_at = models.DateTimeField("déclarée le", null=True, blank=True)

    class Meta:
        verbose_name = "bilan d'un événement"
        verbose_name_plural = "bilans des événements"

    def __str__(self) -> str:
        return f"Bilan — {self.event}"


class SurveyAnswer(models.Model):
    """One registration's satisfaction: the invitation sent after its session, and the
    answer (one per registration, no account)."""

    registration = models.OneToOneField(
        "registrations.Registration",
        verbose_name="inscription",
        on_delete=models.CASCADE,
        related_name="survey",
    )
    sent_at = models.DateTimeField("questionnaire envoyé le", null=True, blank=True)
    answered_at = models.DateTimeField("répondu le", null=True, blank=True)
    overall = models.PositiveSmallIntegerField(
        "satisfaction (1 à 5)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    would_recommend = models.BooleanField("je recommanderais", null=True, blank=True)
    will_reuse_method = models.BooleanField("je vais réutiliser une méthode", null=True, blank=True)
    comment = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "réponse au questionnaire"
        verbose_name_plural = "réponses au questionnaire"
        constraints = [
            models.CheckConstraint(
                condition=Q(overall__isnull=True) | Q(overall__range=(1, 5)),
                name="survey_overall_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Questionnaire — {self.registration_id}"
