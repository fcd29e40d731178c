"""The participants' satisfaction survey (`manage.py send_satisfaction_surveys`, cron hourly).

- **Who is asked**: after a session ends, each registration checked in
  (`Registration.checked_in_at`), or confirmed in a session held online (online or hybrid:
  nobody checks in a screen), of a registrant not erased, in a published event that was not
  postponed. A session is asked about during `SEND_WINDOW` after its end, no later: a
  forgotten cron does not wake up registrants weeks after.
- **Once**: the invitation is marked (`SurveyAnswer.sent_at`) in the transaction that queues
  its e-mail, one transaction per registration, its row taken with
  `select_for_update(skip_locked=True)`: a rerun, or two overlapping runs, send nothing twice.
- **One answer per registration**, by a signed link (salt `results.survey`), no account.
- **Only aggregated, only from `MIN_ANSWERS` answers**: below that, no figure at all, not even
  the number of answers. Comments go to the event's organisers only, never to a public page.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from events.enums import AttendanceMode, EventStatus, ScheduleStatus
from events.models import Event
from moisinno.formatting import session_label
from moisinno.links import ExpiredLink, signed_id
from moisinno.notifications import queue_email
from registrations.models import Registration, RegistrationStatus

from .models import SurveyAnswer

#: Below this number of answers, an event's results show no figure.
MIN_ANSWERS = 5
#: How long after a session's end its participants may still be asked.
SEND_WINDOW = datetime.timedelta(days=7)
COMMENT_MAX_LENGTH = 2000

_SALT = "results.survey"


class SurveyError(Exception):
    """An answer refused, with its French message."""


class AlreadyAnswered(SurveyError):
    def __init__(self) -> None:
        super().__init__("Vous avez déjà répondu à ce questionnaire. Merci !")


# Links ---------------------------------------------------------------------------------------


def survey_token(registration: Registration) -> str:
    return signing.Signer(salt=_SALT).sign(str(registration.pk))


def survey_url(registration: Registration) -> str:
    path = reverse("survey:answer", args=[survey_token(registration)])
    return f"{settings.SITE_URL}{path}"


def registration_from_survey_token(token: str) -> Registration:
    """The registration a survey link was sent for. `InvalidLink` when tampered with;
    `ExpiredLink` when the registration no longer exists or was never invited."""
    registration = (
        Registration.objects.select_related("session__event", "survey")
        .filter(pk=signed_id(token, signing.Signer(salt=_SALT)))
        .first()
    )
    if registration is None:
        raise ExpiredLink
    try:
        invited = registration.survey.sent_at is not None
    except SurveyAnswer.DoesNotExist:
        invited = False
    if not invited:
        raise ExpiredLink
    return registration


# Sending -------------------------------------------------------------------------------------


def _attended() -> Q:
    return Q(checked_in_at__isnull=False) | Q(
        status=RegistrationStatus.CONFIRMED,
        session__attendance_mode__in=[AttendanceMode.ONLINE, AttendanceMode.HYBRID],
    )


def is_due(registration: Registration, now: datetime.datetime) -> bool:
    """Its session (selected) is over at `now`, for less than `SEND_WINDOW`."""
    ends = registration.session.ends_at
    return ends <= now < ends + SEND_WINDOW


def _pending(now: datetime.datetime):
    today = timezone.localdate(now)
    days = (today - SEND_WINDOW - datetime.timedelta(days=1), today)
    return (
        Registration.objects.filter(
            _attended(),
            registrant__erased_at__isnull=True,
            session__event__status=EventStatus.PUBLISHED,
            session__date__range=days,
        )
        .exclude(session__event__schedule_status=ScheduleStatus.POSTPONED)
        .exclude(survey__sent_at__isnull=False)
        .select_related("session")
    )


def registrations_due(now: datetime.datetime) -> list[int]:
    due = [r for r in _pending(now) if is_due(r, now)]
    due.sort(key=lambda r: (r.session.ends_at, r.session_id, r.pk))
    return [r.pk for r in due]


def _queue(registration: Registration) -> None:
    registrant = registration.registrant
    session = registration.session
    event = session.event
    queue_email(
        to=[registrant.email],
        template="survey_request",
        context={
            "registrant": registrant,
            "event": event,
            "session_label": session_label(session),
            "survey_url": survey_url(registration),
        },
    )


def survey_send(*, registration_id: int, now: datetime.datetime) -> bool:
    """Mark and queue one invitation in one transaction; False when not due, already sent,
    or being sent by another run."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("registrant", "session__event")
            .filter(_attended(), pk=registration_id, registrant__erased_at__isnull=True)
            .first()
        )
        if registration is None or not is_due(registration, now):
            return False
        answer, _ = SurveyAnswer.objects.get_or_create(registration=registration)
        if answer.sent_at is not None:
            return False
        answer.sent_at = now
        answer.save(update_fields=["sent_at"])
        _queue(registration)
    return True


def surveys_send(now: datetime.datetime | None = None) -> int:
    """Queue every invitation due at `now`; the number queued. Safe to rerun."""
    now = now or timezone.now()
    return sum(survey_send(registration_id=pk, now=now) for pk in registrations_due(now))


# Answering -----------------------------------------------------------------------------------


def survey_answer(
    registration: Registration,
    overall: int,
    would_recommend: bool,
    will_reuse_method: bool,
    comment: str = "",
) -> SurveyAnswer:
    """Record the registration's one answer; `AlreadyAnswered` for a second one."""
    if overall not in range(1, 6):
        raise SurveyError("La note doit être comprise entre 1 et 5.")
    with transaction.atomic():
        try:
            answer, _ = SurveyAnswer.objects.select_for_update().get_or_create(
                registration=registration
            )
        except IntegrityError as error:  # created by a concurrent request meanwhile
            raise AlreadyAnswered from error
        if answer.answered_at is not None:
            raise AlreadyAnswered
        answer.answered_at = timezone.now()
        answer.overall = overall
        answer.would_recommend = would_recommend
        answer.will_reuse_method = will_reuse_method
        answer.comment = comment.strip()[:COMMENT_MAX_LENGTH]
        answer.save()
    return answer


# Results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyResults:
    """An event's results. `enough` False: no figure may be shown (`answers` is then None)."""

    enough: bool
    answers: int | None = None
    overall_mean: Decimal | None = None
    recommend_percent: int | None = None
    reuse_percent: int | None = None
    comments: list[str] = field(default_factory=list)


def _percent(part: int, whole: int) -> int:
    return int((Decimal(100 * part) / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def survey_results(event: Event) -> SurveyResults:
    """Aggregated only, and only from `MIN_ANSWERS` answers. The comments, for the event's
    organisers, come only with the figures (below the threshold a comment could be told
    apart as one person's)."""
    answers = list(
        SurveyAnswer.objects.filter(registration__session__event=event, answered_at__isnull=False)
        .order_by("answered_at", "pk")
        .values_list("overall", "would_recommend", "will_reuse_method", "comment")
    )
    count = len(answers)
    if count < MIN_ANSWERS:
        return SurveyResults(enough=False)
    mean = Decimal(sum(row[0] for row in answers)) / count
    return SurveyResults(
        enough=True,
        answers=count,
        overall_mean=mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
        recommend_percent=_percent(sum(1 for row in answers if row[1]), count),
        reuse_percent=_percent(sum(1 for row in answers if row[2]), count),
        comments=[row[3] for row in answers if row[3]],
    )
