from django.db import models
from django.urls import reverse

from moisinno.geography import REGION_CHOICES, region_name

from .enums import LabKind


class Lab(models.Model):
    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant d'URL", max_length=220, unique=True)
    kind = models.CharField("type de laboratoire", max_length=32, choices=LabKind.choices)
    region = models.CharField("région", max_length=3, choices=REGION_CHOICES, blank=True)
    ministry = models.CharField("ministère", max_length=200, blank=True)
    host_organization = models.ForeignKey(
        "organizers.Organization",
        verbose_name="organisation d'accueil",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="labs",
    )
    description = models.TextField("présentation", blank=True)
    methods = models.CharField(
        "méthodes",
        max_length=500,
        blank=True,
        help_text="Méthodes mises en œuvre, séparées par des virgules.",
    )
    website = models.URLField("site internet", blank=True)
    contact_email = models.EmailField("adresse de contact", blank=True)
    address = models.CharField("adresse", max_length=300, blank=True)
    latitude = models.DecimalField(
        "latitude", max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        "longitude", max_digits=9, decimal_places=6, null=True, blank=True
    )
    founded_year = models.PositiveSmallIntegerField("année de création", null=True, blank=True)
    atlas_years = models.JSONField(
        "éditions de l'Atlas",
        default=list,
        blank=True,
        help_text="Années des Atlas des laboratoires qui citent ce laboratoire.",
    )
    is_generated = models.BooleanField("généré (démo)", default=False, editable=False)

    class Meta:
        verbose_name = "laboratoire"
        ordering = ["name"]
        indexes = [models.Index(fields=["kind"]), models.Index(fields=["region"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__range=(-90, 90)),
                name="lab_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | models.Q(longitude__range=(-180, 180)),
                name="lab_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("labs:detail", kwargs={"slug": self.slug})

    @property
    def region_name(self) -> str:
        return region_name(self.region)

    @property
    def method_list(self) -> list[str]:
        return [m.strip() for m in self.methods.split(",") if m.strip()]
