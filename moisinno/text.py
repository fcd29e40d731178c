"""Small text helpers shared by the apps: accent folding and unique slugs."""

import unicodedata

from django.db import models
from django.utils.text import slugify

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def fold(text: str) -> str:
    """Lowercase, without accents or ligatures, with single spaces: "Cœur  Créatif" → "coeur
    creatif". The one accent folding of the project: search, sorting, duplicate detection."""
    text = text or ""
    if text.isascii():  # most of the generated programme: nothing to decompose
        return " ".join(text.lower().split())
    text = text.translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def unique_slug(
    model: type[models.Model], text: str, *, max_length: int = 200, exclude_pk=None
) -> str:
    """A slug for `text` that no other row of `model` uses yet ("atelier", "atelier-2", …)."""
    base = slugify(text)[:max_length].strip("-") or "sans-titre"
    taken = model._default_manager.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    existing = set(taken.values_list("slug", flat=True))
    if base not in existing:
        return base
    n = 2
    while f"{base}-{n}" in existing:
        n += 1
    return f"{base}-{n}"
