from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = "Inscriptions"

    def ready(self) -> None:
        from . import receivers  # noqa: F401, PLC0415 - app registry
