from django.apps import AppConfig


class OrganizerSpaceConfig(AppConfig):
    """The organiser space (/espace-organisateur/): organisations, memberships, events,
    imports and resources, as organisers see them. No models: it works on the domain apps."""

    name = "organizer_space"
    verbose_name = "Espace organisateur"
