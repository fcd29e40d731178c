from django.apps import AppConfig


class ProConnectConfig(AppConfig):
    """An app only so that allauth's provider registry finds `moisinno.proconnect.provider`."""

    name = "moisinno.proconnect"
    label = "proconnect"
    verbose_name = "ProConnect"
