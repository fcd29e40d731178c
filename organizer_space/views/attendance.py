"""« Déclarer la participation »: an event's organisers say, session by session, who came
(results/attendance.py holds the rules). Another organisation's event is a 404
(`event_member_required`)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from events.models import Event
from moisinno.forms import error_summary
from results.attendance import (
    AttendanceError,
    attendance_closed_message,
    attendance_declare,
    attendance_initial,
)
from results.models import EventOutcome

from ..forms.attendance import AttendanceForm
from ..permissions import event_member_required
from .common import breadcrumb, page_title


@event_member_required
def event_attendance(request: HttpRequest, event: Event) -> HttpResponse:
    sessions = list(event.sessions.all())
    closed = attendance_closed_message(event)
    outcome = EventOutcome.objects.filter(event=event).first()
    form = None
    if not closed:
        form = AttendanceForm(
            request.POST or None,
            sessions=sessions,
            initial_figures=attendance_initial(event),
            what_worked=outcome.what_worked if outcome else "",
        )
    if request.method == "POST":
        if closed:
            messages.error(request, closed)
            return redirect("organizers:event_attendance", pk=event.pk)
        if form.is_valid():
            try:
                attendance_declare(
                    event=event,
                    user=request.user,
                    sessions_data=form.sessions_data(),
                    what_worked=form.cleaned_data["what_worked"],
                )
            except AttendanceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    "Merci : la participation est enregistrée. Vous pouvez la corriger "
                    "jusqu’à la clôture du bilan de l’édition.",
                )
                return redirect("organizers:dashboard")
    errors = error_summary(form) if form is not None else []
    heading = f"Déclarer la participation à « {event.title} »"
    return render(
        request,
        "organizer_space/attendance/event_attendance.html",
        {
            "title": page_title(heading, has_errors=bool(errors)),
            "heading": heading,
            "event": event,
            "outcome": outcome,
            "closed_message": closed,
            "form": form,
            "errors": errors,
            "breadcrumb_data": breadcrumb("Déclarer la participation"),
        },
    )
