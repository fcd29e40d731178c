"""The public bilan of an edition (`/editions/<year>/bilan/`), from its publication by the
DITP (`Edition.bilan_published_at`; 404 before): key figures, breakdowns by region, format and
theme, the labs' share, satisfaction (from `results.bilan.MIN_ANSWERS` answers), the past
editions' headline figures, and the open data as CSV with its Table Schema.

Aggregates only: no comment, no name, no e-mail, no organisation to chase."""

import csv
import io

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from events.admin.statistics import Row as ChartRow
from events.admin.statistics import horizontal_bar_chart
from events.models import Edition
from results.bilan import Bilan, Breakdown, Figures, edition_bilan

from .feeds.csv_export import LICENCE
from .structured_data import absolute_url


def _published_edition(year: int) -> Edition:
    edition = get_object_or_404(Edition, year=year)
    if not edition.bilan_is_public():
        raise Http404
    return edition


def _public_breakdowns(bilan: Bilan) -> list[Breakdown]:
    return [
        bilan.by_region,
        bilan.by_format,
        bilan.by_theme,
        bilan.by_lab,
        bilan.by_attendance_mode,
    ]


@require_GET
def bilan_page(request: HttpRequest, year: int) -> HttpResponse:
    edition = _published_edition(year)
    bilan = edition_bilan(edition=edition)
    charts = [
        (
            breakdown,
            horizontal_bar_chart(
                [ChartRow(row.label, row.figures.participants) for row in breakdown.rows]
            ),
            max(breakdown.rows, key=lambda row: row.figures.participants, default=None),
        )
        for breakdown in _public_breakdowns(bilan)
    ]
    return render(
        request,
        "programme/bilan/bilan.html",
        {
            "title": f"Bilan de l’édition {edition.year}",
            "edition": edition,
            "bilan": bilan,
            "charts": charts,
            "breadcrumb_data": {
                "links": [{"url": edition.get_absolute_url(), "title": f"Édition {edition.year}"}],
                "current": "Bilan",
            },
        },
    )


# The open data: one row per breakdown value, and one for the edition.
CSV_COLUMNS = [
    ("edition", "integer", "Édition", "Année de l’édition"),
    ("dimension", "string", "Axe", "total, region, format, theme, laboratoire ou modalite"),
    ("valeur", "string", "Valeur", "La région, le format, le thème… (vide pour le total)"),
    ("evenements_prevus", "integer", "Événements prévus", "Publiés, annulés compris"),
    ("evenements_tenus", "integer", "Événements tenus", "Au moins une séance a eu lieu"),
    ("evenements_annules", "integer", "Événements annulés", ""),
    ("participants", "integer", "Participants déclarés", "Présents et connexions en ligne"),
    ("part_agents", "integer", "Part d’agents publics (%)", "Pondérée par les participants"),
    (
        "satisfaction_moyenne",
        "number",
        "Satisfaction moyenne (sur 5)",
        "Vide en dessous de 5 réponses",
    ),
]
DIMENSIONS = {
    "regions": "region",
    "formats": "format",
    "themes": "theme",
    "laboratoires": "laboratoire",
    "modalites": "modalite",
}


def _csv_row(year: int, dimension: str, label: str, figures: Figures) -> list:
    values = [
        year,
        dimension,
        label,
        figures.planned,
        figures.held,
        figures.cancelled,
        figures.participants,
        figures.agents_share,
        figures.satisfaction_mean,
    ]
    return ["" if value is None else value for value in values]


@require_GET
def bilan_csv(request: HttpRequest, year: int) -> HttpResponse:
    edition = _published_edition(year)
    bilan = edition_bilan(edition=edition, with_past=False)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([name for name, *_ in CSV_COLUMNS])
    writer.writerow(_csv_row(year, "total", "", bilan.totals))
    for breakdown in _public_breakdowns(bilan):
        for row in breakdown.rows:
            writer.writerow(_csv_row(year, DIMENSIONS[breakdown.slug], row.label, row.figures))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bilan-{year}.csv"'
    schema = absolute_url(reverse("events:bilan_schema", kwargs={"year": year}))
    response["Link"] = f'<{schema}>; rel="describedby"'
    return response


@require_GET
def bilan_schema(request: HttpRequest, year: int) -> HttpResponse:
    _published_edition(year)
    schema = {
        "$schema": "https://frictionlessdata.io/schemas/table-schema.json",
        "name": f"bilan-mois-innovation-publique-{year}",
        "title": f"Bilan du Mois de l’innovation publique {year}",
        "description": (
            "Les chiffres de l’édition, au total et par axe. Agrégats seulement ; la satisfaction "
            "n’est donnée qu’à partir de 5 réponses. Publié par la DITP sous Licence Ouverte 2.0."
        ),
        "path": absolute_url(reverse("events:bilan_schema", kwargs={"year": year})),
        "licenses": [LICENCE],
        "fields": [
            {"name": name, "type": kind, "title": title, "description": description}
            for name, kind, title, description in CSV_COLUMNS
        ],
        "primaryKey": ["edition", "dimension", "valeur"],
        "missingValues": [""],
    }
    return JsonResponse(schema, json_dumps_params={"ensure_ascii": False, "indent": 2})
