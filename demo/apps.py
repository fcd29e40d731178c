from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Synthetic programmes for development and benchmarks (installed when DEBUG is on)."""

    name = "demo"
    verbose_name = "Données de démonstration"
