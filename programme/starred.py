"""« Mon programme »: the events a visitor starred, kept in a signed cookie on their side.

Nothing is stored on the server. The cookie holds the event ids (base 36, dot-separated),
signed with `django.core.signing` so that a visitor cannot forge one that breaks the page: a
tampered, expired or malformed cookie reads as an empty programme. A share link carries the
same ids in a signed token of its own (another salt), so a shared link never sets or reads
anyone's cookie.
"""

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

COOKIE_NAME = "mon_programme"
COOKIE_SALT = "moisinno.mon-programme.cookie"
SHARE_SALT = "moisinno.mon-programme.partage"
COOKIE_MAX_AGE = 60 * 60 * 24 * 400  # the longest browsers keep a cookie (400 days)
MAX_STARRED = 300  # 300 ids in base 36 stay far below the 4 KB of a cookie
_REQUEST_CACHE = "_moisinno_starred_ids"


def _encode(ids: list[int]) -> str:
    return ".".join(_base36(pk) for pk in ids)


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def _decode(value: str) -> list[int]:
    """The ids of an encoded list; anything malformed gives an empty list."""
    ids: list[int] = []
    if not value:
        return ids
    for part in value.split(".")[:MAX_STARRED]:
        try:
            pk = int(part, 36)
        except ValueError:
            return []
        if pk > 0 and pk not in ids:
            ids.append(pk)
    return ids


def starred_ids(request: HttpRequest) -> list[int]:
    """The ids the visitor starred, most recent last (read once per request)."""
    cached = getattr(request, _REQUEST_CACHE, None)
    if cached is None:
        value = request.get_signed_cookie(COOKIE_NAME, default="", salt=COOKIE_SALT)
        cached = _decode(value)
        setattr(request, _REQUEST_CACHE, cached)
    return cached


def store_starred(request: HttpRequest, response: HttpResponse, ids: list[int]) -> None:
    """Write `ids` in the visitor's cookie (and for the rest of this request)."""
    ids = list(dict.fromkeys(ids))[-MAX_STARRED:]
    setattr(request, _REQUEST_CACHE, ids)
    if not ids:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")
        return
    response.set_signed_cookie(
        COOKIE_NAME,
        _encode(ids),
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def share_token(ids: list[int]) -> str:
    """A signed token carrying `ids`, for a share link (`/mon-programme/partage/<token>/`)."""
    return signing.Signer(salt=SHARE_SALT).sign(_encode(ids[:MAX_STARRED]))


def shared_ids(token: str) -> list[int] | None:
    """The ids of a share token, or None when it was altered or is not a token."""
    try:
        value = signing.Signer(salt=SHARE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    ids = _decode(value)
    return ids if ids or not value else None
