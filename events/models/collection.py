"""Editorial « parcours »: events picked by hand, a saved programme selection, or both."""

from django.db import models
from django.http import QueryDict
from django.urls import reverse

from .edition import Edition
from .event import Event


class Collection(models.Model):
    """An editorial « parcours »: events picked by hand, a saved programme selection (the
    programme's GET parameters), or both; public at `/parcours/<slug>/`."""

    edition = models.ForeignKey(
        Edition, verbose_name="édition", on_delete=models.PROTECT, related_name="collections"
    )
    title = models.CharField("titre", max_length=150)
    slug = models.SlugField("identifiant d'URL", max_length=160, unique=True)
    intro = models.TextField("introduction", blank=True)
    events = models.ManyToManyField(
        Event,
        verbose_name="événements choisis",
        blank=True,
        related_name="collections",
        help_text="Seuls les événements publics de l'édition sont montrés.",
    )
    query = models.CharField(
        "sélection du programme",
        max_length=1000,
        blank=True,
        help_text=(
            "Les critères d'une recherche du programme : collez l'adresse de la page du "
            "programme filtrée (par exemple /programme/?theme=experience-usager&region=53). "
            "Le parcours montre les événements choisis et ceux de cette sélection."
        ),
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)
    is_published = models.BooleanField("en ligne", default=True)

    class Meta:
        verbose_name = "parcours"
        verbose_name_plural = "parcours"
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:collection", kwargs={"slug": self.slug})

    def clean(self) -> None:
        self.query = normalised_selection_query(self.query)


#: Parameters of a programme URL that do not select events (or select a collection).
NOT_SELECTING = {"page", "parcours", "tri"}


def normalised_selection_query(value: str) -> str:
    """The query string of a pasted programme URL (or query), without page, sort or
    collection parameters: `https://…/programme/?theme=a&page=2` → `theme=a`."""
    value = (value or "").strip()
    if "?" in value:
        value = value.split("?", 1)[1]
    data = QueryDict(value.split("#", 1)[0], mutable=True)
    for name in NOT_SELECTING:
        data.pop(name, None)
    for name in list(data):
        values = [v for v in data.getlist(name) if v]
        if values:
            data.setlist(name, values)
        else:
            data.pop(name)
    return data.urlencode()
