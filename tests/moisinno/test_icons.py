"""The site's icon stylesheet: only the DSFR icons the pages use, inlined (moisinno/icons.py)."""

import re

import pytest

from moisinno.icons import OUTPUT, build_icons_css, used_icons


def test_the_icon_stylesheet_is_up_to_date():
    """Run `manage.py build_icons_css` after using a new icon."""
    assert OUTPUT.read_text(encoding="utf-8") == build_icons_css()


def test_every_icon_the_site_uses_exists_in_the_design_system():
    declared = set(re.findall(r"\.(fr-icon-[a-z0-9-]+):after", OUTPUT.read_text()))

    assert used_icons() - declared == set()
    assert {"fr-icon-star-line", "fr-icon-calendar-line", "fr-icon-filter-line"} <= declared


def test_the_icons_need_no_request_of_their_own():
    css = OUTPUT.read_text()

    assert ".svg" not in css
    assert css.count('url("data:image/svg+xml,') == 2 * len(used_icons())
    assert len(css.encode()) < 40_000  # DSFR's utility stylesheet: 459 KB


@pytest.mark.django_db
def test_pages_load_the_site_icons_and_preload_the_fonts(client, edition):
    html = client.get("/programme/").content.decode()

    assert "css/icons.css" in html
    assert "utility.min.css" not in html
    assert re.search(r'<link rel="preload"\s+href="[^"]*Marianne-Regular\.woff2"', html)
    assert 'as="font"' in html and "crossorigin" in html
