"""A source's values as we store them: plain text without HTML, checked web URLs and e-mail
addresses, opaque identifiers that fit, departments from a postal code or a name.
"""

import hashlib
import html
import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.html import strip_tags

from moisinno.geography import DEPARTMENTS
from moisinno.text import fold

from ..models import Event

_URL_MAX = Event._meta.get_field("online_url").max_length
_UID_MAX = Event._meta.get_field("import_uid").max_length

_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_BREAK = re.compile(r"<\s*(br|/p|/div|/ul|/ol|/h[1-6]|/tr)\b[^>]*>", re.IGNORECASE)
_ITEM = re.compile(r"<\s*li\b[^>]*>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
_BLANK_LINES = re.compile(r"\n{3,}")


def _strip_html(text: str) -> str:
    if "<" not in text:
        return text
    text = _SCRIPT.sub("", text)
    text = _ITEM.sub("\n- ", _BREAK.sub("\n", text))
    return strip_tags(text)


def plain_text(value, *, one_line: bool = False, max_length: int | None = None) -> str:
    """Text from a source as we store it: no HTML (scripts and styles dropped with their
    content), entities decoded, no control characters, cut at `max_length` on a word."""
    text = _strip_html(html.unescape(_strip_html(str(value or ""))))
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if one_line:
        text = " ".join(text.split())
    else:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
        text = _BLANK_LINES.sub("\n\n", text).strip()
    if max_length and len(text) > max_length:
        cut = text[: max_length - 1]
        if " " in cut[max_length // 2 :]:
            cut = cut.rsplit(" ", 1)[0]
        text = cut.rstrip(" ,;:.") + "…"
    return text


def web_url(value) -> str:
    """An http(s) URL that fits our URL fields, or ""."""
    url = plain_text(value, one_line=True)
    if not url or len(url) > _URL_MAX:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return ""
    return url


def email_address(value) -> str:
    address = plain_text(value, one_line=True).removeprefix("mailto:")
    if len(address) > 254:
        return ""
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address


def source_uid(value: str) -> str:
    """A source's identifier for its event as we keep it (`Event.import_uid`)."""
    uid = plain_text(value, one_line=True)
    if len(uid) > _UID_MAX:  # identifiers are opaque: a long one is kept as its digest
        uid = "sha256:" + hashlib.sha256(uid.encode()).hexdigest()
    return uid


def department_of_postal_code(postal_code: str) -> str:
    """ "35000" → "35", "20090" → "2A", "97400" → "974"; "" when it is not a French code."""
    if not re.fullmatch(r"\d{5}", postal_code or ""):
        return ""
    if postal_code.startswith("97"):
        code = postal_code[:3]
    elif postal_code.startswith("20"):
        code = "2A" if int(postal_code) < 20200 else "2B"
    else:
        code = postal_code[:2]
    return code if code in DEPARTMENTS else ""


def department_named(name: str) -> str:
    """ "Ille-et-Vilaine" → "35", accents and case aside; "" when no department has that name."""
    folded = fold(name)
    return next((d.code for d in DEPARTMENTS.values() if fold(d.name) == folded), "")
