"""Events' images: checked by content, resized to WebP through the storage API, shown with
their text alternative and credit on cards, the event page, OpenGraph and the API, and
re-moderated when a published event's image changes. Every file is a real one, made by Pillow
in the test."""

import io
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from storages.backends.s3 import S3Storage

from events import images
from events.models import Event
from tests.admin_forms import resubmit_data
from tests.factories import EventFactory
from tests.organizer_space.forms import event_form_data

CREATE_URL = reverse("organizers:event_create")
ALT = "Des agents autour d’une table pendant un atelier"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads go to a fresh folder through FileSystemStorage (the development storage)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    yield


def image_bytes(fmt: str = "JPEG", size=(1600, 900), color=(200, 30, 60), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt, **save)
    return buffer.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_bomb(width: int = 12_000, height: int = 12_000) -> bytes:
    """A real, valid PNG of `width` × `height` grey pixels, a few hundred kilobytes on disk:
    144 million pixels once decoded."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)  # filter byte + one byte per grey pixel
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


# Checking by content --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "name", "content_type"),
    [
        ("JPEG", "a.jpg", "image/jpeg"),
        ("PNG", "a.png", "image/png"),
        ("WEBP", "a.webp", "image/webp"),
    ],
)
def test_jpeg_png_and_webp_are_stored_as_webp_renditions(fmt, name, content_type):
    prepared = images.read_upload(upload(image_bytes(fmt), name, content_type))

    stored = images.image_store(prepared=prepared)

    assert [r.width for r in stored.renditions] == [400, 800, 1200]
    for rendition in stored.renditions:
        assert default_storage.exists(rendition.name)
        with default_storage.open(rendition.name) as file, Image.open(file) as written:
            assert written.format == "WEBP"
            assert written.size == (rendition.width, rendition.height)
    assert stored.renditions[0].height == 225  # 1600 × 900 → 400 × 225


def test_rendition_names_carry_the_content_hash():
    data = image_bytes()
    first = images.image_store(prepared=images.read_upload(upload(data)))
    again = images.image_store(prepared=images.read_upload(upload(data)))
    other = images.image_store(prepared=images.read_upload(upload(image_bytes(color=(0, 0, 0)))))

    assert first.key == again.key != other.key
    assert first.renditions[0].name == f"images/{first.key}-400w.webp"
    assert first.renditions[0].url == f"/media/images/{first.key}-400w.webp"


def test_an_image_less_than_800_pixels_wide_is_refused():
    with pytest.raises(images.ValidationError) as error:
        images.read_upload(upload(image_bytes(size=(600, 400))))

    assert "600 pixels de large" in error.value.messages[0]
    assert "au moins 800" in error.value.messages[0]


def test_a_file_of_6_mb_is_refused():
    noise = Image.frombytes("RGB", (1500, 1400), os.urandom(1500 * 1400 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    assert buffer.tell() > 6_000_000

    with pytest.raises(images.ValidationError) as error:
        images.read_upload(upload(buffer.getvalue(), "bruit.png", "image/png"))

    assert "plus de 5 Mo" in error.value.messages[0]


def test_a_text_file_named_jpg_is_refused():
    text = "Ceci n’est pas une image.\n".encode() * 50

    with pytest.raises(images.ValidationError) as error:
        images.read_upload(upload(text, "programme.jpg"))

    assert error.value.messages == [images.NOT_AN_IMAGE]


def test_a_gif_is_refused_by_its_content_whatever_its_name():
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 600)).save(buffer, "GIF")

    with pytest.raises(images.ValidationError) as error:
        images.read_upload(upload(buffer.getvalue(), "photo.jpg"))

    assert "JPEG, PNG et WebP" in error.value.messages[0]


def test_a_png_decompression_bomb_is_refused_before_being_decoded():
    bomb = png_bomb()
    assert len(bomb) < 1_000_000

    with pytest.raises(images.ValidationError) as error:
        images.read_upload(upload(bomb, "bombe.png", "image/png"))

    assert "trop de pixels" in error.value.messages[0]


def test_exif_orientation_is_applied_and_exif_is_stripped():
    # A sensor's 900 × 1600 portrait, saved sideways with « rotate 90° » in its EXIF (6),
    # and the camera owner's name: the page must show it 1600 wide, upright, without EXIF.
    source = Image.new("RGB", (900, 1600), (255, 255, 255))
    source.paste((255, 0, 0), (0, 0, 900, 100))  # a red band at the top of the stored pixels
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x013B] = "Jeanne Photographe"  # Artist
    buffer = io.BytesIO()
    source.save(buffer, "JPEG", exif=exif.tobytes(), quality=95)

    stored = images.image_store(prepared=images.read_upload(upload(buffer.getvalue())))

    assert (stored.width, stored.height) == (1600, 900)
    with default_storage.open(stored.largest.name) as file, Image.open(file) as written:
        assert written.size == (1200, 675)
        assert not written.getexif()
        assert "exif" not in written.info
        red, green, _blue = written.convert("RGB").getpixel((1190, 300))
        assert red > 200 and green < 60  # the band is now on the right: upright
        assert written.convert("RGB").getpixel((10, 300))[1] > 200  # white on the left


# The organiser's form ------------------------------------------------------------------------


def test_event_form_saves_the_image_with_alt_and_credit(member_client, open_edition):
    data = event_form_data(image_alt=ALT, image_credit="Ville de Rennes")
    data["image_file"] = upload(image_bytes())

    response = member_client.post(CREATE_URL, data)

    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.image_width, event.image_height) == (1600, 900)
    assert (event.image_alt, event.image_credit) == (ALT, "Ville de Rennes")
    assert default_storage.exists(f"images/{event.image}-1200w.webp")


def test_event_form_is_multipart(member_client, open_edition):
    page = member_client.get(CREATE_URL).content.decode()

    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="image_file"' in page
    assert 'accept="image/jpeg,image/png,image/webp"' in page


def test_event_form_requires_the_alt_text_with_an_image(member_client, open_edition):
    data = event_form_data(image_alt="")
    data["image_file"] = upload(image_bytes())

    response = member_client.post(CREATE_URL, data)

    assert response.status_code == 200
    assert not Event.objects.exists()
    assert "Décrivez l’image en quelques mots" in response.content.decode()


def test_decorative_image_needs_no_alt_and_keeps_none(member_client, open_edition):
    data = event_form_data(image_alt="Un texte qui ne sera pas gardé", image_decorative="on")
    data["image_file"] = upload(image_bytes())

    member_client.post(CREATE_URL, data)

    event = Event.objects.get()
    assert event.image and event.image_decorative
    assert event.image_alt == ""
    assert event.picture.alt == ""


def test_a_text_file_named_jpg_is_refused_and_the_rest_is_kept(member_client, open_edition):
    data = event_form_data(title="Atelier gardé", description="Une description à garder.")
    data["image_file"] = upload(b"pas une image du tout", "photo.jpg")

    response = member_client.post(CREATE_URL, data)

    page = response.content.decode()
    assert response.status_code == 200
    assert not Event.objects.exists()
    assert "Ce fichier n’est pas une image lisible" in page
    assert 'value="Atelier gardé"' in page
    assert "Une description à garder." in page


def test_a_valid_upload_is_kept_when_the_form_comes_back_with_another_error(
    member_client, open_edition
):
    data = event_form_data(
        online_url="pas-une-adresse",
        attendance_mode="hybrid",
        image_alt=ALT,
        sessions=[{"date": open_edition.start_date.isoformat()}],
    )
    data["image_file"] = upload(image_bytes())

    response = member_client.post(CREATE_URL, data)

    page = response.content.decode()
    assert response.status_code == 200
    assert not Event.objects.exists()
    assert "Image envoyée : elle sera enregistrée avec l’événement" in page
    token = response.context["form"]["image_pending"].value()
    assert token and f'name="image_pending" value="{token}"' in page

    # The organiser corrects the link only; the browser sends no file this time.
    data = event_form_data(
        online_url="https://exemple.fr/direct",
        attendance_mode="hybrid",
        image_alt=ALT,
        image_pending=token,
    )
    member_client.post(CREATE_URL, data)

    event = Event.objects.get()
    assert event.image and event.image_width == 1600
    assert event.image_alt == ALT


def test_a_forged_pending_token_is_refused(member_client, open_edition, django_user_model):
    other = django_user_model.objects.create(username="autre", email="autre@exemple.fr")
    stored = images.image_store(prepared=images.read_upload(upload(image_bytes())))
    data = event_form_data(image_alt=ALT, image_pending=stored.token(user_id=other.pk))

    response = member_client.post(CREATE_URL, data)

    assert response.status_code == 200
    assert not Event.objects.exists()
    assert "n’est plus disponible : choisissez-la de nouveau" in response.content.decode()


def test_removing_the_image(member_client, member, event_of_member):
    event = event_of_member(
        image="a" * 32, image_width=1600, image_height=900, image_alt=ALT, image_credit="X"
    )
    data = event_form_data(title=event.title, image_alt=ALT, image_remove="on")

    member_client.post(reverse("organizers:event_update", args=[event.pk]), data)

    event.refresh_from_db()
    assert (event.image, event.image_width, event.image_alt, event.image_credit) == (
        "",
        None,
        "",
        "",
    )


@pytest.fixture
def event_of_member(member, open_edition):
    def make(**kwargs):
        return EventFactory(
            edition=open_edition, organization=member.memberships.get().organization, **kwargs
        )

    return make


# Re-moderation of a published event ------------------------------------------------------------


def test_a_new_image_on_a_published_event_is_listed_for_the_moderators(
    member_client, event_of_member, client, moderator
):
    old = images.image_store(prepared=images.read_upload(upload(image_bytes())))
    event = event_of_member(
        published=True,
        image=old.key,
        image_width=old.width,
        image_height=old.height,
        image_alt=ALT,
    )
    data = event_form_data(
        title=event.title,
        attendance_mode=event.attendance_mode,
        audience=event.audience,
        registration_mode=event.registration_mode,
        image_alt=ALT,
    )
    data["image_file"] = upload(image_bytes(color=(10, 120, 10)))

    member_client.post(reverse("organizers:event_update", args=[event.pk]), data)

    event.refresh_from_db()
    assert event.changed_since_validation
    change = next(c for c in event.changed_fields if c["field"] == "image")
    assert change["before"] == old.small.url
    assert change["after"] == f"/media/images/{event.image}-400w.webp"
    assert change["after"] != change["before"]

    client.force_login(moderator)
    page = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert f'<img src="{change["before"]}" alt="Image avant"' in page
    assert f'<img src="{change["after"]}" alt="Image après"' in page


# Public pages -----------------------------------------------------------------------------------


@pytest.fixture
def published_with_image(edition):
    stored = images.image_store(prepared=images.read_upload(upload(image_bytes())))
    return EventFactory(
        edition=edition,
        published=True,
        image=stored.key,
        image_width=stored.width,
        image_height=stored.height,
        image_alt=ALT,
        image_credit="Ville de Rennes",
    )


def test_event_page_shows_the_image_with_srcset_and_credit(client, published_with_image):
    event = published_with_image
    key = event.image

    page = client.get(event.get_absolute_url()).content.decode()

    assert (
        f'srcset="/media/images/{key}-400w.webp 400w, /media/images/{key}-800w.webp 800w, '
        f'/media/images/{key}-1200w.webp 1200w"'
    ) in page
    assert 'sizes="(min-width: 62em) 800px, 100vw"' in page
    assert 'width="800" height="450"' in page
    assert f'alt="{ALT}"' in page
    assert '<figcaption class="fr-content-media__caption">© Ville de Rennes</figcaption>' in page


def test_event_page_opengraph_image(client, published_with_image, settings):
    key = published_with_image.image

    page = client.get(published_with_image.get_absolute_url()).content.decode()

    url = f"{settings.SITE_URL}/media/images/{key}-1200w.webp"
    assert f'<meta property="og:image" content="{url}">' in page
    assert '<meta property="og:image:width" content="1200">' in page
    assert '<meta property="og:image:height" content="675">' in page
    assert f'<meta property="og:image:alt" content="{ALT}">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page


def test_the_image_file_is_served_with_an_immutable_cache(client, published_with_image):
    response = client.get(f"/media/images/{published_with_image.image}-400w.webp")

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    body = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(body)).size == (400, 225)


def test_programme_card_shows_a_lazy_image(client, published_with_image):
    key = published_with_image.image

    page = client.get(reverse("events:programme")).content.decode()

    card = page[page.index('<div class="fr-card__img">') :]
    card = card[: card.index("</div>")]
    assert f'src="/media/images/{key}-800w.webp"' in card
    assert f"/media/images/{key}-400w.webp 400w" in card
    assert 'sizes="(min-width: 48em) 400px, 100vw"' in card
    assert 'width="800" height="450"' in card
    assert f'alt="{ALT}"' in card
    assert 'loading="lazy"' in card


def test_edition_default_image_shows_when_the_event_has_none(client, edition):
    stored = images.image_store(prepared=images.read_upload(upload(image_bytes(size=(1000, 500)))))
    edition.default_image = stored.key
    edition.default_image_width, edition.default_image_height = stored.width, stored.height
    edition.default_image_credit = "DITP"
    edition.save()
    event = EventFactory(edition=edition, published=True, image_alt="ignoré")

    page = client.get(event.get_absolute_url()).content.decode()

    assert f"/media/images/{stored.key}-1000w.webp 1000w" in page
    assert 'alt=""' in page  # decorative: it says nothing of this event
    assert "© DITP" in page
    assert client.get(reverse("api:event", args=[event.slug])).json()["image"] is None


def test_no_image_anywhere_shows_none(client, edition):
    event = EventFactory(edition=edition, published=True)

    page = client.get(event.get_absolute_url()).content.decode()

    assert "fr-content-media" not in page
    # Link previews get the visual drawn for the event (programme/paper), not an image.
    assert f"/evenements/{event.slug}/visuel-1200x630.png" in page
    assert "fr-card__img" not in client.get(reverse("events:programme")).content.decode()


def test_api_gives_the_image_url_alt_and_credit(client, published_with_image, settings):
    key = published_with_image.image

    data = client.get(reverse("api:event", args=[published_with_image.slug])).json()

    assert data["image"]["url"] == f"{settings.SITE_URL}/media/images/{key}-1200w.webp"
    assert (data["image"]["width"], data["image"]["height"]) == (1200, 675)
    assert data["image"]["alt"] == ALT
    assert data["image"]["credit"] == "© Ville de Rennes"
    assert [r["width"] for r in data["image"]["renditions"]] == [400, 800, 1200]


def test_programme_query_count_does_not_grow_with_images(client, edition, settings):
    settings.PAGE_CACHE_ENABLED = False
    edition.is_current = True
    edition.save()
    stored = images.image_store(prepared=images.read_upload(upload(image_bytes())))
    EventFactory(edition=edition, published=True)
    with CaptureQueriesContext(connection) as one:
        client.get("/programme/")

    EventFactory.create_batch(
        5,
        edition=edition,
        published=True,
        image=stored.key,
        image_width=stored.width,
        image_height=stored.height,
        image_alt=ALT,
    )
    with CaptureQueriesContext(connection) as six:
        response = client.get("/programme/")

    assert response.content.decode().count('class="fr-card__img"') == 5
    assert len(six) == len(one)


# Storage settings --------------------------------------------------------------------------------


def _settings_with(env: dict) -> dict:
    """Import the settings module in a fresh interpreter with `env` (no network: boto3 is
    not even called, only the configuration is read)."""
    code = (
        "import json\n"
        "from moisinno import settings as s\n"
        "print(json.dumps({'storages': s.STORAGES['default'], 'img': s.SECURE_CSP['img-src'],"
        " 'serve': s.SERVE_MEDIA}))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("S3_")}
    result = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", code],
        env={**base, "DEBUG": "true", **env},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_settings_use_the_file_system_without_s3_variables():
    config = _settings_with({})

    assert config["storages"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    # The site itself and the map tiles (MAP_TILES_URL), no object storage.
    assert config["img"] == ["'self'", "data:", "https://data.geopf.fr"]
    assert config["serve"] is True


def test_settings_pick_s3_storage_and_allow_its_images_in_the_csp():
    config = _settings_with(
        {
            "S3_BUCKET": "moisinno-media",
            "S3_ENDPOINT_URL": "https://s3.gra.io.cloud.ovh.net",
            "S3_REGION": "gra",
            "S3_ACCESS_KEY_ID": "AKIA-TEST",
            "S3_SECRET_ACCESS_KEY": "secret-test",
        }
    )

    assert config["storages"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = config["storages"]["OPTIONS"]
    assert options["bucket_name"] == "moisinno-media"
    assert options["endpoint_url"] == "https://s3.gra.io.cloud.ovh.net"
    assert options["querystring_auth"] is False
    assert config["img"] == [
        "'self'",
        "data:",
        "https://s3.gra.io.cloud.ovh.net",
        "https://data.geopf.fr",
    ]
    assert config["serve"] is False


def test_settings_s3_custom_domain_is_the_csp_source():
    config = _settings_with({"S3_BUCKET": "b", "S3_CUSTOM_DOMAIN": "medias.exemple.gouv.fr"})

    assert "https://medias.exemple.gouv.fr" in config["img"]
    assert config["storages"]["OPTIONS"]["custom_domain"] == "medias.exemple.gouv.fr"


def test_s3_storage_builds_public_urls_from_the_settings_without_the_network():
    storage = S3Storage(
        bucket_name="moisinno-media",
        custom_domain="medias.exemple.gouv.fr",
        querystring_auth=False,
        access_key="k",
        secret_key="s",  # noqa: S106 - a test value
    )

    assert storage.url("images/abc-400w.webp") == (
        "https://medias.exemple.gouv.fr/images/abc-400w.webp"
    )


# The edition's default image, set in the admin -------------------------------------------------


def test_a_superuser_sets_the_edition_default_image_in_the_admin(client, edition, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:events_edition_change", args=[edition.pk])
    data = resubmit_data(client.get(url), default_image_credit="DITP")
    data["default_image_file"] = upload(image_bytes(size=(1200, 600)))

    response = client.post(url, data)

    assert response.status_code == 302
    edition.refresh_from_db()
    assert (edition.default_image_width, edition.default_image_height) == (1200, 600)
    assert default_storage.exists(f"images/{edition.default_image}-1200w.webp")
    assert edition.default_picture.credit_line == "© DITP"
    # A text file is refused by its content, in French, and nothing changes.
    data["default_image_file"] = upload(b"texte", "faux.png", "image/png")
    response = client.post(url, data)
    assert images.NOT_AN_IMAGE in response.content.decode()
