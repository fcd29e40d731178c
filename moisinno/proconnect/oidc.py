"""The OpenID Connect exchanges with ProConnect: discovery, keys, token, signed JWTs.

Every endpoint comes from discovery (`PROCONNECT_SERVER_URL` + `/.well-known/openid-configuration`),
kept an hour in the cache. Every JWT (the id_token, and the userinfo answer, which ProConnect
sends as `application/jwt`) is verified against the provider's `jwks`, whatever channel it came
through: a `kid` we do not know makes us read the keys again once (ProConnect rotated them),
then refuses. Each failure raises `ProConnectError` with the French message shown to the person.
"""

import hmac
import logging
from dataclasses import dataclass, field
from urllib.parse import urlencode

import jwt
import requests
from allauth.socialaccount.providers.base import ProviderException
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

#: What Moisinno asks for (ProConnect's documentation, « Données fournies »).
SCOPES = ("openid", "given_name", "usual_name", "email", "uid", "siret", "idp_id", "idp_acr")
#: `acr` and `amr` are asked through the `claims` parameter; `amr` says whether two factors were
#: used (« mfa »). JSON without spaces, as ProConnect's examples.
CLAIMS = '{"id_token":{"amr":{"essential":true},"acr":{"essential":true}}}'
#: The signature algorithms ProConnect offers with keys (never "none", never a shared secret).
ALGORITHMS = ("RS256", "ES256")
CACHE_SECONDS = 3600
#: Clock difference tolerated on `exp` / `iat` (seconds).
LEEWAY = 60

UNAVAILABLE = (
    "ProConnect ne répond pas pour le moment : vous n’êtes pas connecté. Réessayez dans "
    "quelques minutes, ou connectez-vous avec votre adresse électronique et votre mot de passe."
)
NOT_VERIFIED = (
    "La réponse de ProConnect n’a pas pu être vérifiée : vous n’êtes pas connecté. "
    "Recommencez la connexion avec ProConnect."
)
EXPIRED = (
    "Cette connexion avec ProConnect a expiré ou a déjà servi : vous n’êtes pas connecté. "
    "Recommencez la connexion avec ProConnect."
)
DENIED = (
    "La connexion avec ProConnect a été annulée : vous n’êtes pas connecté. Vous pouvez la "
    "recommencer, ou vous connecter avec votre adresse électronique et votre mot de passe."
)
REFUSED = (
    "ProConnect a refusé la demande de connexion : vous n’êtes pas connecté. Recommencez la "
    "connexion avec ProConnect ; si cela se reproduit, écrivez à l’équipe DITP."
)
NO_EMAIL = (
    "ProConnect n’a pas transmis d’adresse électronique : vous n’êtes pas connecté. "
    "Connectez-vous avec votre adresse électronique et votre mot de passe."
)


class ProConnectError(ProviderException):
    """A failed step of the sign-in. `message` is for the person, `detail` for the logs."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(detail or message)
        self.message = message
        self.detail = detail


def discovery_url() -> str:
    base = settings.PROCONNECT_SERVER_URL.rstrip("/")
    return base if "/.well-known/" in base else f"{base}/.well-known/openid-configuration"


def _request(method: str, url: str, **kwargs) -> requests.Response:
    try:
        response = requests.request(method, url, timeout=settings.PROCONNECT_TIMEOUT, **kwargs)
    except requests.RequestException as error:
        raise ProConnectError(UNAVAILABLE, f"{method} {url}: {error}") from error
    if response.status_code >= 500:
        raise ProConnectError(UNAVAILABLE, f"{method} {url}: HTTP {response.status_code}")
    return response


def _json(response: requests.Response, what: str) -> dict:
    try:
        data = response.json()
    except ValueError as error:
        raise ProConnectError(UNAVAILABLE, f"{what}: not JSON") from error
    if not isinstance(data, dict):
        raise ProConnectError(UNAVAILABLE, f"{what}: not a JSON object")
    return data


def configuration() -> dict:
    """ProConnect's discovery document (cached an hour)."""
    url = discovery_url()
    key = f"proconnect:configuration:{url}"
    config = cache.get(key)
    if config is None:
        response = _request("GET", url)
        if response.status_code != 200:
            raise ProConnectError(UNAVAILABLE, f"discovery: HTTP {response.status_code}")
        config = _json(response, "discovery")
        required = ("issuer", "authorization_endpoint", "token_endpoint", "userinfo_endpoint")
        missing = [name for name in (*required, "jwks_uri") if not config.get(name)]
        if missing:
            raise ProConnectError(UNAVAILABLE, f"discovery: missing {', '.join(missing)}")
        cache.set(key, config, CACHE_SECONDS)
    return config


def _keys(config: dict, *, refresh: bool) -> list[dict]:
    key = f"proconnect:jwks:{config['jwks_uri']}"
    keys = None if refresh else cache.get(key)
    if keys is None:
        response = _request("GET", config["jwks_uri"])
        if response.status_code != 200:
            raise ProConnectError(UNAVAILABLE, f"jwks: HTTP {response.status_code}")
        keys = _json(response, "jwks").get("keys")
        if not isinstance(keys, list):
            raise ProConnectError(UNAVAILABLE, "jwks: no keys")
        cache.set(key, keys, CACHE_SECONDS)
    return keys


def _signing_key(config: dict, token: str) -> tuple[object, str]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise ProConnectError(NOT_VERIFIED, f"not a JWT: {error}") from error
    algorithm, kid = header.get("alg"), header.get("kid")
    if algorithm not in ALGORITHMS:
        raise ProConnectError(NOT_VERIFIED, f"algorithm {algorithm!r} refused")
    for refresh in (False, True):  # an unknown kid: the keys were rotated, read them again once
        candidates = [
            jwk
            for jwk in _keys(config, refresh=refresh)
            if isinstance(jwk, dict)
            and jwk.get("use", "sig") == "sig"
            and (kid is None or jwk.get("kid") == kid)
            and jwk.get("alg", algorithm) == algorithm
        ]
        if candidates:
            break
    else:
        raise ProConnectError(NOT_VERIFIED, f"unknown kid {kid!r}")
    try:
        return jwt.PyJWK(candidates[0], algorithm=algorithm).key, algorithm
    except jwt.PyJWTError as error:
        raise ProConnectError(NOT_VERIFIED, f"unusable key {kid!r}: {error}") from error


def decode(token: str, *, config: dict, required: tuple[str, ...]) -> dict:
    """The claims of a JWT signed by ProConnect for us (issuer, audience, dates checked)."""
    key, algorithm = _signing_key(config, token)
    try:
        return jwt.decode(
            token,
            key=key,
            algorithms=[algorithm],
            audience=settings.PROCONNECT_CLIENT_ID,
            issuer=config["issuer"],
            leeway=LEEWAY,
            options={"require": list(required)},
        )
    except jwt.PyJWTError as error:
        raise ProConnectError(NOT_VERIFIED, f"JWT refused: {error}") from error


@dataclass
class Identity:
    """What one sign-in with ProConnect returned, once verified."""

    id_token: str
    claims: dict = field(default_factory=dict)  # the userinfo's claims
    acr: str = ""
    amr: list[str] = field(default_factory=list)

    @property
    def used_mfa(self) -> bool:
        return "mfa" in self.amr


def exchange_code(*, code: str, redirect_uri: str) -> dict:
    """The token endpoint's answer for `code` (client_secret_post, as ProConnect documents)."""
    config = configuration()
    response = _request(
        "POST",
        config["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": settings.PROCONNECT_CLIENT_ID,
            "client_secret": settings.PROCONNECT_CLIENT_SECRET,
        },
        headers={"Accept": "application/json"},
    )
    if response.status_code == 400 and _error_code(response) == "invalid_grant":
        raise ProConnectError(EXPIRED, "token: invalid_grant")
    if response.status_code != 200:
        raise ProConnectError(
            REFUSED, f"token: HTTP {response.status_code} {_error_code(response)}"
        )
    data = _json(response, "token")
    if not data.get("access_token") or not data.get("id_token"):
        raise ProConnectError(REFUSED, "token: no access_token or id_token")
    return data


def _error_code(response: requests.Response) -> str:
    try:
        return str(response.json().get("error", ""))
    except (ValueError, AttributeError):
        return ""


def identity(*, tokens: dict, expected_nonce: str) -> Identity:
    """Verify the id_token (signature, issuer, audience, dates, nonce), then read the userinfo
    (a JWT, verified the same way, about the same `sub`)."""
    config = configuration()
    id_token = tokens["id_token"]
    id_claims = decode(id_token, config=config, required=("iss", "aud", "exp", "iat", "sub"))
    nonce = id_claims.get("nonce")
    if (
        not expected_nonce
        or not isinstance(nonce, str)
        or not hmac.compare_digest(nonce.encode(), expected_nonce.encode())
    ):
        raise ProConnectError(NOT_VERIFIED, "id_token: nonce does not match")

    response = _request(
        "GET",
        config["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {tokens['access_token']}", "Accept": "application/jwt"},
    )
    if response.status_code == 401:
        raise ProConnectError(EXPIRED, "userinfo: HTTP 401")
    if response.status_code != 200:
        raise ProConnectError(REFUSED, f"userinfo: HTTP {response.status_code}")
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type != "application/jwt":
        raise ProConnectError(NOT_VERIFIED, f"userinfo: {content_type or 'no type'}, not a JWT")
    claims = decode(response.text.strip(), config=config, required=("iss", "aud", "sub"))
    if claims["sub"] != id_claims["sub"]:
        raise ProConnectError(NOT_VERIFIED, "userinfo: another sub than the id_token's")
    amr = id_claims.get("amr") or []
    return Identity(
        id_token=id_token,
        claims=claims,
        acr=str(id_claims.get("acr") or ""),
        amr=[str(method) for method in amr] if isinstance(amr, list) else [],
    )


def end_session_url(*, id_token: str, state: str, post_logout_redirect_uri: str) -> str | None:
    """Where to send the browser to log out of ProConnect too (None when it cannot be known)."""
    try:
        endpoint = configuration().get("end_session_endpoint")
    except ProConnectError as error:
        logger.warning("ProConnect logout skipped: %s", error.detail)
        return None
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "state": state,
            "post_logout_redirect_uri": post_logout_redirect_uri,
        }
    )
    return f"{endpoint}?{query}"
