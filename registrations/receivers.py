"""What registrations do when the events domain changes (the events app knows nothing of
registrations): more places on a session promote those waiting."""

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from events.models import EventSession

from . import services


@receiver(pre_save, sender=EventSession)
def _remember_capacity(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    instance._capacity_before = (
        EventSession.objects.filter(pk=instance.pk).values_list("capacity", flat=True).first()
    )


@receiver(post_save, sender=EventSession)
def _fill_new_places(sender, instance, created=False, raw=False, **kwargs) -> None:
    if raw or created:
        return
    before = getattr(instance, "_capacity_before", None)
    if instance.capacity is None or (before is not None and instance.capacity > before):
        session_id = instance.pk
        transaction.on_commit(lambda: services.session_fill(session_id=session_id), robust=True)
