"""French dates, times and sessions: one spelling for pages, e-mails, exports and calendars.

Hours are written the French way with non-breaking spaces: « 9 h », « 14 h 30 ». Template
filters (`programme.templatetags.events_tags`) and services call these functions.
"""

import datetime
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.translation import get_language

NBSP = "\u00a0"


def french_date(day: datetime.date, fmt: str = "j F Y") -> str:
    """`1er novembre 2026`, `2 novembre 2026`: French ordinal for the first of the month."""
    return _french_date(day, fmt, get_language())


@lru_cache(maxsize=4096)
def _french_date(day: datetime.date, fmt: str, language: str | None) -> str:
    # Kept: Django's date formatting costs 0.2 ms a call, and a programme page writes dozens
    # of the same few dates. `language` is part of the key, though the site speaks French only.
    text = date_format(day, fmt)
    return text.replace("1 ", "1er ", 1) if day.day == 1 and "j" in fmt else text


def french_dates(days) -> str:
    """ "15 novembre 2022", "15 novembre 2022 et 17 novembre 2022", "a, b et c"."""
    labels = [french_date(day) for day in sorted(set(days))]
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} et {labels[-1]}"


def french_time(value: datetime.time | None) -> str:
    """10:00 → "10 h", 14:30 → "14 h 30" (French typography, non-breaking spaces)."""
    if value is None:
        return ""
    return f"{value.hour}{NBSP}h" + (f"{NBSP}{value.minute:02d}" if value.minute else "")


def session_times(session) -> str:
    """ "de 10 h à 12 h", "à 10 h" or "" when the times are not known yet."""
    if session.start_time and session.end_time:
        return f"de {french_time(session.start_time)} à {french_time(session.end_time)}"
    if session.start_time:
        return f"à {french_time(session.start_time)}"
    return ""


def session_label(session, with_year: bool = True) -> str:
    """ "mardi 15 novembre 2022, de 10 h à 12 h"."""
    day = french_date(session.date, "l j F Y" if with_year else "l j F")
    times = session_times(session)
    return f"{day}, {times}" if times else day


def session_numeric(session) -> str:
    """ "15/11/2022 10:00-12:00": the compact form of spreadsheets."""
    text = f"{session.date:%d/%m/%Y}"
    if session.start_time:
        text += f" {session.start_time:%H:%M}"
        if session.end_time:
            text += f"-{session.end_time:%H:%M}"
    return text
