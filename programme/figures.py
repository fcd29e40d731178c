"""Public statistics: `/chiffres/`, and the same figures as `/chiffres.json` and `/chiffres.csv`.

The figures the DITP quotes in its press releases: published events of an edition per region,
format, organiser kind and attendance mode, the share organised with a lab, and every
edition's totals. One grouped query per breakdown, whatever the number of events.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from events.enums import AttendanceMode, EventStatus
from events.models import Edition, Event
from events.selectors import current_edition
from moisinno.geography import region_name
from organizers.enums import OrganizationKind

from .feeds.csv_export import BOM, LICENCE


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    events: int


@dataclass
class Figures:
    edition: Edition
    events: int = 0
    with_lab: int = 0
    breakdowns: dict[str, tuple[str, list[Row]]] = field(default_factory=dict)
    editions: list[dict] = field(default_factory=list)

    @property
    def lab_share_percent(self) -> int:
        return round(100 * self.with_labs_ratio) if self.events else 0

    @property
    def with_labs_ratio(self) -> float:
        return self.with_lab / self.events if self.events else 0.0


def _with_lab():
    return Exists(Event.labs.through.objects.filter(event=OuterRef("pk")))


def _rows(events, column: str, label) -> list[Row]:
    counts = events.order_by().values_list(column).annotate(n=Count("pk"))
    rows = [Row(str(code or ""), label(code) if code else "Non renseigné", n) for code, n in counts]
    return sorted(rows, key=lambda row: (-row.events, row.label))


def edition_figures(*, edition: Edition) -> Figures:
    events = Event.objects.filter(edition=edition, status=EventStatus.PUBLISHED)
    totals = events.aggregate(n=Count("pk"), with_lab=Count("pk", filter=Q(_with_lab())))
    formats = dict(Event._meta.get_field("format").related_model.objects.values_list("pk", "name"))
    figures = Figures(edition=edition, events=totals["n"], with_lab=totals["with_lab"])
    figures.breakdowns = {
        "region": ("Par région", _rows(events, "region", region_name)),
        "format": ("Par format", _rows(events, "format", lambda pk: formats.get(pk, ""))),
        "organizer_kind": (
            "Par type d’organisateur",
            _rows(events, "organization__kind", lambda code: OrganizationKind(code).label),
        ),
        "attendance_mode": (
            "Par modalité",
            _rows(events, "attendance_mode", lambda code: AttendanceMode(code).label),
        ),
    }
    per_edition = (
        Edition.objects.annotate(
            n=Count("events", filter=Q(events__status=EventStatus.PUBLISHED)),
        )
        .order_by("-year")
        .values_list("year", "number", "n")
    )
    with_lab = dict(
        Event.objects.filter(status=EventStatus.PUBLISHED)
        .filter(_with_lab())
        .order_by()
        .values_list("edition__year")
        .annotate(n=Count("pk"))
    )
    figures.editions = [
        {
            "year": year,
            "number": number,
            "events": n,
            "with_lab": with_lab.get(year, 0),
            "lab_share_percent": round(100 * with_lab.get(year, 0) / n) if n else 0,
        }
        for year, number, n in per_edition
    ]
    return figures


def _edition(request: HttpRequest) -> Edition:
    year = request.GET.get("edition", "")
    if not year:
        edition = current_edition() or Edition.objects.order_by("-year").first()
        if edition is None:
            raise Http404("Aucune édition n’est publiée.")
        return edition
    edition = Edition.objects.filter(year=year).first() if year.isdigit() else None
    if edition is None:
        raise Http404("Aucune édition pour cette année.")
    return edition


@require_safe
def figures_page(request: HttpRequest) -> HttpResponse:
    figures = edition_figures(edition=_edition(request))
    return render(
        request,
        "programme/figures.html",
        {
            "title": f"Chiffres de l’édition {figures.edition.year}",
            "figures": figures,
            "edition": figures.edition,
            "breadcrumb_data": {"current": "Chiffres"},
        },
    )


def _as_dict(figures: Figures) -> dict:
    return {
        "edition": figures.edition.year,
        "license": LICENCE["path"],
        "events": figures.events,
        "with_lab": figures.with_lab,
        "lab_share_percent": figures.lab_share_percent,
        **{
            f"by_{name}": [row.__dict__ for row in rows]
            for name, (_title, rows) in figures.breakdowns.items()
        },
        "editions": figures.editions,
    }


@require_safe
def figures_json(request: HttpRequest) -> HttpResponse:
    data = _as_dict(edition_figures(edition=_edition(request)))
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})


@require_safe
def figures_csv(request: HttpRequest) -> HttpResponse:
    figures = edition_figures(edition=_edition(request))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["edition", "breakdown", "code", "label", "events"])
    writer.writerow([figures.edition.year, "total", "", "Événements publiés", figures.events])
    writer.writerow(
        [figures.edition.year, "total", "with_lab", "Avec un laboratoire", figures.with_lab]
    )
    for name, (_title, rows) in figures.breakdowns.items():
        for row in rows:
            writer.writerow([figures.edition.year, name, row.code, row.label, row.events])
    for edition in figures.editions:
        writer.writerow([edition["year"], "edition", "", "Événements publiés", edition["events"]])
    response = HttpResponse(BOM + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="chiffres-{figures.edition.year}.csv"'
    return response
