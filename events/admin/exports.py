"""Exports of events for DITP reporting: CSV for Excel (French locale) and XLSX.

Both take a queryset (the admin changelist's filtered rows or a selection) and write the same
columns with French headers.
"""

import csv
import datetime
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from moisinno.formatting import session_numeric

from ..models import Event, EventSession

# Excel reads a CSV as UTF-8 only with a byte order mark, and expects ";" in a French locale.
CSV_BOM = "\ufeff"
CSV_DELIMITER = ";"
# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _yes_no(value: bool) -> str:
    return "oui" if value else "non"


def _date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _datetime(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def _public_url(event: Event) -> str:
    return f"{settings.SITE_URL}{event.get_absolute_url()}" if event.is_public else ""


def _names(objects: Iterable) -> str:
    return ", ".join(str(obj) for obj in objects)


def _sessions(event: Event) -> str:
    return ", ".join(session_numeric(session) for session in event.sessions.all())


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Event], str | int | None]


COLUMNS = [
    Column("Identifiant", lambda e: e.pk),
    Column("Édition", lambda e: e.edition.year),
    Column("Titre", lambda e: e.title),
    Column("Statut", lambda e: e.get_status_display()),
    Column("Organisation", lambda e: e.organization.name),
    Column("Type d'organisation", lambda e: e.organization.get_kind_display()),
    Column("Co-organisateurs", lambda e: _names(e.co_organizers.all())),
    Column("Laboratoires impliqués", lambda e: _names(e.labs.all())),
    Column("Format", lambda e: e.format.name if e.format else ""),
    Column("Thématiques", lambda e: _names(e.themes.all())),
    Column("Modalité", lambda e: e.get_attendance_mode_display()),
    Column("Premier jour", lambda e: _date(e.starts_on)),
    Column("Dernier jour", lambda e: _date(e.ends_on)),
    Column("Séances", _sessions),
    Column("Lieu", lambda e: e.venue_name),
    Column("Adresse", lambda e: e.address),
    Column("Code postal", lambda e: e.postal_code),
    Column("Ville", lambda e: e.city),
    Column("Département", lambda e: e.department_name),
    Column("Région", lambda e: e.region_name),
    Column("Public visé", lambda e: e.get_audience_display()),
    Column("Inscription", lambda e: e.get_registration_mode_display()),
    Column("Lien d'inscription", lambda e: e.registration_url),
    Column("Nombre de places", lambda e: e.capacity),
    Column("Dérogation demandée", lambda e: _yes_no(e.derogation_requested)),
    Column("Modifié depuis la validation", lambda e: _yes_no(e.changed_since_validation)),
    Column("Contact DITP — nom", lambda e: e.private_contact_name),
    Column("Contact DITP — courriel", lambda e: e.private_contact_email),
    Column("Soumis le", lambda e: _datetime(e.submitted_at)),
    Column("Publié le", lambda e: _datetime(e.published_at)),
    Column("Page publique", _public_url),
]
HEADERS = [column.header for column in COLUMNS]


def export_queryset(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """The rows to export, with everything the columns read in a constant number of queries."""
    return queryset.select_related("edition", "organization", "format").prefetch_related(
        "co_organizers",
        "labs",
        "themes",
        Prefetch("sessions", queryset=EventSession.objects.order_by("date", "start_time")),
    )


def _safe(value: str | int | None) -> str | int:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def rows(queryset: QuerySet[Event]) -> Iterable[list[str | int]]:
    for event in export_queryset(queryset):
        yield [_safe(column.value(event)) for column in COLUMNS]


def events_csv(queryset: QuerySet[Event]) -> str:
    buffer = io.StringIO()
    buffer.write(CSV_BOM)
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER)
    writer.writerow(HEADERS)
    writer.writerows(rows(queryset))
    return buffer.getvalue()


def events_xlsx(queryset: QuerySet[Event]) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415 - optional dependency

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Événements")
    sheet.freeze_panes = "A2"
    sheet.append(HEADERS)
    for row in rows(queryset):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
