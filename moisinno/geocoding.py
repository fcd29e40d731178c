"""A client of the national address service (Géoplateforme geocoding, the successor of
api-adresse.data.gouv.fr): a French address in, a point and how precise it is out.

The service answers `GET <GEOCODER_URL>?q=…&limit=1[&type=…][&postcode=…]` with a GeoJSON
FeatureCollection; each feature has `geometry.coordinates` [longitude, latitude] and
`properties` (`score` between 0 and 1, `label`, `type`: housenumber, street, locality or
municipality, `citycode`, `postcode`).

Only the task worker calls it (events.tasks), never a web request: the service may be slow or
down. A timeout or a 5xx answer is retried with a growing delay; a 4xx answer, an answer that is
not the expected GeoJSON, no feature or a feature below GEOCODER_MIN_SCORE give None, and the
caller falls back on a less precise point.
"""

import logging
import time
from dataclasses import dataclass
from decimal import Decimal

import requests
from django.conf import settings

logger = logging.getLogger("moisinno.geocoding")

USER_AGENT = "Moisinno (catalogue du Mois de l'innovation publique, DITP)"
RETRIED_STATUSES = {429, 500, 502, 503, 504}


class GeocodingUnavailable(Exception):
    """The service did not answer usefully after every attempt (timeout, error, garbage)."""


@dataclass(frozen=True)
class GeocodedPoint:
    latitude: Decimal
    longitude: Decimal
    score: float
    kind: str  # the service's `type`: housenumber, street, locality or municipality
    label: str
    citycode: str = ""
    postcode: str = ""


def _coordinate(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"not a coordinate: {value!r}")
    return Decimal(str(value)).quantize(Decimal("0.000001"))


def parse_answer(payload: object) -> GeocodedPoint | None:
    """The best feature of an answer, None when there is none; ValueError when the answer is
    not the service's GeoJSON."""
    if not isinstance(payload, dict) or not isinstance(payload.get("features"), list):
        raise ValueError("not a FeatureCollection")
    if not payload["features"]:
        return None
    feature = payload["features"][0]
    try:
        longitude, latitude = feature["geometry"]["coordinates"][:2]
        properties = feature["properties"]
        point = GeocodedPoint(
            latitude=_coordinate(latitude),
            longitude=_coordinate(longitude),
            score=float(properties.get("score") or 0),
            kind=str(properties.get("type") or ""),
            label=str(properties.get("label") or ""),
            citycode=str(properties.get("citycode") or ""),
            postcode=str(properties.get("postcode") or ""),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ValueError(f"unexpected feature: {error}") from error
    if not (-90 <= point.latitude <= 90 and -180 <= point.longitude <= 180):
        raise ValueError("coordinates out of range")
    return point


def geocode(
    query: str, *, kind: str = "", postcode: str = "", min_score: float | None = None
) -> GeocodedPoint | None:
    """The service's best match for `query` (restricted to a `kind` of result and a postal code
    when given), or None when it has no match scored at least `min_score`
    (GEOCODER_MIN_SCORE by default). Raises GeocodingUnavailable when the service cannot
    answer (after GEOCODER_ATTEMPTS attempts for timeouts and server errors)."""
    query = " ".join(query.split())[:200]
    if len(query) < 3:  # the service refuses shorter queries
        return None
    params = {"q": query, "limit": "1"}
    if kind:
        params["type"] = kind
    if postcode:
        params["postcode"] = postcode
    threshold = settings.GEOCODER_MIN_SCORE if min_score is None else min_score
    attempts = max(1, settings.GEOCODER_ATTEMPTS)
    last_error = ""
    for attempt in range(1, attempts + 1):
        try:
            response = requests.get(
                settings.GEOCODER_URL,
                params=params,
                timeout=settings.GEOCODER_TIMEOUT,
                headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            )
        except requests.RequestException as error:
            last_error = f"{type(error).__name__}: {error}"
        else:
            if response.status_code in RETRIED_STATUSES:
                last_error = f"HTTP {response.status_code}"
            elif response.status_code != 200:
                raise GeocodingUnavailable(f"HTTP {response.status_code}")
            else:
                try:
                    point = parse_answer(response.json())
                except ValueError as error:  # includes JSONDecodeError
                    raise GeocodingUnavailable(f"unreadable answer: {error}") from error
                if point is None or point.score < threshold:
                    return None
                return point
        logger.warning(
            "Geocoder attempt %s/%s failed: %s",
            attempt,
            attempts,
            last_error,
            extra={"attempt": attempt, "error": last_error},
        )
        if attempt < attempts:
            time.sleep(settings.GEOCODER_BACKOFF * 2 ** (attempt - 1))
    raise GeocodingUnavailable(last_error)
