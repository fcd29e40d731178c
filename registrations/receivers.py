"""What registrations do when the events domain changes (the events app knows nothing of
registrations). Each receiver only hands the change to `registrations.services` or
`registrations.lifecycle`, in the transaction of the change:

- more places on a session (or unlimited) promote those waiting, once committed;
- a session's date, times, place, mode or link changed: its registrants are told
  (`lifecycle.session_changed`);
- a session deleted: its registrants are told (`lifecycle.session_deleted`);
- the event cancelled, « Passé en ligne » or « Reporté »: its registrants are told
  (`lifecycle.event_cancelled`, `lifecycle.event_schedule_changed`).

What a row held before its save is read in `pre_save`, only when the save writes a field
watched here.
"""

from django.db import transaction
from django.db.models.signals import post_save, pre_delete, pre_save
from django.dispatch import receiver

from events import states
from events.models import Event, EventSession

from . import lifecycle, services

_SESSION_READ = (*lifecycle.SESSION_WATCHED, "capacity", "seats_taken", "waiting_count")
_SESSION_WRITES = {*lifecycle.SESSION_WATCHED, "capacity"}
_EVENT_WRITES = {"status", "schedule_status"}


def _writes(update_fields, watched: set[str]) -> bool:
    return update_fields is None or bool(watched.intersection(update_fields))


@receiver(pre_save, sender=EventSession)
def _remember_session(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    instance._registrations_before = None
    if raw or instance.pk is None or not _writes(update_fields, _SESSION_WRITES):
        return
    instance._registrations_before = (
        EventSession.objects.filter(pk=instance.pk).values(*_SESSION_READ).first()
    )


@receiver(post_save, sender=EventSession)
def _session_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    before = getattr(instance, "_registrations_before", None)
    instance._registrations_before = None
    if raw or created or before is None:
        return
    more_places = instance.capacity is None or (
        before["capacity"] is not None and instance.capacity > before["capacity"]
    )
    if before["waiting_count"] and more_places and instance.capacity != before["capacity"]:
        session_id = instance.pk
        transaction.on_commit(lambda: services.session_fill(session_id=session_id), robust=True)
    if before["seats_taken"] or before["waiting_count"]:
        lifecycle.session_changed(session=instance, before=before)


@receiver(pre_delete, sender=EventSession)
def _session_deleted(sender, instance, origin=None, **kwargs) -> None:
    with_event = isinstance(origin, Event) or getattr(origin, "model", None) is Event
    lifecycle.session_deleted(session=instance, with_event=with_event)


@receiver(pre_save, sender=Event)
def _remember_event_state(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    instance._registrations_before = None
    if raw or instance.pk is None or not _writes(update_fields, _EVENT_WRITES):
        return
    instance._registrations_before = (
        Event.objects.filter(pk=instance.pk).values("status", "schedule_status").first()
    )


@receiver(post_save, sender=Event)
def _event_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    before = getattr(instance, "_registrations_before", None)
    instance._registrations_before = None
    if raw or created or before is None:
        return
    if states.is_cancelled(instance):
        if before["status"] != instance.status:
            lifecycle.event_cancelled(event=instance)
    elif before["schedule_status"] != instance.schedule_status:
        lifecycle.event_schedule_changed(event=instance, before=before["schedule_status"])
