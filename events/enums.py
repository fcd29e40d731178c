from django.db import models


class EventStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Soumis à validation"
    CHANGES_REQUESTED = "changes_requested", "Modifications demandées"
    PUBLISHED = "published", "Publié"
    REJECTED = "rejected", "Refusé"
    CANCELLED = "cancelled", "Annulé"


class Actor(models.TextChoices):
    """Who performs a transition: a member of the owning organisation, or DITP."""

    ORGANIZER = "organizer", "Organisateur"
    MODERATOR = "moderator", "Modérateur DITP"


S = EventStatus

# (from, to) → the actors allowed to make it. Everything absent is refused.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.DRAFT, S.SUBMITTED): frozenset({Actor.ORGANIZER}),
    (S.SUBMITTED, S.DRAFT): frozenset({Actor.ORGANIZER}),  # withdrawn by the organiser
    (S.SUBMITTED, S.PUBLISHED): frozenset({Actor.MODERATOR}),
    (S.SUBMITTED, S.CHANGES_REQUESTED): frozenset({Actor.MODERATOR}),
    (S.SUBMITTED, S.REJECTED): frozenset({Actor.MODERATOR}),
    (S.CHANGES_REQUESTED, S.SUBMITTED): frozenset({Actor.ORGANIZER}),
    (S.PUBLISHED, S.CANCELLED): frozenset({Actor.ORGANIZER, Actor.MODERATOR}),
    # "Unpublish": DITP takes a published event off the site and asks for changes.
    (S.PUBLISHED, S.CHANGES_REQUESTED): frozenset({Actor.MODERATOR}),
}

# Transitions that must carry a message (the organiser must know why).
MESSAGE_REQUIRED: frozenset[tuple[str, str]] = frozenset(
    {
        (S.SUBMITTED, S.CHANGES_REQUESTED),
        (S.SUBMITTED, S.REJECTED),
        (S.PUBLISHED, S.CANCELLED),
        (S.PUBLISHED, S.CHANGES_REQUESTED),
    }
)

# Statuses an organiser may still edit freely (published edits are re-reviewed).
EDITABLE_STATUSES = frozenset({S.DRAFT, S.CHANGES_REQUESTED, S.PUBLISHED})
# Statuses visible to the public.
PUBLIC_STATUSES = frozenset({S.PUBLISHED, S.CANCELLED})


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


ACCESSIBILITY_FEATURES = {
    "accessible_wheelchair": "Accessible en fauteuil roulant",
    "accessible_sign_language": "Interprétation en langue des signes (LSF)",
    "accessible_captions": "Sous-titrage ou transcription",
    "accessible_easy_read": "Supports en FALC",
    "accessible_hearing_loop": "Boucle magnétique",
}
