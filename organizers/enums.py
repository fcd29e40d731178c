from django.db import models


class OrganizationKind(models.TextChoices):
    STATE_CENTRAL = "state_central", "État — administration centrale"
    STATE_DECONCENTRATED = "state_deconcentrated", "État — services déconcentrés"
    LOCAL_AUTHORITY = "local_authority", "Collectivité territoriale"
    PUBLIC_OPERATOR = "public_operator", "Opérateur ou établissement public"
    HEALTH_SOCIAL = "health_social", "Établissement sanitaire ou social"
    ASSOCIATION = "association", "Association ou acteur de l'ESS"


class MembershipRole(models.TextChoices):
    ADMIN = "admin", "Administrateur"
    MEMBER = "member", "Membre"


class MembershipStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    ACTIVE = "active", "Active"
