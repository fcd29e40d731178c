from django.conf import settings
from django.db import models
from django.urls import reverse

from moisinno.geography import DEPARTMENT_CHOICES, REGION_CHOICES, region_name

from .enums import MembershipRole, MembershipStatus, OrganizationKind
from .siret import validate_siret


class Organization(models.Model):
    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant d'URL", max_length=220, unique=True)
    kind = models.CharField("type d'organisation", max_length=32, choices=OrganizationKind.choices)
    region = models.CharField("région", max_length=3, choices=REGION_CHOICES, blank=True)
    department = models.CharField(
        "département", max_length=3, choices=DEPARTMENT_CHOICES, blank=True
    )
    website = models.URLField("site internet", blank=True)
    description = models.TextField("présentation", blank=True)
    siret = models.CharField(
        "SIRET",
        max_length=14,
        blank=True,
        # A database default too: rows written by code that predates the column (an older
        # migration's state, as the migration tests replay) get '' rather than NULL.
        db_default="",
        validators=[validate_siret],
        help_text="14 chiffres. ProConnect rattache les agents à l’organisation de leur SIRET.",
    )
    legal_category = models.CharField(
        "catégorie juridique",
        max_length=4,
        blank=True,
        db_default="",
        help_text="Code du répertoire Sirene (7xxx : personne morale de droit public).",
    )
    verified = models.BooleanField(
        "vérifiée", default=False, help_text="L'équipe DITP a vérifié cette organisation."
    )
    is_generated = models.BooleanField("générée (démo)", default=False, editable=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organizations"
    )

    class Meta:
        verbose_name = "organisation"
        ordering = ["name"]
        indexes = [models.Index(fields=["kind"]), models.Index(fields=["region"])]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=~models.Q(siret=""),
                name="organization_unique_siret",
                violation_error_message="Une organisation porte déjà ce numéro SIRET.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:organization", kwargs={"slug": self.slug})

    @property
    def region_name(self) -> str:
        return region_name(self.region)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        "rôle", max_length=16, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    status = models.CharField(
        "statut", max_length=16, choices=MembershipStatus.choices, default=MembershipStatus.PENDING
    )
    created_at = models.DateTimeField("demandée le", auto_now_add=True)
    approved_at = models.DateTimeField("validée le", null=True, blank=True)

    class Meta:
        verbose_name = "adhésion"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="membership_unique_user_organization"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organization}"
