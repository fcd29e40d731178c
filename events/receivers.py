"""Keep what depends on events in step when something changes elsewhere.

- An event's search text holds its organisations' and labs' names; `organizers` and `labs`
  do not know about events (the import rule), so events listen to their saves instead.
- The shared page cache: every change a public page can show raises the public-content
  version (`moisinno.pagecache.public_content_changed`).
"""

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from labs.models import Lab
from moisinno.pagecache import public_content_changed
from organizers.models import Organization

from .models import Collection, Edition, Event, EventResource, EventSession, Format, Theme
from .search import events_refresh_search
from .states import PUBLIC_STATUSES

_RENAMED = "_events_search_renamed"


@receiver(pre_save, sender=Organization)
@receiver(pre_save, sender=Lab)
def _remember_rename(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    old_name = sender.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
    setattr(instance, _RENAMED, old_name is not None and old_name != instance.name)


@receiver(post_save, sender=Organization)
@receiver(post_save, sender=Lab)
def _refresh_events_of_renamed(sender, instance, raw=False, **kwargs) -> None:
    if raw or not getattr(instance, _RENAMED, False):
        return
    setattr(instance, _RENAMED, False)
    if sender is Lab:
        events = Event.objects.filter(labs=instance)
    else:
        events = Event.objects.filter(Q(organization=instance) | Q(co_organizers=instance))
    events_refresh_search(events=events.distinct())


# The shared page cache (moisinno/pagecache.py) ----------------------------------------------
# Every change a public page can show raises the public-content version in the writer's own
# transaction. An event counts when it is public before or after the change (an event leaving
# the programme changes it too); a draft's edits do not touch the public pages.

_WAS_PUBLIC = "_page_cache_was_public"


@receiver(pre_save, sender=Event)
def _remember_public(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        setattr(instance, _WAS_PUBLIC, False)
        return
    status = Event.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
    setattr(instance, _WAS_PUBLIC, status in PUBLIC_STATUSES)


@receiver(post_save, sender=Event)
@receiver(post_delete, sender=Event)
def _event_changed(sender, instance, **kwargs) -> None:
    if getattr(instance, _WAS_PUBLIC, False) or instance.status in PUBLIC_STATUSES:
        public_content_changed()


# Deleted sessions need no receiver: they go with their event (its own post_delete) or in
# `event_update`, which saves the event in the same transaction. A receiver would also make
# every cascade load the sessions one by one.
@receiver(post_save, sender=EventSession)
def _session_changed(sender, instance, **kwargs) -> None:
    # The event the session was saved with, when it has it (the services, the admin inline):
    # no query per session.
    if EventSession.event.is_cached(instance):
        status = instance.event.status
    else:
        status = Event.objects.filter(pk=instance.event_id).values_list("status", flat=True).first()
    if status is None or status in PUBLIC_STATUSES:
        public_content_changed()


@receiver(post_save, sender=EventResource)
def _resource_changed(sender, instance, raw=False, **kwargs) -> None:
    # A resource added or edited after the event (`events.resources`, which also raises the
    # version when it deletes one): shown on the event's page, cards and API.
    if raw:
        return
    if EventResource.event.is_cached(instance):
        status = instance.event.status
    else:
        status = Event.objects.filter(pk=instance.event_id).values_list("status", flat=True).first()
    if status is None or status in PUBLIC_STATUSES:
        public_content_changed()


def _relation_changed(sender, instance, action, reverse, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if reverse or not isinstance(instance, Event) or instance.status in PUBLIC_STATUSES:
        public_content_changed()


for _relation in (Event.labs, Event.themes, Event.co_organizers):
    m2m_changed.connect(_relation_changed, sender=_relation.through, weak=False)


def _collection_events_changed(sender, action, **kwargs) -> None:
    # A collection's page, its feeds and the event pages that list it.
    if action.startswith("post_"):
        public_content_changed()


m2m_changed.connect(_collection_events_changed, sender=Collection.events.through, weak=False)


@receiver(post_save, sender=Organization)
@receiver(post_delete, sender=Organization)
@receiver(post_save, sender=Lab)
@receiver(post_delete, sender=Lab)
@receiver(post_save, sender=Edition)
@receiver(post_delete, sender=Edition)
@receiver(post_save, sender=Format)
@receiver(post_delete, sender=Format)
@receiver(post_save, sender=Theme)
@receiver(post_delete, sender=Theme)
@receiver(post_save, sender=Collection)
@receiver(post_delete, sender=Collection)
def _reference_changed(sender, raw=False, **kwargs) -> None:
    public_content_changed()
