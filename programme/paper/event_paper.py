"""An event on walls and networks: its poster (A4 or A3, a tagged PDF) and its social visuals
(PNG, 1200 × 630 for link previews, 1080 × 1080 for networks that crop square).

They say what the public page says, no more: title, dates, place or « En ligne », organiser,
the edition's visual, a QR code to the page. Never a link to join online nor a contact. Each is
kept by public-content version (`version_cached`), as the pages.
"""

import functools
import io
import textwrap

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from PIL import Image, ImageDraw, ImageFont

from moisinno.formatting import french_dates, session_label
from moisinno.pagecache import version_cached

from ..cards import event_place
from ..structured_data import absolute_url
from .qr import qr_data_uri, qr_png
from .rendering import brand_css, css_string, font_faces, html_to_pdf, media_url, static_url

POSTER_SIZES = {"a4": "A4", "a3": "A3"}
VISUAL_SIZES = {(1200, 630), (1080, 1080)}

BLUE = (0, 0, 145)  # DSFR « bleu France »
RED = (225, 0, 15)  # DSFR « rouge Marianne »
WHITE = (255, 255, 255)
GREY = (58, 58, 58)
INK = (22, 22, 22)


def event_dates(event) -> str:
    """ "mardi 15 novembre 2022, de 10 h à 12 h", or the days of a longer event."""
    sessions = list(event.sessions.all())
    if len(sessions) == 1:
        return session_label(sessions[0])
    if sessions:
        return french_dates(session.date for session in sessions)
    return french_dates([event.starts_on]) if event.starts_on else "Dates à préciser"


def poster_pdf(event, size: str) -> bytes:
    """The poster of `event` in `size` (`a4`, `a3`), kept until the public content changes."""

    def compute() -> bytes:
        url = absolute_url(event.get_absolute_url())
        picture = event.edition.default_picture
        html = render_to_string(
            "programme/paper/poster.html",
            {
                "event": event,
                "title": f"{event.title} — Mois de l’innovation publique {event.edition.year}",
                "page_size": POSTER_SIZES[size],
                # A3 is A4 scaled by √2: the same poster, larger.
                "font_size": 20 if size == "a3" else 14,
                "dates": event_dates(event),
                "place": event_place(event),
                "url": url,
                "qr": qr_data_uri(url),
                "visual": css_string(media_url(picture.image.largest.name)) if picture else "",
                "font_faces": font_faces(),
                "brand_css": brand_css(),
                "stylesheet": static_url("css/paper.css"),
            },
        )
        return html_to_pdf(html)

    return version_cached(f"paper:poster:{event.pk}:{size}", compute)


@functools.cache
def _font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    name = {"bold": "Marianne-Bold.woff", "regular": "Marianne-Regular.woff"}[weight]
    return ImageFont.truetype(finders.find(f"dsfr/dist/fonts/{name}"), size)


def _wrap(draw, text: str, font, width: int, max_lines: int) -> list[str]:
    """`text` in lines of at most `width` pixels, the last one cut with « … »."""
    words, lines = text.split(), []
    for word in words:
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = textwrap.shorten(lines[-1] + " …", width=len(lines[-1]), placeholder=" …")
    return lines


def social_visual(event, width: int, height: int) -> bytes:
    """A PNG of `width` × `height`: the edition's name on a blue band, the title, dates,
    place and organiser, a QR code to the page."""

    def compute() -> bytes:
        return _draw_visual(event, width, height)

    return version_cached(f"paper:visual:{event.pk}:{width}x{height}", compute)


def _draw_visual(event, width: int, height: int) -> bytes:
    image = Image.new("RGB", (width, height), WHITE)
    draw = ImageDraw.Draw(image)
    margin = width // 16
    band = height // 5 if height < width else height // 6
    draw.rectangle([0, 0, width, band], fill=BLUE)
    draw.rectangle([0, band, width, band + 8], fill=RED)
    header = _font("bold", min(band // 3, width // 24))
    draw.text(
        (margin, band // 2),
        f"Mois de l’innovation publique {event.edition.year}",
        font=header,
        fill=WHITE,
        anchor="lm",
    )
    qr_size = min(height - band, width) // 3
    qr = Image.open(io.BytesIO(qr_png(absolute_url(event.get_absolute_url()))))
    qr = qr.convert("RGB").resize((qr_size, qr_size), Image.Resampling.NEAREST)
    image.paste(qr, (width - margin - qr_size, height - margin - qr_size))
    text_width = width - 2 * margin - (qr_size + margin if height <= width * 0.6 else 0)
    y = band + margin
    title_font = _font("bold", width // 20 if height < width else width // 15)
    for line in _wrap(draw, event.title, title_font, text_width, 3 if height < width else 4):
        draw.text((margin, y), line, font=title_font, fill=INK)
        y += int(title_font.size * 1.2)
    y += title_font.size // 2
    detail = _font("regular", width // 38 if height < width else width // 28)
    details = [event_dates(event), event_place(event), event.organization.name]
    narrow = width - 2 * margin - qr_size - margin
    for text in details:
        for line in _wrap(draw, text, detail, narrow, 2):
            if y + detail.size > height - margin // 2:
                break
            draw.text((margin, y), line, font=detail, fill=GREY)
            y += int(detail.size * 1.3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def badge_png(edition) -> bytes:
    """« Événement référencé — Mois de l'innovation publique <year> »: the badge organisers
    put on their pages (600 × 200)."""

    def compute() -> bytes:
        width, height = 600, 200
        image = Image.new("RGB", (width, height), BLUE)
        draw = ImageDraw.Draw(image)
        draw.rectangle([0, height - 12, width, height], fill=RED)
        draw.text((32, 62), "Événement référencé", font=_font("bold", 44), fill=WHITE, anchor="lm")
        draw.text(
            (32, 128),
            f"Mois de l’innovation publique {edition.year}",
            font=_font("regular", 32),
            fill=WHITE,
            anchor="lm",
        )
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue()

    return version_cached(f"paper:badge:{edition.pk}", compute)
