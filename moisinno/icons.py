"""The DSFR icons the site uses, as one small stylesheet (`static/css/icons.css`).

DSFR's utility stylesheet (`utility/utility.min.css`, 459 KB) declares every icon class of the
design system, each pointing at its own SVG file, so a first visit paid half a megabyte of CSS
and one request per icon for the twenty-odd icons our pages show. `build_icons_css()` keeps the
rules of the `fr-icon-*` classes found in our templates and code (and django-dsfr's templates),
with each SVG inlined as a data URI (the CSP allows `data:` images): one file of a few KB.

`manage.py build_icons_css` writes it; a test fails when a template uses an icon the file lacks.
"""

import re
from pathlib import Path
from urllib.parse import quote

import dsfr
from django.conf import settings

ICON_CLASS = re.compile(r"\bfr-icon-[a-z0-9-]+[a-z0-9]")
DSFR_DIST = Path(dsfr.__file__).resolve().parent / "static" / "dsfr" / "dist"
ICONS_CSS = DSFR_DIST / "utility" / "icons" / "icons.min.css"
OUTPUT = Path(settings.BASE_DIR) / "static" / "css" / "icons.css"
# Where icon classes are written: our templates, code and scripts, and django-dsfr's templates.
SOURCES = [
    (
        Path(settings.BASE_DIR),
        (
            "templates",
            "static/js",
            "moisinno",
            "organizers",
            "labs",
            "events",
            "programme",
            "alerts",
        ),
        (".html", ".py", ".js"),
    ),
    (Path(dsfr.__file__).resolve().parent, ("templates",), (".html",)),
]
_RULE = re.compile(
    r"\.(fr-icon-[a-z0-9-]+):after,\.\1:before\{-webkit-mask-image:url\(([^)]+)\);"
    r"mask-image:url\(\2\)\}"
)


def used_icons() -> set[str]:
    found: set[str] = set()
    for root, folders, suffixes in SOURCES:
        for folder in folders:
            for path in (root / folder).rglob("*"):
                if path.suffix in suffixes and "migrations" not in path.parts:
                    found.update(ICON_CLASS.findall(path.read_text(encoding="utf-8")))
    return found


def build_icons_css() -> str:
    wanted = used_icons()
    rules = []
    for match in _RULE.finditer(ICONS_CSS.read_text(encoding="utf-8")):
        name, url = match.groups()
        if name not in wanted:
            continue
        svg = (ICONS_CSS.parent / url).resolve().read_text(encoding="utf-8").strip()
        data = "data:image/svg+xml," + quote(svg, safe=" =:/'-.,")
        rules.append(
            f'.{name}:after,.{name}:before{{-webkit-mask-image:url("{data}");'
            f'mask-image:url("{data}")}}'
        )
    header = (
        "/* DSFR icons used by Moisinno, built by `manage.py build_icons_css` from "
        f"django-dsfr's {ICONS_CSS.relative_to(DSFR_DIST)} (MIT). Do not edit. */"
    )
    return "\n".join([header, *rules]) + "\n"
