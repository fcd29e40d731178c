"""An edition of the Mois de l'innovation publique: its dates, referencing window and
publication moment."""

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ..images import Picture, image_of


class Edition(models.Model):
    year = models.PositiveSmallIntegerField("année", unique=True)
    number = models.PositiveSmallIntegerField("numéro d'édition")
    name = models.CharField("nom", max_length=120, default="Mois de l'innovation publique")
    theme = models.CharField("thème", max_length=200)
    description = models.TextField(
        "présentation",
        blank=True,
        help_text="Quelques phrases sur l'édition, affichées en page d'accueil.",
    )
    start_date = models.DateField("premier jour")
    end_date = models.DateField("dernier jour")
    referencing_opens_on = models.DateField("ouverture du référencement", null=True, blank=True)
    referencing_closes_on = models.DateField("clôture du référencement")
    is_current = models.BooleanField("édition en cours", default=False)
    publication_at = models.DateTimeField(
        "ouverture du programme au public",
        null=True,
        blank=True,
        help_text=(
            "Date et heure (Paris) où le programme devient public. Avant ce moment, un "
            "événement approuvé est « Validé » : visible par son organisateur et la DITP "
            "seulement ; à ce moment, tous les événements validés sont publiés ensemble. "
            "Laisser vide pour publier chaque événement dès son approbation."
        ),
    )
    # The month's results (the `results` app): organisers declare attendance until the bilan is
    # closed; the public bilan is shown from its publication. Past editions without detail
    # may carry headline figures typed in by the DITP (2018: 300 events, 25,000 participants).
    bilan_closed_at = models.DateTimeField(
        "clôture des déclarations de participation",
        null=True,
        blank=True,
        help_text="Après ce moment, les organisateurs ne peuvent plus déclarer ni modifier.",
    )
    bilan_published_at = models.DateTimeField(
        "publication du bilan",
        null=True,
        blank=True,
        help_text=(
            "À partir de ce moment, le bilan de l'édition est public et la page de l'édition "
            "y mène (au plus tard une heure après, si le moment est à venir). Laisser vide "
            "tant qu'il ne doit pas l'être."
        ),
    )
    headline_events = models.PositiveIntegerField(
        "nombre d'événements annoncé", null=True, blank=True
    )
    headline_participants = models.PositiveIntegerField(
        "nombre de participants annoncé", null=True, blank=True
    )
    headline_source = models.CharField("source des chiffres annoncés", max_length=300, blank=True)
    bilan_note = models.TextField(
        "note sur le bilan",
        blank=True,
        help_text=(
            "Affichée en tête du bilan, public et de la DITP : d'où viennent les chiffres, à "
            "quelle date ils ont été arrêtés, leurs limites."
        ),
    )
    # The image of events without one of their own (events/images.py): decorative there.
    default_image = models.CharField("image par défaut", max_length=64, blank=True, editable=False)
    default_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    default_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    default_image_credit = models.CharField(
        "crédit de l'image par défaut", max_length=200, blank=True
    )

    class Meta:
        verbose_name = "édition"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="edition_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(referencing_opens_on__isnull=True)
                | Q(referencing_opens_on__lte=models.F("referencing_closes_on")),
                name="edition_referencing_window_ordered",
            ),
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="edition_single_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("events:edition", kwargs={"year": self.year})

    def awaits_opening(self, now: "datetime.datetime | None" = None) -> bool:
        """Before the publication moment: approved events wait, « Validé », not public."""
        if self.publication_at is None:
            return False
        return (now or timezone.now()) < self.publication_at

    def bilan_is_public(self, now: "datetime.datetime | None" = None) -> bool:
        """The DITP has published the edition's bilan (`/editions/<year>/bilan/`)."""
        return self.bilan_published_at is not None and self.bilan_published_at <= (
            now or timezone.now()
        )

    @property
    def default_picture(self) -> Picture | None:
        image = image_of(self.default_image, self.default_image_width, self.default_image_height)
        return Picture(image=image, alt="", credit=self.default_image_credit) if image else None

    @property
    def ordinal(self) -> str:
        return "1re" if self.number == 1 else f"{self.number}e"
