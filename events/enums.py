from django.db import models


class EventStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Soumis à validation"
    VALIDATED = "validated", "Validé"
    CHANGES_REQUESTED = "changes_requested", "Modifications demandées"
    PUBLISHED = "published", "Publié"
    REJECTED = "rejected", "Refusé"
    CANCELLED = "cancelled", "Annulé"


class ScheduleStatus(models.TextChoices):
    """How a published event takes place (`Event.schedule_status`, set by events/schedule.py,
    read in events/states.py); the workflow's « Annulé » completes the vocabulary of calendars,
    schema.org and OpenAgenda."""

    SCHEDULED = "scheduled", "Programmé"
    RESCHEDULED = "rescheduled", "Reprogrammé"
    MOVED_ONLINE = "moved_online", "Passé en ligne"
    POSTPONED = "postponed", "Reporté"
    FULL = "full", "Complet"


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
    # Registrations taken by Moisinno itself, per session (the `registrations` app).
    PLATFORM = "platform", "Inscription sur la plateforme"


class ImportSource(models.TextChoices):
    """Where an imported event came from (events/imports/)."""

    ICS = "ics", "Calendrier iCalendar (.ics)"
    OPENAGENDA = "openagenda", "OpenAgenda"


ACCESSIBILITY_FEATURES = {
    "accessible_wheelchair": "Accessible en fauteuil roulant",
    "accessible_sign_language": "Interprétation en langue des signes (LSF)",
    "accessible_captions": "Sous-titrage ou transcription",
    "accessible_easy_read": "Supports en FALC",
    "accessible_hearing_loop": "Boucle magnétique",
}


class LocationPrecision(models.TextChoices):
    """How a session's point on the map was found (events.sessions)."""

    ADDRESS = "address", "adresse"
    STREET = "street", "rue"
    MUNICIPALITY = "municipality", "commune"
    DEPARTMENT = "department", "département"
    MANUAL = "manual", "placé par l'organisateur"


#: Precisions shown as « emplacement approximatif ».
APPROXIMATE_PRECISIONS = frozenset({LocationPrecision.MUNICIPALITY, LocationPrecision.DEPARTMENT})
