"""The second door: how a published event takes place (« Reporté », « Reprogrammé »,
« Passé en ligne », « Complet »), changed by `event_set_schedule_status` only.

The moderation workflow (events/workflow.py) says whether an event is public; its
`schedule_status` says, for a public event, whether it takes place as announced. What each
state means on the public site, in calendars, schema.org and OpenAgenda is in events/states.py.

`event_set_schedule_status` is the only writer of `Event.schedule_status`: the organisers (a
member of the owning organisation) or a moderator, on a published event, always with a message
shown on the public page. « Reprogrammé » comes with the new sessions, applied at once: the
event stays published and, when its organisers made the change, enters the DITP queue as
"changed since validation" like any edit of a published event (events/editing.py).
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from . import states, workflow
from .changes import event_merge_changes, snapshot
from .enums import Actor, ScheduleStatus
from .models import Event, ModerationLogEntry
from .notifications import notify_schedule_change
from .services import TransitionNotAllowed, event_change
from .sessions import SessionData, event_refresh_dates, event_sync_sessions


class ScheduleStatusError(TransitionNotAllowed):
    """A change of state that cannot be made; the message is shown to the user (French)."""


def _session_keys(sessions) -> list[tuple]:
    return sorted(
        (s["date"], s.get("start_time") or datetime.time.min, s.get("end_time"))
        if isinstance(s, dict)
        else (s.date, s.start_time or datetime.time.min, s.end_time)
        for s in sessions
    )


def event_set_schedule_status(
    *,
    event: Event,
    user: AbstractBaseUser,
    schedule_status: str,
    message: str,
    sessions: list[SessionData] | None = None,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Event:
    """Say how a published event takes place (« Reporté », « Complet »…), with a message
    shown on its page. `sessions`, with « Reprogrammé » only: the new dates, applied at once.

    Raises ScheduleStatusError unless `user` is a member of the owning organisation or a
    moderator covering the event, the event is published, the state is known and the message
    is given; TransitionConflict when the event changed since `expected_version`. In one
    transaction: stamps the state, bumps the version (calendars see a new SEQUENCE; saving a
    public event raises the public-content version), writes a moderation log row of kind
    `schedule` and queues the e-mail (DITP when organisers change it, organisers when DITP does).
    """
    message = (message or "").strip()
    if schedule_status not in ScheduleStatus.values:
        raise ScheduleStatusError("Choisissez l’état de l’événement.")
    conflict = (
        "Cet événement a été modifié entre-temps. Rechargez la page avant de changer son état."
    )
    with event_change(event=event, expected_version=expected_version, conflict=conflict) as change:
        locked = change.locked
        roles = workflow.roles(user, locked) & {Actor.ORGANIZER, Actor.MODERATOR}
        if not roles:
            raise ScheduleStatusError("Vous n'avez pas le droit d'effectuer cette action.")
        if not states.is_published(locked):
            raise ScheduleStatusError(
                "Seul un événement publié peut être déclaré reporté, reprogrammé, passé en "
                f"ligne ou complet (celui-ci est « {locked.get_status_display()} »)."
            )
        if not message:
            raise ScheduleStatusError(
                "Un message expliquant le changement est obligatoire : il s’affiche sur la "
                "page de l’événement."
            )
        rescheduling = schedule_status == ScheduleStatus.RESCHEDULED
        if sessions is not None and not rescheduling:
            raise ScheduleStatusError("Seul « Reprogrammé » change les dates de l’événement.")
        if rescheduling and sessions is not None:
            if not sessions:
                raise ScheduleStatusError("Indiquez au moins une nouvelle séance.")
            if _session_keys(sessions) == _session_keys(locked.sessions.all()):
                raise ScheduleStatusError(
                    "Les dates n’ont pas changé : indiquez les nouvelles séances de l’événement."
                )
        actor = Actor.ORGANIZER if Actor.ORGANIZER in roles else Actor.MODERATOR
        changes = [
            {
                "field": "schedule_status",
                "label": "État",
                "before": ScheduleStatus(locked.schedule_status).label,
                "after": ScheduleStatus(schedule_status).label,
            }
        ]
        if rescheduling and sessions is not None:
            changes.append(_reschedule(locked, sessions, by_organizers=actor == Actor.ORGANIZER))

        locked.schedule_status = schedule_status
        locked.schedule_message = message
        locked.schedule_changed_at = now or timezone.now()
        entry = change.save(
            ["schedule_status", "schedule_message", "schedule_changed_at"],
            user=user,
            actor_role=actor,
            message=message,
            kind=ModerationLogEntry.SCHEDULE,
            changes=changes,
        )
        notify_schedule_change(event=locked, entry=entry)
    return event


def _reschedule(event: Event, sessions: list[SessionData], *, by_organizers: bool) -> dict:
    """Give « Reprogrammé »'s new sessions to `event` (locked) and return the change of its
    sessions for the log. When its organisers reschedule it, the DITP rereads the new dates,
    as after any edit of a published event."""
    before = snapshot(event)
    event_sync_sessions(event=event, sessions=sessions)
    event_refresh_dates(event=event)
    after = snapshot(event)
    if by_organizers:
        event_merge_changes(event=event, before=before, after=after)
    return {
        "field": "sessions",
        "label": "Séances",
        "before": before["sessions"],
        "after": after["sessions"],
    }
