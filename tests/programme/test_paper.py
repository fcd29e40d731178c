"""The printed programme, `/programme.pdf`: the events of the HTML listing, a tagged PDF/UA,
printed within the request when small, by the task worker when large.

The PDFs are read back as a reader would: `pdftotext` (Debian's poppler-utils) for the text,
pikepdf for the structure, the language, the title and the fonts.
"""

import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pikepdf
import pytest
from django.core.files.storage import default_storage
from django_tasks_db.models import DBTaskResult
from PIL import Image

from programme.paper import programme_pdf as printing
from programme.paper import store
from programme.paper.tasks import render_programme
from tests.programme.conftest import HOSTILE, SELECTIONS, SITE, content, html_slugs, slug_of

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (Debian's poppler-utils) is missing"
)

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_text(body: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=body, capture_output=True, check=True
    )
    return result.stdout.decode()


def pdf_slugs(body: bytes) -> set[str]:
    """The events a PDF links to (each QR code is a link to its event's page)."""
    slugs = set()
    with pikepdf.open(io.BytesIO(body)) as pdf:
        for page in pdf.pages:
            for annotation in page.obj.get("/Annots", []):
                uri = str(annotation.get("/A", {}).get("/URI", ""))
                if "/evenements/" in uri:
                    slugs.add(slug_of(uri))
    return slugs


def get_pdf(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    return content(response)


@pytest.mark.parametrize("query", ["region=53", *SELECTIONS[2:5]])
def test_the_pdf_lists_exactly_the_events_of_the_html_programme(client, programme, settings, query):
    settings.TASKS = IMMEDIATE
    expected = html_slugs(client, f"/programme/?{query}")

    body = get_pdf(client, f"/programme.pdf?{query}")

    assert pdf_slugs(body) == expected
    text = pdf_text(body)
    for event in programme.values():
        assert (event.title in text) == (event.slug in expected), event.title


def test_the_pdf_of_a_region_names_the_selection_and_each_event_in_words(
    client, programme, settings
):
    settings.TASKS = IMMEDIATE

    text = pdf_text(get_pdf(client, "/programme.pdf?region=53"))

    assert "Programme — Bretagne" in text
    assert "Sommaire" in text
    assert "Atelier à Rennes" in text
    assert "Annulé\u00a0: Atelier annulé" in text or "Annulé : Atelier annulé" in text
    assert "Sur inscription" in text or "Sans inscription" in text
    assert re.search(r"Page \d+", text)
    # Nothing private: the DITP's contact, the session's link.
    assert "contact@" not in text and "webinaire.example.gouv.fr" not in text


def test_the_pdf_is_tagged_pdf_ua_in_french_with_a_title_and_embedded_fonts(
    client, programme, settings
):
    settings.TASKS = IMMEDIATE

    body = get_pdf(client, "/programme.pdf?region=53")

    with pikepdf.open(io.BytesIO(body)) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.Root.StructTreeRoot.K[0].S == "/Document"
        assert pdf.Root.MarkInfo.Marked
        assert str(pdf.Root.Lang) == "fr"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        assert str(pdf.docinfo.Title).startswith("Programme du Mois de l’innovation publique")
        with pdf.open_metadata() as xmp:
            assert xmp.get("pdfuaid:part") == "1"
        fonts = [
            font for page in pdf.pages for font in page.obj.Resources.get("/Font", {}).values()
        ]
        assert fonts
        for font in fonts:
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.FontDescriptor
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys())
            assert "Marianne" in str(descriptor.FontName)
        tags = set()

        def walk(element):
            if isinstance(element, pikepdf.Dictionary) and "/S" in element:
                tags.add(str(element.S))
                kids = element.get("/K")
                for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                    walk(kid)

        walk(pdf.Root.StructTreeRoot.K[0])
        assert {"/Table", "/Caption", "/TH", "/TD", "/H1", "/H2", "/Figure"} <= tags


def test_a_long_programme_is_printed_in_parts_and_keeps_one_structure_tree(
    client, programme, settings, monkeypatch
):
    settings.TASKS = IMMEDIATE
    monkeypatch.setattr(printing, "PART_ROWS", 2)
    expected = html_slugs(client, "/programme/")

    body = get_pdf(client, "/programme.pdf")

    assert pdf_slugs(body) == expected
    with pikepdf.open(io.BytesIO(body)) as pdf:
        pages = {page.objgen for page in pdf.pages}
        root = pdf.Root.StructTreeRoot
        nums = root.ParentTree.Nums
        keys = {int(nums[i]) for i in range(0, len(nums), 2)}
        assert {int(page.obj.StructParents) for page in pdf.pages} <= keys
        assert int(root.ParentTreeNextKey) > max(keys)

        def pages_of(element):
            if isinstance(element, pikepdf.Dictionary) and "/S" in element:
                if "/Pg" in element:
                    yield element.Pg.objgen
                kids = element.get("/K")
                for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                    yield from pages_of(kid)

        assert set(pages_of(root.K[0])) <= pages  # no element on a page left out
        with pdf.open_outline() as outline:
            assert len(outline.root) >= 2  # one bookmark a day
    text = pdf_text(body)
    numbers = [int(n) for n in re.findall(r"Page (\d+)", text)]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


def test_a_large_selection_is_prepared_by_the_worker_then_served(client, programme, monkeypatch):
    monkeypatch.setattr(store, "INLINE_MAX_EVENTS", 0)

    pending = client.get("/programme.pdf?region=53")

    assert pending.status_code == 202
    assert pending["Retry-After"]
    assert "no-store" in pending["Cache-Control"]
    assert "en préparation" in pending.content.decode()
    task = DBTaskResult.objects.get()
    assert task.task_path == "programme.paper.tasks.render_programme"
    # Asked again before the worker ran: still one task.
    assert client.get("/programme.pdf?region=53").status_code == 202
    assert DBTaskResult.objects.count() == 1

    name = render_programme.call(*task.args_kwargs["args"])

    assert default_storage.exists(name)
    response = client.get("/programme.pdf?region=53")
    assert response.status_code == 200
    assert content(response).startswith(b"%PDF-")


def test_after_a_change_the_previous_copy_is_served_while_the_next_is_printed(
    client, programme, monkeypatch
):
    monkeypatch.setattr(store, "INLINE_MAX_EVENTS", 0)
    client.get("/programme.pdf?region=53")
    render_programme.call(*DBTaskResult.objects.get().args_kwargs["args"])
    event = programme["rennes"]
    event.title = "Atelier renommé"
    event.save()  # raises the public-content version

    response = client.get("/programme.pdf?region=53")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"  # not kept by the page cache
    assert "Atelier à Rennes" in pdf_text(content(response))
    assert DBTaskResult.objects.count() == 2  # the new copy is queued


@pytest.mark.parametrize("query", HOSTILE)
def test_invalid_criteria_get_a_french_400(client, programme, query):
    response = client.get(f"/programme.pdf?{query}")

    assert response.status_code == 400
    assert "ne peut pas être exportée" in response.content.decode()


def test_the_programme_page_links_to_the_pdf_of_its_selection(client, programme):
    page = client.get("/programme/?region=53").content.decode()

    assert "Télécharger le programme (PDF)" in page
    assert "/programme.pdf?region=53" in page


# Posters and social visuals ----------------------------------------------------------------------


def decode_qr(png: bytes) -> str:
    """The text of the QR code in an image, read by zbar (Debian's zbar-tools)."""
    with tempfile.NamedTemporaryFile(suffix=".png") as file:
        file.write(png)
        file.flush()
        result = subprocess.run(
            ["zbarimg", "--quiet", "--raw", file.name], capture_output=True, check=True
        )
    return result.stdout.decode().strip()


needs_zbar = pytest.mark.skipif(
    shutil.which("zbarimg") is None, reason="zbarimg (Debian's zbar-tools) is missing"
)


@needs_zbar
@pytest.mark.parametrize("size", ["a4", "a3"])
def test_the_poster_qr_code_leads_to_the_event_page(client, programme, size, tmp_path):
    event = programme["rennes"]

    response = client.get(f"/evenements/{event.slug}/affiche-{size}.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    (tmp_path / "poster.pdf").write_bytes(response.content)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", "poster.pdf", "poster"],
        cwd=tmp_path,
        check=True,
    )
    assert decode_qr((tmp_path / "poster.png").read_bytes()) == f"{SITE}/evenements/{event.slug}/"
    text = pdf_text(response.content)
    assert event.title in text and event.organization.name in text
    with pikepdf.open(io.BytesIO(response.content)) as pdf:
        assert str(pdf.Root.Lang) == "fr" and "/StructTreeRoot" in pdf.Root
        width = float(pdf.pages[0].mediabox[2])
        assert round(width) == (842 if size == "a3" else 595)


@needs_zbar
@pytest.mark.parametrize(("width", "height"), [(1200, 630), (1080, 1080)])
def test_the_social_visuals_are_pngs_of_their_size_with_a_qr_code(client, programme, width, height):
    event = programme["webinaire"]

    response = client.get(f"/evenements/{event.slug}/visuel-{width}x{height}.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "max-age" in response["Cache-Control"]
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (width, height)
    assert decode_qr(response.content) == f"{SITE}/evenements/{event.slug}/"


def test_posters_and_visuals_exist_only_in_their_sizes_and_for_public_events(client, programme):
    event = programme["rennes"]

    assert client.get(f"/evenements/{event.slug}/affiche-a5.pdf").status_code == 404
    assert client.get(f"/evenements/{event.slug}/visuel-100x100.png").status_code == 404
    assert client.get("/evenements/s-draft/affiche-a4.pdf").status_code == 404
    assert client.get("/evenements/s-draft/visuel-1200x630.png").status_code == 404


def test_nothing_private_reaches_a_poster(client, programme):
    event = programme["webinaire"]  # its session's link is private

    text = pdf_text(client.get(f"/evenements/{event.slug}/affiche-a4.pdf").content)

    assert "En ligne" in text
    assert "webinaire.example.gouv.fr" not in text and "contact@" not in text


def test_the_event_page_previews_with_its_visual_when_it_has_no_image(client, programme):
    event = programme["rennes"]

    page = client.get(event.get_absolute_url()).content.decode()

    assert f'content="{SITE}/evenements/{event.slug}/visuel-1200x630.png"' in page


MERGE_PEAK = """
import json, resource, sys
from pathlib import Path
from programme.paper.pdf_merge import merge_parts
front, part, count, target = sys.argv[1:]
pages = merge_parts(Path(front), [Path(part)] * int(count), Path(target), outline=[("Jour", 1)])
print(json.dumps([pages, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024]))
"""


def test_merging_parts_holds_one_part_at_a_time(tmp_path):
    """The merge's peak does not grow with the number of parts (it grew 0.6 MB a page when
    every copied object stayed in memory until the save): one process a count, the same part."""
    from programme.paper.rendering import html_to_pdf  # noqa: PLC0415 - optional dependency

    rows = "".join(
        f'<tr><td>{i} h</td><td><span>Atelier {i}</span> <a href="https://x.invalid/{i}/">'
        f"page</a></td></tr>"
        for i in range(200)
    )
    front, part = tmp_path / "front.pdf", tmp_path / "part.pdf"
    html_to_pdf('<html lang="fr"><title>Programme</title><h1>Programme</h1></html>', front)
    html_to_pdf(f'<html lang="fr"><title>P</title><table>{rows}</table></html>', part)
    with pikepdf.open(part) as pdf:
        part_pages = len(pdf.pages)

    def merge(count: int) -> tuple[int, int]:
        target = tmp_path / f"merged-{count}.pdf"
        result = subprocess.run(
            [sys.executable, "-c", MERGE_PEAK, front, part, str(count), target],
            cwd=Path(printing.__file__).parents[2],
            capture_output=True,
            check=True,
        )
        return json.loads(result.stdout.decode().splitlines()[-1])

    (pages_1, peak_1), (pages_80, peak_80) = merge(1), merge(80)

    assert pages_80 - pages_1 == 79 * part_pages
    assert peak_80 - peak_1 < 20, (peak_1, peak_80)  # MB
    with pikepdf.open(tmp_path / "merged-80.pdf") as pdf:
        root = pdf.Root.StructTreeRoot
        nums = root.ParentTree.Nums
        keys = [int(nums[i]) for i in range(0, len(nums), 2)]
        assert len(set(keys)) == len(keys) and int(root.ParentTreeNextKey) > max(keys)
        assert {int(page.obj.StructParents) for page in pdf.pages} <= set(keys)
        document = root.K[0]
        assert all(kid.P.objgen == document.objgen for kid in document.K)
        assert str(pdf.Root.Lang) == "fr"
