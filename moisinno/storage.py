"""Where uploaded files live, read from the environment (docs/configuration.md, « Uploaded
images »): the file system under MEDIA_ROOT, or an S3-compatible object storage when S3_BUCKET
is set (django-storages' `S3Storage`).

`media_settings(os.environ)` gives the settings `STORAGES["default"]`, `SERVE_MEDIA` and
`MEDIA_ORIGINS` (the CSP's `img-src`); the object-storage tests build the same from a local S3
server's address (tests/s3_server.py). Imported by the settings: the standard library only.

With S3, the files' public address is written here, not left to boto3: `custom_domain` is
`S3_CUSTOM_DOMAIN`, else the bucket on the endpoint (path style, as boto3 addresses a bucket on
an endpoint other than AWS's), else the bucket's regional host on AWS. The CSP's origin is then
the URLs' own, by construction (boto3 writes `bucket.s3.amazonaws.com` for a bucket of any
region, which a CSP naming the regional host refused), and a URL is a string joined in
microseconds rather than an unsigned presigned URL (about 150 µs each, several per card).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

FILE_SYSTEM = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
S3_BACKEND = "storages.backends.s3.S3Storage"
#: A name never changes its content (images and printed programmes are named by their hash or
#: version, resources by a token): browsers and CDNs may keep a file for a year.
IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class MediaSettings:
    #: `STORAGES["default"]`
    storage: dict
    #: Django serves MEDIA_ROOT at MEDIA_URL itself (moisinno/urls.py).
    serve_media: bool
    #: Where browsers load the files from when it is not this site: the CSP's `img-src`.
    origins: list[str]


def _flag(value: str | None, *, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def public_location(environ: Mapping[str, str]) -> tuple[str, str]:
    """(`url_protocol`, `custom_domain`) of the bucket's files: "https:" and
    "medias.exemple.gouv.fr", or "https:" and "s3.gra.io.cloud.ovh.net/moisinno-media"."""
    bucket = environ["S3_BUCKET"]
    if domain := environ.get("S3_CUSTOM_DOMAIN", ""):
        return "https:", domain.strip("/")
    if endpoint := environ.get("S3_ENDPOINT_URL", ""):
        parts = urlsplit(endpoint)
        return f"{parts.scheme}:", f"{parts.netloc}{parts.path.rstrip('/')}/{bucket}"
    region = environ.get("S3_REGION") or "us-east-1"
    if "." in bucket:  # a dotted name breaks the TLS certificate of a virtual host
        return "https:", f"s3.{region}.amazonaws.com/{bucket}"
    return "https:", f"{bucket}.s3.{region}.amazonaws.com"


def media_settings(environ: Mapping[str, str]) -> MediaSettings:
    if not environ.get("S3_BUCKET"):
        return MediaSettings(
            storage=FILE_SYSTEM,
            serve_media=_flag(environ.get("SERVE_MEDIA"), default=True),
            origins=[],
        )
    protocol, domain = public_location(environ)
    storage = {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": environ["S3_BUCKET"],
            "endpoint_url": environ.get("S3_ENDPOINT_URL") or None,
            "region_name": environ.get("S3_REGION") or None,
            "access_key": environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("S3_SECRET_ACCESS_KEY") or None,
            "custom_domain": domain,
            "url_protocol": protocol,
            "location": environ.get("S3_PREFIX", ""),
            # The files are public: plain URLs, cacheable, no signature that expires.
            "querystring_auth": False,
            "default_acl": environ.get("S3_DEFAULT_ACL") or None,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": IMMUTABLE},
        },
    }
    origin = f"{protocol}//{domain.split('/', 1)[0]}"
    return MediaSettings(storage=storage, serve_media=False, origins=[origin])
