from django.db import models


class EventStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Soumis à validation"
    VALIDATED = "validated", "Validé"
    CHANGES_REQUESTED = "changes_requested", "Modifications demandées"
    PUBLISHED = "published", "Publié"
    REJECTED = "rejected", "Refusé"
    CANCELLED = "cancelled", "Annulé"


class Actor(models.TextChoices):
    """Who performs a transition: a member of the owning organisation, or DITP."""

    ORGANIZER = "organizer", "Organisateur"
    MODERATOR = "moderator", "Modérateur DITP"
    # The opening of the programme at the edition's publication moment (task worker or cron).
    SYSTEM = "system", "Ouverture du programme"


class AttendanceMode(models.TextChoices):
    IN_PERSON = "in_person", "En présentiel"
    ONLINE = "online", "En ligne"
    HYBRID = "hybrid", "Hybride (présentiel et en ligne)"


class Audience(models.TextChoices):
    ALL = "all", "Tous publics"
    PUBLIC_AGENTS = "public_agents", "Agents publics"
    MANAGERS = "managers", "Managers et encadrants"
    ELECTED = "elected", "Élus"
    CITIZENS = "citizens", "Citoyens et usagers"


class RegistrationMode(models.TextChoices):
    NONE = "none", "Sans inscription"
    LINK = "link", "Inscription en ligne (lien)"
    EMAIL = "email", "Inscription par courriel"


class ImportSource(models.TextChoices):
    """Where an imported event came from (events/imports.py)."""

    ICS = "ics", "Calendrier iCalendar (.ics)"
    OPENAGENDA = "openagenda", "OpenAgenda"


ACCESSIBILITY_FEATURES = {
    "accessible_wheelchair": "Accessible en fauteuil roulant",
    "accessible_sign_language": "Interprétation en langue des signes (LSF)",
    "accessible_captions": "Sous-titrage ou transcription",
    "accessible_easy_read": "Supports en FALC",
    "accessible_hearing_loop": "Boucle magnétique",
}
