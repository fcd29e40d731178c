"""The printable programme of a selection: a cover, a table of contents by day, then each day's
sessions by time, one table a day (`templates/programme/paper/programme.html`).

It lists exactly the events of the programme page with the same parameters (the feeds'
`FeedSelection`): an event held on several days appears on each of them. What it prints is
public: title, format, organiser, the place or « En ligne », the registration mode and a QR code
to the event's page. Never a link to join online, an e-mail address or a contact.

**Memory stays bounded.** WeasyPrint keeps a document's whole layout in memory (about 4 MB a
page of this programme), so a selection of more than `PART_ROWS` sessions is rendered in parts
of at most that many: the cover and contents first, then each part with its page numbers
following on, each written to a temporary file and let go, then `pdf_merge.merge_parts` joins the
files with their structure trees, one part at a time. The peak is that of one part whatever the
selection.
"""

import datetime
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from events.enums import RegistrationMode
from moisinno.formatting import french_date, session_times

from ..cards import event_place
from ..feeds.selection import FeedSelection
from ..structured_data import absolute_url
from .qr import qr_data_uri, qr_data_uris
from .rendering import brand_css, css_string, font_faces, html_to_pdf, static_url

#: Sessions per WeasyPrint document: about 35 pages, 250 MB at the peak.
PART_ROWS = 300

REGISTRATION = {
    RegistrationMode.NONE: "Sans inscription",
    RegistrationMode.LINK: "Sur inscription (en ligne)",
    RegistrationMode.EMAIL: "Sur inscription (par courriel)",
}


@dataclass
class Row:
    time: str
    sort_time: datetime.time
    title: str
    format: str
    organization: str
    place: str
    registration: str
    status: str  # « Annulé », « Complet »… ; '' when it takes place as announced
    url: str
    qr: str = ""


@dataclass
class Day:
    date: datetime.date | None
    rows: list[Row] = field(default_factory=list)
    continued: bool = False  # the rest of a day begun in the previous part
    page: int | None = None  # its first page, once known (a programme in parts)

    @property
    def anchor(self) -> str:
        return f"jour-{self.date:%Y-%m-%d}" if self.date else "jour-a-preciser"

    @property
    def label(self) -> str:
        return french_date(self.date, "l j F Y").capitalize() if self.date else "Dates à préciser"


def selection_words(feed: FeedSelection) -> str:
    """« Bretagne, Atelier »: the selection's criteria as the programme page names them."""
    return ", ".join(tag.label for tag in feed.selection.filterset.active_filters())


def _session_place(session, event) -> str:
    if session.is_in_person:
        city = session.city or event.city
        where = ", ".join(part for part in [session.venue_name, city] if part)
        return f"{where} et en ligne" if session.is_online else where
    return "En ligne"


def _hours(session) -> str:
    """ "10 h – 12 h", "10 h", or « Horaire à préciser »."""
    times = session_times(session)
    if times.startswith("de "):
        return times.removeprefix("de ").replace(" à ", " – ")
    return times.removeprefix("à ") or "Horaire à préciser"


def _rows(event) -> Iterator[tuple[datetime.date | None, Row]]:
    url = absolute_url(event.get_absolute_url())
    status = event.public_status
    common = {
        "title": event.title,
        "format": event.format.name if event.format_id else "",
        "organization": event.organization.name,
        "registration": REGISTRATION.get(event.registration_mode, ""),
        "status": status.label if status.badge else "",
        "url": url,
    }
    sessions = list(event.sessions.all())
    if not sessions:
        yield None, Row(time="", sort_time=datetime.time(), place=event_place(event), **common)
    for session in sessions:
        yield (
            session.date,
            Row(
                time=_hours(session),
                sort_time=session.start_time or datetime.time(),
                place=_session_place(session, event),
                **common,
            ),
        )


def programme_days(feed: FeedSelection) -> list[Day]:
    """The selection's sessions grouped by day, each day by start time then title, with the
    QR codes of their events."""
    by_day: dict[datetime.date | None, list[Row]] = {}
    for event in feed.events("sessions"):
        for date, row in _rows(event):
            by_day.setdefault(date, []).append(row)
    # The QR codes at once (the cache keeps them by URL), shared by an event's sessions.
    rows = [row for day_rows in by_day.values() for row in day_rows]
    codes = qr_data_uris(list(dict.fromkeys(row.url for row in rows)))
    for row in rows:
        row.qr = codes[row.url]
    return [
        Day(date=date, rows=sorted(rows, key=lambda r: (r.sort_time, r.title.casefold())))
        for date, rows in sorted(by_day.items(), key=lambda item: item[0] or datetime.date.max)
    ]


def split_parts(days: list[Day], size: int | None = None) -> list[list[Day]]:
    """Days in parts of at most `size` sessions; a longer day is cut, its rest `continued`."""
    size = size or PART_ROWS
    parts: list[list[Day]] = [[]]
    room = size
    for day in days:
        rows, continued = day.rows, False
        while rows:
            if room == 0:
                parts.append([])
                room = size
            taken, rows = rows[:room], rows[room:]
            parts[-1].append(replace(day, rows=taken, continued=continued))
            room -= len(taken)
            continued = True
    return [part for part in parts if part]


#: Beyond this, the cover gives the programme's address without the selection: a QR code holds
#: about 2,000 characters, and a printed address should be typed in.
MAX_PRINTED_QUERY = 300


def programme_page_url(feed: FeedSelection) -> str:
    path = (
        reverse("events:programme")
        if feed.edition.is_current
        else reverse("events:edition", args=[feed.edition.year])
    )
    query = feed.query if len(feed.query) <= MAX_PRINTED_QUERY else ""
    return absolute_url(path) + (f"?{query}" if query else "")


def programme_title(feed: FeedSelection) -> str:
    words = selection_words(feed)
    title = f"Programme du Mois de l’innovation publique {feed.edition.year}"
    return f"{title} — {words}" if words else title


def _html(feed: FeedSelection, *, front: bool, days: list[Day], toc: list[Day], **extra) -> str:
    page_url = programme_page_url(feed)
    return render_to_string(
        "programme/paper/programme.html",
        {
            "title": programme_title(feed),
            "edition": feed.edition,
            "words": selection_words(feed),
            "front": front,
            "days": days,
            "toc": toc,
            "count": feed.count,
            "sessions": sum(len(day.rows) for day in toc),
            "printed_on": french_date(timezone.localdate()),
            "page_url": page_url,
            "page_qr": qr_data_uri(page_url) if front else "",
            "font_faces": font_faces(),
            "brand_css": brand_css(),
            "stylesheet": static_url("css/paper.css"),
            "footer": css_string(programme_title(feed)),
            **extra,
        },
    )


def programme_pdf(feed: FeedSelection, target: Path) -> int:
    """Write the programme of `feed` into the file `target`; returns its number of pages."""
    days = programme_days(feed)
    parts = split_parts(days)
    if len(parts) <= 1:
        html = _html(feed, front=True, days=days, toc=days, toc_links=True)
        html_to_pdf(html, str(target))
        return _page_count(target)
    return _programme_in_parts(feed, days, parts, target)


def _page_count(path: Path) -> int:
    import pikepdf  # noqa: PLC0415 - optional dependency

    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def _programme_in_parts(
    feed: FeedSelection, days: list[Day], parts: list[list[Day]], target: Path
) -> int:
    by_date = {day.date: day for day in days}
    with tempfile.TemporaryDirectory(prefix="moisinno-programme-") as folder:
        folder = Path(folder)
        # The front's length depends on the number of days only: measured without the pages.
        front = folder / "front.pdf"
        html_to_pdf(_html(feed, front=True, days=[], toc=days), str(front))
        next_page = _page_count(front) + 1
        files, outline = [], []
        for index, part in enumerate(parts):
            path = folder / f"part-{index:04d}.pdf"
            html = _html(feed, front=False, days=part, toc=days, first_page=next_page)
            html_to_pdf(html, str(path))
            starts, pages = _heading_pages(path)
            for day, start in zip(part, starts, strict=False):
                if not day.continued and start is not None:
                    by_date[day.date].page = next_page + start
                    outline.append((day.label, next_page - 1 + start))
            files.append(path)
            next_page += pages
        # Again, now with each day's page in the contents.
        html_to_pdf(_html(feed, front=True, days=[], toc=days), str(front))
        from .pdf_merge import merge_parts  # noqa: PLC0415 - optional dependency

        return merge_parts(front, files, target, outline=outline)


def _heading_pages(path: Path) -> tuple[list[int | None], int]:
    """The page (from 0) of each day heading of a part, from its bookmarks; its page count."""
    import pikepdf  # noqa: PLC0415 - optional dependency

    with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
        starts = [
            pages.get(item.destination[0].objgen) if item.destination else None
            for item in outline.root
        ]
        return starts, len(pdf.pages)
