"""What remains after an event: its resources (replay, slides, report…)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.text import slugify

from .event import Event


def resource_upload_to(resource: "EventResource", filename: str) -> str:
    """`ressources/<event slug>/<token>/<title>.pdf`: the address names the file as people
    download it, never with the uploader's own file name. The random folder gives every upload
    an address of its own: files are served as immutable for a year (moisinno/storage.py), so
    a new file never takes the address of a removed one that browsers may still keep."""
    name = slugify(resource.title)[:80].strip("-") or "document"
    return f"ressources/{resource.event.slug[:100]}/{secrets.token_hex(6)}/{name}.pdf"


class EventResource(models.Model):
    """What remains after an event (replay, slides, report…): a link or a small PDF file, added
    by its organisers once its last session is over, shown first on its public page."""

    class Kind(models.TextChoices):
        REPLAY = "replay", "Replay"
        SLIDES = "slides", "Supports de présentation"
        REPORT = "report", "Compte rendu"
        OTHER = "other", "Autre ressource"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField("nature", max_length=16, choices=Kind.choices, default=Kind.REPLAY)
    title = models.CharField("titre", max_length=150)
    url = models.URLField("lien", max_length=500, blank=True)
    file = models.FileField("fichier PDF", upload_to=resource_upload_to, max_length=255, blank=True)
    # Kept at upload: the page shows it without asking the storage (a request each on S3).
    size = models.PositiveIntegerField("taille (octets)", null=True, blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    created_at = models.DateTimeField("ajoutée le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ajoutée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "ressource"
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
                name="resource_link_or_file",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["replay", "slides", "report", "other"]),
                name="resource_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_file(self) -> bool:
        return bool(self.file)

    @property
    def href(self) -> str:
        return self.file.url if self.file else self.url

    @property
    def download_name(self) -> str:
        return f"{slugify(self.title)[:80].strip('-') or 'document'}.pdf"

    @property
    def size_label(self) -> str:
        """ "PDF – 1,2 Mo", "PDF – 350 ko" (French decimal comma, non-breaking spaces)."""
        if not self.file:
            return ""
        size = self.size or 0
        if size >= 1024 * 1024:
            amount = f"{size / (1024 * 1024):.1f}".replace(".", ",").replace(",0", "")
            unit = "Mo"
        else:
            amount, unit = str(max(1, round(size / 1024))), "ko"
        return f"PDF\u00a0– {amount}\u00a0{unit}"
