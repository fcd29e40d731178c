from django.apps import AppConfig


class MoisinnoConfig(AppConfig):
    name = "moisinno"
    verbose_name = "Moisinno"
