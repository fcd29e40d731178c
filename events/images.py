"""Event images: checked by content, resized once into WebP renditions, kept in the storage.

An upload is read with Pillow, never trusted by its name: JPEG, PNG or WebP only, 5 MB at most,
800 pixels wide at least (as displayed, after the EXIF orientation), and at most
`MAX_PIXELS` pixels, checked from the header before anything is decoded (decompression bombs).
`image_store` then writes one WebP per width of `WIDTHS` (no EXIF kept) through Django's
storage API (`default_storage`: the file system in development, S3 in production), named
after the original's SHA-256 so that a file never changes under its name (cacheable forever).

An image is three values, kept on the event (or the edition's default): its key (the hash)
and the displayed width and height of the original; `StoredImage` derives the renditions'
names, URLs and `srcset` from them, without a query nor a storage call.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MIN_WIDTH = 800
#: Beyond this, an image is refused before being decoded (8,000 × 5,000: a large photo).
MAX_PIXELS = 40_000_000
#: The renditions' widths: cards (400), the event page (800, 1200 on wide or dense screens).
WIDTHS = (400, 800, 1200)
ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
WEBP_QUALITY = 80
FOLDER = "images"
#: A pending upload's token (the form came back with another error) lasts a day.
PENDING_MAX_AGE = 24 * 3600

# Pillow's own bomb guard (a warning, then an error at twice the number) backs up ours.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

NOT_AN_IMAGE = (
    "Ce fichier n’est pas une image lisible : choisissez une image au format JPEG, PNG ou WebP."
)


@dataclass(frozen=True)
class Rendition:
    name: str
    width: int
    height: int

    @property
    def url(self) -> str:
        return default_storage.url(self.name)

    @property
    def absolute_url(self) -> str:
        """For OpenGraph and the API: the storage's URL, on SITE_URL when it is a path."""
        url = self.url
        return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


@dataclass(frozen=True)
class StoredImage:
    """An image in the storage: its key (hash of the original) and displayed size."""

    key: str
    width: int
    height: int

    @property
    def widths(self) -> list[int]:
        largest = min(self.width, WIDTHS[-1])
        return [width for width in WIDTHS if width < largest] + [largest]

    @property
    def renditions(self) -> list[Rendition]:
        return [
            Rendition(
                name=f"{FOLDER}/{self.key}-{width}w.webp",
                width=width,
                height=max(1, round(self.height * width / self.width)),
            )
            for width in self.widths
        ]

    def rendition(self, width: int) -> Rendition:
        """The smallest rendition at least `width` wide (else the largest)."""
        renditions = self.renditions
        return next((r for r in renditions if r.width >= width), renditions[-1])

    @property
    def small(self) -> Rendition:
        return self.rendition(WIDTHS[0])

    @property
    def largest(self) -> Rendition:
        return self.renditions[-1]

    @property
    def srcset(self) -> str:
        return ", ".join(f"{r.url} {r.width}w" for r in self.renditions)

    def token(self, *, user_id: int | None) -> str:
        """A signed reference to this upload for the user who sent it (a hidden field)."""
        return signing.dumps([self.key, self.width, self.height], salt=_salt(user_id))

    @classmethod
    def from_token(cls, token: str, *, user_id: int | None) -> "StoredImage | None":
        try:
            key, width, height = signing.loads(token, salt=_salt(user_id), max_age=PENDING_MAX_AGE)
        except (signing.BadSignature, ValueError, TypeError):
            return None
        return cls(key=str(key), width=int(width), height=int(height))


def _salt(user_id: int | None) -> str:
    return f"events.images.pending:{user_id}"


@dataclass(frozen=True)
class Picture:
    """What a page shows: an image, its text alternative ("" when decorative) and credit."""

    image: StoredImage
    alt: str
    credit: str

    @property
    def credit_line(self) -> str:
        """ "© Ville de Rennes", whether the organiser typed the sign or not."""
        credit = self.credit.strip()
        if not credit or credit.startswith(("©", "(c)", "(C)")):
            return credit
        return f"© {credit}"


@dataclass
class PreparedImage:
    """An upload that passed every check, decoded and upright, ready to be stored."""

    image: Image.Image
    digest: str

    @property
    def width(self) -> int:
        return self.image.width

    @property
    def height(self) -> int:
        return self.image.height


def image_of(key: str, width: int | None, height: int | None) -> StoredImage | None:
    if not key or not width or not height:
        return None
    return StoredImage(key=key, width=width, height=height)


def read_upload(upload) -> PreparedImage:
    """Check an uploaded file by its content; ValidationError (French) when refused."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(
            "Cette image pèse plus de 5 Mo : réduisez-la (ou exportez-la en JPEG) et "
            "choisissez-la de nouveau.",
            code="too_large",
        )
    data = upload.read()
    if len(data) > MAX_BYTES:
        raise ValidationError("Cette image pèse plus de 5 Mo.", code="too_large")
    try:
        with warnings.catch_warnings():
            # Pillow warns between MAX_IMAGE_PIXELS and twice that: refuse as well.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationError(
                    "Seules les images JPEG, PNG et WebP sont acceptées.", code="format"
                )
            if image.width * image.height > MAX_PIXELS:
                raise Image.DecompressionBombError(f"{image.width}x{image.height}")
            image.load()
            image = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            "Cette image a trop de pixels pour être traitée (40 millions au plus) : réduisez "
            "ses dimensions.",
            code="too_many_pixels",
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from error
    if image.width < MIN_WIDTH:
        raise ValidationError(
            f"Cette image fait {image.width} pixels de large : il en faut au moins "
            f"{MIN_WIDTH} pour qu’elle reste nette sur la page de l’événement.",
            code="too_narrow",
        )
    return PreparedImage(image=image, digest=hashlib.sha256(data).hexdigest()[:32])


def image_store(*, prepared: PreparedImage) -> StoredImage:
    """Write the WebP renditions of `prepared` (no metadata kept) to the default storage.

    Synchronous: a 5 MB image takes well under a second. A file already there (the same
    original, sent again) is not written twice: its name says its content."""
    stored = StoredImage(key=prepared.digest, width=prepared.width, height=prepared.height)
    source = prepared.image
    if source.mode not in {"RGB", "RGBA"}:
        has_alpha = source.mode in {"LA", "PA", "P"} and "transparency" in source.info
        source = source.convert("RGBA" if has_alpha or source.mode == "LA" else "RGB")
    for rendition in stored.renditions:
        if default_storage.exists(rendition.name):
            continue
        resized = source.resize((rendition.width, rendition.height), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        # No `exif=` nor `icc_profile=`: nothing of the camera or of its owner is kept.
        resized.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
        default_storage.save(rendition.name, ContentFile(buffer.getvalue()))
    return stored
