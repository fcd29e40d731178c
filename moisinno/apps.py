from django.apps import AppConfig
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save


class MoisinnoConfig(AppConfig):
    name = "moisinno"
    verbose_name = "Moisinno"

    def ready(self) -> None:
        from . import checks  # noqa: F401, PLC0415 - app registry
        from .models import RegionalRelay  # noqa: PLC0415 - app registry
        from .roles import relays_changed  # noqa: PLC0415 - app registry

        # The relays' lists that `roles.relays_cached` keeps.
        for model in (RegionalRelay, get_user_model()):
            post_save.connect(relays_changed, sender=model, dispatch_uid=f"relays-{model}-save")
            post_delete.connect(relays_changed, sender=model, dispatch_uid=f"relays-{model}-delete")
