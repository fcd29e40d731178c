"""« Importer un événement »: a calendar (.ics) or an OpenAgenda event becomes a draft.

The view only picks the organisation, reads the source (file, URL through the SSRF-safe
`moisinno.fetching`, or pasted text) and calls `events.imports`; the draft's edit form then
shows what was imported and what submission still needs (`pop_import_report`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from events.editing import EventError
from events.imports.drafts import ImportOutcome, events_import
from events.imports.ics import as_sessions_of_one_event, parse_ics
from events.imports.openagenda import parse_openagenda
from events.imports.sources import ImportedEvent, ImportRefused
from events.limits import EventRateLimited
from events.models import Event
from moisinno.fetching import FetchError, fetch
from moisinno.forms import error_summary

from ..forms.imports import EventImportForm
from .common import breadcrumb, page_title, referencing_start

#: Session key: {event pk: report} shown once on the draft's edit form.
REPORTS_KEY = "event_import_reports"
HEADING = "Importer un événement"


def _read(form: EventImportForm) -> tuple[list[ImportedEvent], list[str]]:
    """The imported events and the notes about the whole source; ImportRefused, FetchError."""
    data = form.cleaned_data
    source_url = ""
    if data.get("file"):
        content = form.read_file()
    elif data.get("url"):
        source_url = data["url"]
        accept = "text/calendar" if data["source"] == form.ICS else "application/json"
        content = fetch(source_url, accept=f"{accept}, */*;q=0.5").body
    else:
        content = data["text"]
    if data["source"] == form.OPENAGENDA:
        return [parse_openagenda(content, source_url=source_url)], []
    parsed = parse_ics(content, source_url=source_url)
    if data["ics_mode"] == form.AS_SESSIONS:
        return [as_sessions_of_one_event(parsed)], parsed.notes
    return parsed.events, parsed.notes


def _report(outcome: ImportOutcome, notes: list[str]) -> dict:
    return {
        "created": outcome.created,
        "imported": outcome.imported,
        "to_complete": outcome.to_complete,
        "notes": [*notes, *outcome.notes],
    }


def pop_import_report(request: HttpRequest, event: Event) -> dict | None:
    """The report of the import that just created or updated `event`, once."""
    reports = request.session.get(REPORTS_KEY)
    if not reports or str(event.pk) not in reports:
        return None
    report = reports.pop(str(event.pk))
    request.session[REPORTS_KEY] = reports
    return report


def _done(request: HttpRequest, outcomes: list[ImportOutcome], notes: list[str]) -> HttpResponse:
    saved = [outcome for outcome in outcomes if not outcome.refused]
    for outcome in outcomes:
        if outcome.refused:
            messages.warning(request, outcome.refused)
    reports = request.session.get(REPORTS_KEY, {})
    for index, outcome in enumerate(saved):
        reports[str(outcome.event.pk)] = _report(outcome, notes if index == 0 else [])
    request.session[REPORTS_KEY] = reports
    if len(saved) == 1:
        return redirect("organizers:event_update", pk=saved[0].event.pk)
    if saved:
        created = sum(outcome.created for outcome in saved)
        updated = len(saved) - created
        done = []
        if created:
            done.append(
                f"{created} brouillon{'s' if created > 1 else ''} créé{'s' if created > 1 else ''}"
            )
        if updated:
            done.append(f"{updated} brouillon{'s' if updated > 1 else ''} mis à jour")
        messages.success(
            request,
            f"Import terminé : {' et '.join(done)} ("
            + ", ".join(f"« {outcome.event.title} »" for outcome in saved)
            + "). Ouvrez chacun pour voir ce qui a été importé et le compléter avant de le "
            "soumettre.",
        )
    return redirect("organizers:dashboard")


@login_required
def event_import(request: HttpRequest) -> HttpResponse:
    start = referencing_start(
        request,
        heading=HEADING,
        first_step="importer un événement",
        target_url=reverse("organizers:event_import"),
    )
    if isinstance(start, HttpResponse):
        return start
    organization, edition = start
    form = EventImportForm(request.POST or None, request.FILES or None)
    status = 200
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            imported, notes = _read(form)
            outcomes = events_import(
                organization=organization, edition=edition, user=request.user, imported=imported
            )
        except (ImportRefused, FetchError) as error:
            form.add_error(None, str(error))
        except EventRateLimited as error:
            form.add_error(None, f"Rien n’a été importé. {error}")
            status, retry_after = 429, error.retry_after
        except EventError as error:
            messages.error(request, str(error))
            return redirect("organizers:dashboard")
        else:
            return _done(request, outcomes, notes)
    errors = error_summary(form)
    response = render(
        request,
        "organizer_space/event_import.html",
        {
            "title": page_title(HEADING, has_errors=bool(errors)),
            "heading": HEADING,
            "organization": organization,
            "edition": edition,
            "form": form,
            "errors": errors,
            "breadcrumb_data": breadcrumb(HEADING),
        },
        status=status,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response
