"""QR codes (segno) of public URLs: a small PNG for the PDFs and the kit, drawn pixel for pixel.

A fixed mask: segno's choice of the best of the eight costs 36 ms a code (seven more
encodings), the programme of a region has 300 of them, and any mask reads. Codes are kept in
the cache by URL (an event's address never changes what its code says).
"""

import base64
import hashlib
import io

import segno
from django.core.cache import cache

#: Medium error correction: still read with a scratch or a fold on a poster.
ERROR = "m"
MASK = 2
BORDER = 4  # the quiet zone the standard asks for, in modules


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR, micro=False, mask=MASK)


def qr_png(url: str, *, scale: int = 1) -> bytes:
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="png", scale=scale, border=BORDER)
    return buffer.getvalue()


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def qr_data_uris(urls: list[str]) -> dict[str, str]:
    """`data:` URIs of one-pixel-per-module PNGs (the document scales them without
    smoothing), kept in the cache by URL: one round trip for a whole programme."""
    keys = {url: "qr:" + hashlib.sha256(url.encode()).hexdigest()[:32] for url in urls}
    found = cache.get_many(list(keys.values()))
    uris = {url: found[key] for url, key in keys.items() if key in found}
    missing = {keys[url]: _data_uri(qr_png(url)) for url in urls if url not in uris}
    if missing:
        cache.set_many(missing, timeout=30 * 24 * 3600)
        uris.update({url: missing[keys[url]] for url in urls if url not in uris})
    return uris


def qr_data_uri(url: str) -> str:
    return qr_data_uris([url])[url]
