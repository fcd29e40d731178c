"""Keep the events' search text in step when a name it contains changes elsewhere.

An event's search text holds its organisations' and labs' names; `organizers` and `labs`
do not know about events (the import rule), so events listen to their saves instead.
"""

from django.db.models import Q
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from labs.models import Lab
from organizers.models import Organization

from .models import Event
from .search import events_refresh_search

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
