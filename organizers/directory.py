"""The « API Recherche d'entreprises » (recherche-entreprises.api.gouv.fr): what the Sirene
register says of a SIRET, to prefill an organisation. Optional: any failure (off, timeout,
unknown SIRET, unreadable answer) returns None and the organiser fills the form in."""

import logging
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.cache import cache

from moisinno.geography import DEPARTMENTS

from .siret import kind_for_category

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Establishment:
    siret: str
    name: str
    address: str
    department: str  # an INSEE code of moisinno.geography, or ""
    legal_category: str  # "7120", or ""
    kind: str  # an OrganizationKind suggested by the legal category, or ""


def _department(etablissement: dict) -> str:
    code = str(etablissement.get("departement") or "")
    if code in DEPARTMENTS:
        return code
    postcode = str(etablissement.get("code_postal") or "")
    for guess in (postcode[:3], postcode[:2]):  # 97x overseas, else two digits (not Corsica)
        if guess in DEPARTMENTS:
            return guess
    return ""


CACHE_SECONDS = 3600


def establishment_lookup(siret: str) -> Establishment | None:
    """The register's establishment `siret` (kept an hour: the form's page and its post)."""
    if not settings.RECHERCHE_ENTREPRISES_URL:
        return None
    key = f"recherche-entreprises:{siret}"
    found = cache.get(key)
    if found is None:
        found = _lookup(siret)
        if found is not None:
            cache.set(key, found, CACHE_SECONDS)
    return found


def _lookup(siret: str) -> Establishment | None:
    try:
        response = requests.get(
            f"{settings.RECHERCHE_ENTREPRISES_URL}/search",
            params={"q": siret, "page": "1", "per_page": "1"},
            headers={"Accept": "application/json"},
            timeout=settings.RECHERCHE_ENTREPRISES_TIMEOUT,
        )
        response.raise_for_status()
        results = response.json().get("results") or []
    except (requests.RequestException, ValueError, AttributeError) as error:
        logger.warning("Recherche d'entreprises unavailable for a SIRET: %s", error)
        return None
    for unit in results:
        if not isinstance(unit, dict):
            continue
        etablissements = [unit.get("siege") or {}, *(unit.get("matching_etablissements") or [])]
        match = next(
            (e for e in etablissements if isinstance(e, dict) and e.get("siret") == siret), None
        )
        if match is None:
            continue
        category = str(unit.get("nature_juridique") or "")[:4]
        return Establishment(
            siret=siret,
            name=" ".join(
                str(unit.get("nom_complet") or unit.get("nom_raison_sociale") or "").split()
            )[:200],
            address=str(match.get("adresse") or ""),
            department=_department(match),
            legal_category=category if category.isdigit() else "",
            kind=kind_for_category(category),
        )
    return None
