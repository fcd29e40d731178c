from django.apps import AppConfig


class MoisinnoConfig(AppConfig):
    name = "moisinno"
    verbose_name = "Moisinno"

    def ready(self) -> None:
        from . import checks  # noqa: F401, PLC0415 - app registry
