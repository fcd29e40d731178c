"""Keep what depends on events in step when something changes elsewhere.

- An event's search text holds its organisations' and labs' names; `organizers` and `labs`
  do not know about events (the import rule), so events listen to their saves instead.
- The shared page cache: every change a public page can show is recorded, with the tags of
  what it touches (`moisinno.pagecache.public_content_changed`).
"""

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from labs.models import Lab
from moisinno.pagecache import (
    EVENTS,
    lab_events_tag,
    lab_tag,
    organization_events_tag,
    organization_tag,
    public_content_changed,
)
from organizers.models import Organization

from .models import (
    Collection,
    Edition,
    Event,
    EventResource,
    EventSession,
    Format,
    Theme,
    event_page_tags,
)
from .search import events_refresh_search
from .states import PUBLIC_STATUSES

_NAME_BEFORE = "_events_name_before"


@receiver(pre_save, sender=Organization)
@receiver(pre_save, sender=Lab)
def _remember_name(sender, instance, raw=False, **kwargs) -> None:
    """The name it had in the database, for the receivers after its save (search, pages)."""
    if raw or instance.pk is None:
        setattr(instance, _NAME_BEFORE, None)
        return
    name = sender.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
    setattr(instance, _NAME_BEFORE, name)


def _renamed(instance) -> bool:
    before = getattr(instance, _NAME_BEFORE, None)
    return before is not None and before != instance.name


@receiver(post_save, sender=Organization)
@receiver(post_save, sender=Lab)
def _refresh_events_of_renamed(sender, instance, raw=False, **kwargs) -> None:
    if raw or not _renamed(instance):
        return
    if sender is Lab:
        events = Event.objects.filter(labs=instance)
    else:
        events = Event.objects.filter(Q(organization=instance) | Q(co_organizers=instance))
    events_refresh_search(events=events.distinct())


# The shared page cache (moisinno/pagecache.py) ----------------------------------------------
# Every change a public page can show is recorded in the writer's own transaction, with the
# tags of what it touches: an event's own page and the lists that show it (`event_page_tags`).
# An event counts when it is public before or after the change (an event leaving the programme
# changes it too); a draft's edits do not touch the public pages.

_WAS_PUBLIC = "_page_cache_was_public"
_ORGANIZATION_BEFORE = "_page_cache_organization_before"


@receiver(pre_save, sender=Event)
def _remember_public(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        setattr(instance, _WAS_PUBLIC, False)
        return
    before = Event.objects.filter(pk=instance.pk).values_list("status", "organization_id").first()
    setattr(instance, _WAS_PUBLIC, before is not None and before[0] in PUBLIC_STATUSES)
    setattr(instance, _ORGANIZATION_BEFORE, before[1] if before else None)


@receiver(post_save, sender=Event)
def _event_changed(sender, instance, raw=False, **kwargs) -> None:
    if raw or not (getattr(instance, _WAS_PUBLIC, False) or instance.status in PUBLIC_STATUSES):
        return
    tags = event_page_tags(instance.pk, instance.organization_id)
    before = getattr(instance, _ORGANIZATION_BEFORE, None)
    if before is not None and before != instance.organization_id:
        tags.append(organization_events_tag(before))
    public_content_changed(*tags)


@receiver(post_delete, sender=Event)
def _event_deleted(sender, instance, **kwargs) -> None:
    # Its links to organisations and labs are gone with it: every list may have shown it.
    if getattr(instance, _WAS_PUBLIC, False) or instance.status in PUBLIC_STATUSES:
        public_content_changed()


def _changed_event(instance) -> None:
    """A session or resource of an event was saved: the event's pages, if it is public. Uses
    the event the row was saved with, when it has it (the services, the admin inline): no
    query for its status."""
    if type(instance).event.is_cached(instance):
        status, organization_id = instance.event.status, instance.event.organization_id
    else:
        status, organization_id = (
            Event.objects.filter(pk=instance.event_id)
            .values_list("status", "organization_id")
            .first()
        ) or (None, None)
    if status is None:
        public_content_changed()
    elif status in PUBLIC_STATUSES:
        public_content_changed(*event_page_tags(instance.event_id, organization_id))


# Deleted sessions need no receiver: they go with their event (its own post_delete) or in
# `event_update`, which saves the event in the same transaction. A receiver would also make
# every cascade load the sessions one by one.
@receiver(post_save, sender=EventSession)
def _session_changed(sender, instance, **kwargs) -> None:
    _changed_event(instance)


@receiver(post_save, sender=EventResource)
def _resource_changed(sender, instance, raw=False, **kwargs) -> None:
    # A resource added or edited after the event (`events.resources`, which also records the
    # change when it deletes one): shown on the event's page, cards and API.
    if not raw:
        _changed_event(instance)


_RELATION_TAGS = {
    Event.labs.through: lab_events_tag,
    Event.co_organizers.through: organization_events_tag,
}


def _relation_changed(sender, instance, action, reverse, pk_set=None, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if reverse or not isinstance(instance, Event) or action == "post_clear":
        public_content_changed()
    elif instance.status in PUBLIC_STATUSES:
        # A removed lab or co-organiser (`pk_set`) loses the event from its page too.
        tag_of = _RELATION_TAGS.get(sender)
        removed = [tag_of(pk) for pk in pk_set or ()] if tag_of else []
        public_content_changed(*event_page_tags(instance.pk, instance.organization_id), *removed)


for _relation in (Event.labs, Event.themes, Event.co_organizers):
    m2m_changed.connect(_relation_changed, sender=_relation.through, weak=False)


def _collection_events_changed(sender, action, **kwargs) -> None:
    # A collection's page, its feeds and the event pages that list it.
    if action.startswith("post_"):
        public_content_changed()


m2m_changed.connect(_collection_events_changed, sender=Collection.events.through, weak=False)


@receiver(post_save, sender=Organization)
@receiver(post_save, sender=Lab)
def _organization_or_lab_changed(sender, instance, created=False, raw=False, **kwargs) -> None:
    """Its own page, the event pages that show it, and the lists of events (they show its
    name). A renamed one may be named on any page (co-organisers, hosts): everything."""
    if raw:
        return
    if not created and _renamed(instance):
        public_content_changed()
        return
    if sender is Lab:
        own, events = lab_tag(instance.pk), lab_events_tag(instance.pk)
    else:
        own, events = organization_tag(instance.pk), organization_events_tag(instance.pk)
    public_content_changed(own, events, EVENTS)


@receiver(post_delete, sender=Organization)
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
