from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    """The public read side: programme, event, lab and organisation pages, feeds, sitemaps."""

    name = "programme"
    verbose_name = "Programme public"
