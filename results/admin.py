"""The DITP's bilan of an edition in the back office (`/admin/results/eventoutcome/bilan/`).

Moderators see every region; a regional relay (`moisinno.roles.relay_regions`) only its own,
the organisations to chase included, and may remind only their events (404 otherwise).
"""

import csv
import io

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from events.admin.statistics import Row as ChartRow
from events.admin.statistics import horizontal_bar_chart
from events.models import Edition, Event
from events.selectors import current_edition
from moisinno import roles

from .attendance import AttendanceError
from .bilan import BILAN_STATUSES, Bilan, Breakdown, edition_bilan
from .models import EventOutcome
from .requests import attendance_remind

CHARTED = ("regions", "formats", "themes")


def figures_columns(figures) -> list:
    """The columns of a breakdown row, in the order of `COLUMNS`."""
    return [
        figures.planned,
        figures.held,
        figures.cancelled,
        figures.not_declared,
        figures.participants,
        figures.registered,
        figures.agents_share,
        figures.answers,
        figures.satisfaction_mean,
    ]


COLUMNS = [
    "Prévus",
    "Tenus",
    "Annulés",
    "Non déclarés",
    "Participants déclarés",
    "Inscrits",
    "Part d'agents (%)",
    "Réponses au questionnaire",
    "Satisfaction moyenne (sur 5)",
]


def participants_chart(breakdown: Breakdown):
    return horizontal_bar_chart(
        [ChartRow(row.label, row.figures.participants) for row in breakdown.rows]
    )


@admin.register(EventOutcome)
class BilanAdmin(admin.ModelAdmin):
    """No list of its own: the entry leads to the edition's bilan."""

    def has_module_permission(self, request) -> bool:
        return roles.is_moderator(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return roles.is_moderator(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        return HttpResponseRedirect(reverse("admin:results_eventoutcome_bilan"))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("bilan/", wrap(self.bilan_view), name="results_eventoutcome_bilan"),
            path(
                "bilan/export/<str:file_format>/",
                wrap(self.export_view),
                name="results_eventoutcome_bilan_export",
            ),
            path(
                "bilan/relancer/<int:event_id>/",
                wrap(require_POST(self.chase_view)),
                name="results_eventoutcome_chase",
            ),
            *super().get_urls(),
        ]

    def _bilan(self, request: HttpRequest) -> tuple[list[Edition], Bilan | None]:
        if not roles.is_moderator(request.user):
            raise PermissionDenied
        editions = list(Edition.objects.order_by("-year"))
        year = request.GET.get("edition", "")
        edition = next((e for e in editions if str(e.year) == year), None) or current_edition()
        if edition is None:
            return editions, None
        return editions, edition_bilan(edition=edition, regions=roles.relay_regions(request.user))

    def bilan_view(self, request: HttpRequest):
        editions, bilan = self._bilan(request)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Bilan" + (f" de l'édition {bilan.edition.year}" if bilan else ""),
            "subtitle": None,
            "editions": editions,
            "bilan": bilan,
            "columns": COLUMNS,
        }
        if bilan is not None:
            context["tables"] = [
                (
                    breakdown,
                    [(row.label, figures_columns(row.figures)) for row in breakdown.rows],
                    participants_chart(breakdown) if breakdown.slug in CHARTED else None,
                )
                for breakdown in bilan.breakdowns
            ]
        return TemplateResponse(request, "admin/results/bilan.html", context)

    def chase_view(self, request: HttpRequest, event_id: int):
        if not roles.is_moderator(request.user):
            raise PermissionDenied
        event = get_object_or_404(
            Event.objects.select_related("organization"), pk=event_id, status__in=BILAN_STATUSES
        )
        if not roles.covers(
            request.user, region=event.region, assigned_relay_id=event.assigned_relay_id
        ):
            raise Http404
        try:
            attendance_remind(event)
        except AttendanceError as error:
            messages.warning(request, str(error))
        else:
            messages.success(
                request,
                f"Relance envoyée aux membres de {event.organization.name} pour « {event.title} ».",
            )
        return HttpResponseRedirect(
            reverse("admin:results_eventoutcome_bilan") + f"?edition={event.edition.year}"
        )

    def export_view(self, request: HttpRequest, file_format: str):
        if file_format not in {"csv", "xlsx"}:
            raise Http404
        _, bilan = self._bilan(request)
        if bilan is None:
            raise Http404
        sheets = bilan_sheets(bilan)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        if file_format == "xlsx":
            response = HttpResponse(
                bilan_xlsx(sheets),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            response = HttpResponse(bilan_csv(sheets), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="bilan-{bilan.edition.year}-{stamp}.{file_format}"'
        )
        return response


def bilan_sheets(bilan: Bilan) -> list[tuple[str, list[list]]]:
    """(title, rows with a header) per sheet: the totals, each breakdown, the editions."""
    sheets = [
        ("Total", [["Édition", *COLUMNS], [bilan.edition.year, *figures_columns(bilan.totals)]])
    ]
    for breakdown in bilan.breakdowns:
        sheets.append(
            (
                breakdown.title,
                [
                    [breakdown.label_header, *COLUMNS],
                    *([row.label, *figures_columns(row.figures)] for row in breakdown.rows),
                ],
            )
        )
    sheets.append(
        (
            "Éditions",
            [
                ["Année", "Prévus", "Tenus", "Participants", "Inscrits", "Satisfaction", "Source"],
                *(
                    [
                        f.year,
                        f.planned,
                        f.held,
                        f.participants,
                        f.registered,
                        f.satisfaction_mean,
                        f.edition.headline_source if f.headline else "Déclarations",
                    ]
                    for f in bilan.past
                ),
            ],
        )
    )
    sheets.append(
        (
            "À relancer",
            [
                ["Organisation", "Événement", "Dernier jour"],
                *([o.name, e.title, e.ends_on] for o in bilan.to_chase for e in o.events),
            ],
        )
    )
    return sheets


def bilan_csv(sheets) -> str:
    """One CSV for Excel (semicolons, BOM): the sheets one after the other."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    for title, rows in sheets:
        writer.writerow([title])
        writer.writerows([["" if v is None else v for v in row] for row in rows])
        writer.writerow([])
    return out.getvalue()


def bilan_xlsx(sheets) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415 - optional dependency

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title[:31].replace("/", "-"))
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
