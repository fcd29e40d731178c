"""Uploads in an S3 object storage, for real: a local S3 server (moto, tests/s3_server.py), the
settings an operator's S3_* variables give, and every file read back as a browser reads it,
over HTTP, without credentials.

What the app promises (docs/deploy.md, « Images »): an event's image is stored once as WebP
renditions named by the original's hash (the original itself is never kept: it may carry the
camera's metadata) and never deleted, since an old page may still point to it; a resource's PDF
is deleted when it is replaced or removed; the printed programme is kept by version, the
previous copy deleted; posters and visuals are drawn per request (kept in the cache), never
stored, the poster reading the edition's image from the storage.
"""

import io
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from PIL import Image
from storages.backends.s3 import S3Storage

from events import images
from events.models import Event, EventResource
from events.resources import resource_add, resource_remove_by_ditp
from moisinno.storage import media_settings
from programme.paper import store
from programme.paper.tasks import render_programme
from tests.factories import EventFactory, MembershipFactory, UserFactory
from tests.organizer_space.forms import event_form_data
from tests.s3_server import fetch

ALT = "Des agents autour d’une table pendant un atelier"
# A real, minimal PDF document (one empty page), as a PDF writer produces it.
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
IMMUTABLE = "public, max-age=31536000, immutable"


def image_bytes(color=(200, 30, 60), size=(1600, 900)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def jpeg(color=(200, 30, 60), size=(1600, 900)) -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.jpg", image_bytes(color, size), content_type="image/jpeg")


def pdf(content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile("Mes supports.pdf", content, content_type="application/pdf")


class Images(HTMLParser):
    """The uploaded images of a page: each `<img>`'s src and srcset URLs (the site's own
    artwork in /static/ aside) and its `og:image`."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.widths: dict[str, int] = {}
        self.og_image = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img" and not attrs["src"].startswith("/static/"):
            self.urls.append(attrs["src"])
            for candidate in filter(None, (attrs.get("srcset") or "").split(",")):
                url, width = candidate.split()
                self.urls.append(url)
                self.widths[url] = int(width.removesuffix("w"))
        elif tag == "meta" and attrs.get("property") == "og:image":
            self.og_image = attrs["content"]


def img_sources(response) -> list[str]:
    policy = response["Content-Security-Policy"]
    directive = next(d.split() for d in policy.split(";") if d.split()[0] == "img-src")
    return directive[1:]


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture
def membership(db):
    return MembershipFactory(user__email="agent@bretagne.gouv.fr")


@pytest.fixture
def member_client(client, membership):
    client.force_login(membership.user)
    return client


@pytest.fixture
def visitor():
    """An anonymous visitor (`client` is the member's once `member_client` is asked for)."""
    return Client()


@pytest.fixture
def past_event(edition, membership):
    """A published event of 2022, long over: it may take resources."""
    return EventFactory(
        edition=edition,
        organization=membership.organization,
        published=True,
        title="Table ronde des usagers",
        slug="table-ronde",
    )


def send_image(member_client, event: Event, upload=None, **fields):
    data = event_form_data(
        title=event.title,
        attendance_mode=event.attendance_mode,
        audience=event.audience,
        registration_mode=event.registration_mode,
        image_alt=ALT,
        **fields,
    )
    if upload is not None:
        data["image_file"] = upload
    response = member_client.post(reverse("organizers:event_update", args=[event.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event.refresh_from_db()
    return event


def renditions(key: str) -> set[str]:
    return {f"images/{key}-{width}w.webp" for width in (400, 800, 1200)}


# Event images ---------------------------------------------------------------------------------


def test_an_image_sent_through_the_organiser_form_is_in_the_bucket_and_served_from_it(
    s3, member_client, visitor, past_event
):
    event = send_image(member_client, past_event, jpeg())

    # Only the renditions: the original (and its metadata) is never kept.
    assert s3.keys() == renditions(event.image)
    for key in renditions(event.image):
        head = s3.head(key)
        assert head["ContentType"] == "image/webp"
        assert head["CacheControl"] == IMMUTABLE
    page = visitor.get(event.get_absolute_url())
    assert page.status_code == 200
    found = Images(page.content.decode())
    expected = {s3.url(key) for key in renditions(event.image)}
    assert set(found.urls) == expected  # src and srcset: the bucket's, nothing on /media/
    assert found.og_image == s3.url(f"images/{event.image}-1200w.webp")
    for url in expected:
        served = fetch(url)  # anonymously, as a browser
        assert served.status == 200
        assert served.headers["content-type"] == "image/webp"
        assert served.headers["cache-control"] == IMMUTABLE
        assert Image.open(io.BytesIO(served.body)).width == found.widths[url]
    # The open data give the same addresses.
    api = visitor.get(f"/api/v1/events/{event.slug}/").json()["image"]
    assert api["url"] == s3.url(f"images/{event.image}-1200w.webp")
    assert {r["url"] for r in api["renditions"]} == expected


def test_a_replaced_or_removed_image_stays_in_the_bucket_as_promised(
    s3, member_client, visitor, past_event
):
    first = send_image(member_client, past_event, jpeg()).image
    page = visitor.get(past_event.get_absolute_url())  # now in the page cache
    assert set(Images(page.content.decode()).urls) == {s3.url(k) for k in renditions(first)}

    second = send_image(member_client, past_event, jpeg(color=(10, 120, 10))).image

    assert second != first
    assert s3.keys() == renditions(first) | renditions(second)
    urls = set(Images(visitor.get(past_event.get_absolute_url()).content.decode()).urls)
    assert urls == {s3.url(key) for key in renditions(second)}
    # An old page (a browser's, a CDN's, a link preview's) may still show the first one.
    assert fetch(s3.url(f"images/{first}-400w.webp")).status == 200

    send_image(member_client, past_event, image_remove="on")

    assert past_event.image == ""
    html = visitor.get(past_event.get_absolute_url()).content.decode()
    assert s3.name not in html  # no image of the bucket on the page any more
    assert s3.keys() == renditions(first) | renditions(second)  # never deleted


def test_deleting_a_draft_keeps_its_image_in_the_bucket_as_promised(
    s3, member_client, membership, edition
):
    draft = EventFactory(edition=edition, organization=membership.organization)
    key = send_image(member_client, draft, jpeg()).image

    response = member_client.post(reverse("organizers:event_delete", args=[draft.pk]))

    assert response.status_code == 302
    assert not Event.objects.filter(pk=draft.pk).exists()
    assert s3.keys() == renditions(key)


def test_an_upload_kept_while_the_form_comes_back_with_an_error_is_in_the_bucket(
    s3, member_client, past_event
):
    data = event_form_data(title="", image_alt=ALT)  # the title is required
    data["image_file"] = jpeg()

    response = member_client.post(reverse("organizers:event_update", args=[past_event.pk]), data)

    assert response.status_code == 200
    pending = response.context["form"].pending_image
    # Stored at once, so that the page shows it back and the next post needs no file.
    assert s3.keys() == renditions(pending.key)
    assert f'src="{s3.url(f"images/{pending.key}-400w.webp")}"' in response.content.decode()


# The CSP ---------------------------------------------------------------------------------------


@pytest.fixture
def published_with_image(s3, edition):
    stored = images.image_store(prepared=images.read_upload(jpeg()))
    return EventFactory(
        edition=edition,
        published=True,
        image=stored.key,
        image_width=stored.width,
        image_height=stored.height,
        image_alt=ALT,
    )


@pytest.mark.parametrize("page", ["event", "programme"])
def test_the_csp_lets_pages_show_the_bucket_images_and_nothing_broader(
    s3, client, published_with_image, settings, page
):
    url = {
        "event": published_with_image.get_absolute_url(),
        "programme": reverse("events:programme"),
    }[page]

    response = client.get(url)

    assert response.status_code == 200
    shown = Images(response.content.decode()).urls
    assert shown, "the page shows the event's image"
    sources = img_sources(response)
    for image_url in shown:
        assert origin(image_url) in sources
    # The site, data: URIs, the map tiles and the bucket's one origin: no wildcard, no scheme.
    tiles = origin(settings.MAP_TILES_URL)
    assert sorted(sources) == sorted(["'self'", "data:", tiles, s3.origin])
    assert s3.origin == s3.server.url  # scheme, host and port of the S3 server only


def test_the_settings_read_from_the_environment_store_and_serve_through_the_s3_server(
    s3_server,
):
    """moisinno/settings.py itself, in a fresh interpreter with an operator's variables: the
    default storage writes to the bucket, its URL is public and the CSP allows it."""
    bucket = s3_server.public_bucket()
    code = (
        "import json, django\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import default_storage\n"
        "name = default_storage.save('images/sonde-400w.webp', ContentFile(b'RIFF sonde'))\n"
        "print(json.dumps({'name': name, 'url': default_storage.url(name),"
        " 'img': settings.SECURE_CSP['img-src'], 'serve': settings.SERVE_MEDIA}))\n"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("S3_")}
    env = {
        **base,
        **s3_server.environ(bucket, S3_PREFIX="medias"),
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "moisinno.settings",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", code],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    assert seen["url"] == f"{s3_server.url}/{bucket}/medias/images/sonde-400w.webp"
    assert fetch(seen["url"]).body == b"RIFF sonde"
    assert origin(seen["url"]) in seen["img"]
    assert seen["serve"] is False  # Django no longer serves /media/


@pytest.mark.parametrize(
    ("environ", "url"),
    [
        (
            {"S3_ENDPOINT_URL": "https://s3.gra.io.cloud.ovh.net", "S3_REGION": "gra"},
            "https://s3.gra.io.cloud.ovh.net/moisinno-media/images/k-400w.webp",
        ),
        (
            {"S3_ENDPOINT_URL": "https://s3.fr-par.scw.cloud/", "S3_PREFIX": "prod"},
            "https://s3.fr-par.scw.cloud/moisinno-media/prod/images/k-400w.webp",
        ),
        (
            {"S3_CUSTOM_DOMAIN": "medias.exemple.gouv.fr", "S3_ENDPOINT_URL": "https://s3.x.fr"},
            "https://medias.exemple.gouv.fr/images/k-400w.webp",
        ),
        (
            {"S3_REGION": "eu-west-3"},
            "https://moisinno-media.s3.eu-west-3.amazonaws.com/images/k-400w.webp",
        ),
        # Without a region, boto3 wrote bucket.s3.amazonaws.com: the CSP refused the images.
        ({}, "https://moisinno-media.s3.us-east-1.amazonaws.com/images/k-400w.webp"),
        (
            {"S3_BUCKET": "medias.exemple.gouv.fr", "S3_REGION": "eu-west-3"},
            "https://s3.eu-west-3.amazonaws.com/medias.exemple.gouv.fr/images/k-400w.webp",
        ),
    ],
)
def test_every_s3_configuration_gives_urls_whose_origin_the_csp_allows(environ, url):
    media = media_settings({"S3_BUCKET": "moisinno-media", **environ})
    storage = S3Storage(**media.storage["OPTIONS"])

    assert storage.url("images/k-400w.webp") == url
    assert media.origins == [origin(url)]


# Resources (PDF files) -------------------------------------------------------------------------


def resources_url(event) -> str:
    return reverse("organizers:event_resources", args=[event.pk])


def test_a_resource_pdf_is_in_the_bucket_and_its_link_downloads_it(
    s3, member_client, visitor, past_event
):
    response = member_client.post(
        resources_url(past_event),
        {"kind": "slides", "title": "Supports de la table ronde", "file": pdf()},
    )

    assert response.status_code == 302
    resource = EventResource.objects.get()
    assert s3.keys() == {resource.file.name}
    assert resource.file.name.startswith("ressources/table-ronde/")
    assert resource.file.name.endswith("/supports-de-la-table-ronde.pdf")
    assert s3.head(resource.file.name)["ContentType"] == "application/pdf"
    html = visitor.get(past_event.get_absolute_url()).content.decode()
    link = re.search(r'<a class="fr-link fr-link--download"\s+href="([^"]+)"', html)[1]
    assert link == s3.url(resource.file.name)
    served = fetch(link)
    assert served.status == 200
    assert served.headers["content-type"] == "application/pdf"
    assert served.body == PDF
    api = visitor.get(f"/api/v1/events/{past_event.slug}/").json()
    assert [r["url"] for r in api["resources"]] == [link]


def test_a_replaced_or_removed_resource_pdf_leaves_the_bucket(
    s3, member_client, visitor, past_event, django_capture_on_commit_callbacks
):
    member_client.post(
        resources_url(past_event), {"kind": "slides", "title": "Supports", "file": pdf()}
    )
    resource = EventResource.objects.get()
    old_url = resource.href

    with django_capture_on_commit_callbacks(execute=True):  # the old file goes once committed
        member_client.post(
            reverse("organizers:event_resource_update", args=[past_event.pk, resource.pk]),
            {"kind": "slides", "title": "Supports", "file": pdf(PDF + b"% v2\n")},
        )

    resource.refresh_from_db()
    assert s3.keys() == {resource.file.name}
    assert fetch(resource.href).body == PDF + b"% v2\n"
    assert fetch(old_url).status in {403, 404}

    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(
            reverse("organizers:event_resource_delete", args=[past_event.pk, resource.pk])
        )

    assert s3.keys() == set()
    assert fetch(resource.href).status in {403, 404}
    assert "fr-link--download" not in visitor.get(past_event.get_absolute_url()).content.decode()


def test_a_resource_removed_by_the_ditp_leaves_the_bucket(
    s3, past_event, membership, django_capture_on_commit_callbacks
):
    resource = resource_add(
        event=past_event, user=membership.user, kind="other", title="Publicité", file=pdf()
    )
    assert s3.keys() == {resource.file.name}

    with django_capture_on_commit_callbacks(execute=True):
        resource_remove_by_ditp(resource=resource, user=UserFactory(moderator=True))

    assert s3.keys() == set()
    assert fetch(resource.href).status in {403, 404}


def test_a_new_resource_never_reuses_the_url_of_a_removed_one(
    s3, past_event, membership, django_capture_on_commit_callbacks
):
    """Files are served « immutable » for a year: a URL that served one PDF must never serve
    another, or browsers and CDNs would keep showing the removed one."""
    first = resource_add(
        event=past_event, user=membership.user, kind="slides", title="Supports", file=pdf()
    )
    assert s3.head(first.file.name)["CacheControl"] == IMMUTABLE
    with django_capture_on_commit_callbacks(execute=True):
        resource_remove_by_ditp(resource=first, user=UserFactory(moderator=True))

    second = resource_add(
        event=past_event,
        user=membership.user,
        kind="slides",
        title="Supports",
        file=pdf(PDF + b"% corrected\n"),
    )

    assert second.href != first.href
    assert fetch(second.href).body == PDF + b"% corrected\n"
    assert second.file.name.endswith("/supports.pdf")  # still downloaded under its title


# Printed files ---------------------------------------------------------------------------------

needs_printing = pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason="the printing tests run where Debian's Pango and poppler-utils are (tests/programme)",
)


def body_of(response) -> bytes:
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content) if response.streaming else response.content


@needs_printing
def test_the_printed_programme_is_kept_in_the_bucket_and_the_previous_copy_deleted(
    s3, client, past_event
):
    first = body_of(client.get("/programme.pdf?region=53"))

    (name,) = s3.keys()
    assert re.fullmatch(r"programmes/2022/[0-9a-f]{24}-\d+\.pdf", name)
    assert first.startswith(b"%PDF-") and s3.body(name) == first
    assert s3.head(name)["ContentType"] == "application/pdf"

    past_event.title = "Table ronde renommée"
    past_event.save()  # raises the public-content version: a new copy is printed
    second = body_of(client.get("/programme.pdf?region=53"))

    (new_name,) = s3.keys()  # the previous copy is gone
    assert new_name != name
    assert s3.body(new_name) == second != first


@needs_printing
def test_a_programme_printed_by_the_worker_is_read_back_from_the_bucket(
    s3, client, past_event, monkeypatch
):
    monkeypatch.setattr(store, "INLINE_MAX_EVENTS", 0)
    assert client.get("/programme.pdf?region=53").status_code == 202  # being prepared

    name = render_programme.call(*DBTaskResult.objects.get().args_kwargs["args"])

    assert s3.keys() == {name}
    response = client.get("/programme.pdf?region=53")
    assert body_of(response) == s3.body(name)
    assert response["Content-Length"] == str(len(s3.body(name)))


@needs_printing
def test_posters_read_the_edition_image_from_the_bucket_and_nothing_printed_is_stored(
    s3, client, past_event
):
    stored = images.image_store(prepared=images.read_upload(jpeg(size=(1600, 900))))
    edition = past_event.edition
    edition.default_image = stored.key
    edition.default_image_width, edition.default_image_height = stored.width, stored.height
    edition.save()
    keys = s3.keys()

    poster = client.get(f"/evenements/{past_event.slug}/affiche-a4.pdf")
    visual = client.get(f"/evenements/{past_event.slug}/visuel-1200x630.png")

    assert poster.status_code == 200 and poster["Content-Type"] == "application/pdf"
    with pikepdf.open(io.BytesIO(poster.content)) as document:
        widths = {  # every image of the document, a background's (a pattern's) included
            int(item.Width)
            for item in document.objects
            if isinstance(item, pikepdf.Stream) and item.get("/Subtype") == "/Image"
        }
    assert stored.largest.width in widths  # the edition's image, read from the bucket
    assert visual.status_code == 200
    assert Image.open(io.BytesIO(visual.content)).size == (1200, 630)
    assert s3.keys() == keys  # drawn per request and kept in the cache, never stored
