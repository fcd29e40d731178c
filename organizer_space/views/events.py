"""The organiser's events: the form, the preview, submission and the other status changes.

Which buttons an event offers and which status changes a view may attempt come from the
workflow table (`events.workflow`); the services refuse anything else.
"""

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from events import editing, images, sessions, states, workflow
from events import services as events_services
from events.editing import EventError
from events.eligibility import (
    eligibility_errors,
)
from events.enums import RegistrationMode
from events.limits import EventRateLimited
from events.models import Event
from events.schedule import event_set_schedule_status
from events.selectors import current_edition, event_possible_duplicates
from events.services import EventNotEligible, TransitionError
from moisinno.formatting import french_time
from moisinno.forms import error_summary

from ..forms.events import EventCancelForm, EventForm, EventResubmitForm, EventScheduleForm
from ..forms.sessions import SessionFormSet, SessionPlaceForm
from ..permissions import event_member_required
from .common import breadcrumb, page_title, referencing_start, with_registration_counts
from .imports import pop_import_report

SESSIONS_PREFIX = "sessions"


def _without_validation(form, formset) -> None:
    """Show the data back as typed, without error messages (adding a session row)."""
    form._errors = ErrorDict()
    formset._errors = [ErrorDict() for _ in formset.forms]
    formset._non_form_errors = formset.error_class()
    for row in formset.forms:
        row._errors = ErrorDict()


def _event_form(
    request: HttpRequest, *, event: Event, creating: bool, import_report: dict | None = None
) -> HttpResponse:
    organization = event.organization
    action = request.POST.get("action", "save")
    limited: EventRateLimited | None = None
    if request.method == "POST":
        data = request.POST
        if action == "add_session":  # without JavaScript: one more row, nothing saved
            data = data.copy()
            total = f"{SESSIONS_PREFIX}-TOTAL_FORMS"
            with contextlib.suppress(ValueError):  # a tampered count: the formset says so
                data[total] = str(int(data.get(total, "0")) + 1)
        form = EventForm(
            data, request.FILES, instance=event, organization=organization, user=request.user
        )
        formset = SessionFormSet(data, instance=event, prefix=SESSIONS_PREFIX)
        valid = form.is_valid() & formset.is_valid()  # both validated: every error shown
        if upload := form.new_upload():
            # Stored now, valid or not the rest: the page may come back with the image kept.
            form.keep_upload(images.image_store(prepared=upload))
        if action == "add_session":
            _without_validation(form, formset)
        elif valid:
            kwargs = {**form.service_kwargs(), "sessions": formset.sessions_data()}
            try:
                if creating:
                    saved = editing.event_create(
                        organization=organization,
                        edition=event.edition,
                        user=request.user,
                        **kwargs,
                    )
                else:
                    saved = editing.event_update(event=event, user=request.user, **kwargs)
            except EventRateLimited as error:
                # Nothing typed is lost: the form comes back filled in, with when to retry.
                form.add_error(None, str(error))
                limited = error
            except EventError as error:
                messages.error(request, str(error))
                return redirect("organizers:dashboard")
            else:
                messages.success(request, _saved_message(saved))
                submission = workflow.submission(saved)
                if action == "submit" and submission is not None:
                    return redirect(submission.organizer_url, pk=saved.pk)
                return redirect("organizers:event_update", pk=saved.pk)
    else:
        form = EventForm(instance=event, organization=organization, user=request.user)
        formset = SessionFormSet(instance=event, prefix=SESSIONS_PREFIX)
    errors = error_summary(form, formset) if action != "add_session" else []
    heading = "Référencer un événement" if creating else f"Modifier « {event.title} »"
    response = render(
        request,
        "organizer_space/event_form.html",
        {
            "title": page_title(heading, has_errors=bool(errors)),
            "heading": heading,
            "event": event,
            "creating": creating,
            "import_report": import_report,
            "organization": organization,
            "form": form,
            "formset": formset,
            "errors": errors,
            "breadcrumb_data": breadcrumb(heading),
        },
        status=429 if limited else 200,
    )
    if limited:
        response["Retry-After"] = str(limited.retry_after)
    return response


def _saved_message(event: Event) -> str:
    time = french_time(timezone.localtime().time())
    return states.status_info(event).saved_message.format(time=time)


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    start = referencing_start(
        request, heading="Référencer un événement", first_step="référencer un événement"
    )
    if isinstance(start, HttpResponse):
        return start
    organization, edition = start
    event = Event(edition=edition, organization=organization)
    return _event_form(request, event=event, creating=True)


@event_member_required
def event_update(request: HttpRequest, event: Event) -> HttpResponse:
    if not states.is_editable(event):
        messages.error(request, states.status_info(event).not_editable_message)
        return redirect("organizers:event_preview", pk=event.pk)
    # Just imported (organizer_space.views.imports): what came from the source, what is missing.
    report = pop_import_report(request, event) if request.method == "GET" else None
    return _event_form(request, event=event, creating=False, import_report=report)


# Events: preview and status changes.


@event_member_required
@require_GET
def event_preview(request: HttpRequest, event: Event) -> HttpResponse:
    with_registration_counts([event])
    return render(
        request,
        "organizer_space/event_preview.html",
        {
            "title": f"Aperçu — {event.title}",
            "event": event,
            "preview": True,
            # What the public page's template reads besides the event (events.views).
            "sessions": list(event.sessions.all()),
            "related": [],
            "absolute_url": request.build_absolute_uri(event.get_absolute_url()),
        },
    )


def _offered(request: HttpRequest, event: Event, url_name: str, refusal: str) -> bool:
    """Whether the workflow offers this view's status change on `event` to the user now;
    if not, say so (`refusal` completes "« Title » est « status » : …")."""
    if workflow.organizer_transition(url_name) in workflow.allowed(event, request.user):
        return True
    messages.error(
        request,
        f"« {event.title} » est « {event.get_status_display().lower()} » : {refusal}",
    )
    return False


def _submission(request: HttpRequest, event: Event, *, resubmit: bool) -> HttpResponse:
    url_name = "organizers:event_resubmit" if resubmit else "organizers:event_submit"
    if not _offered(request, event, url_name, "il ne peut pas être soumis maintenant."):
        return redirect("organizers:dashboard")
    form = EventResubmitForm(request.POST or None) if resubmit else None
    errors = None
    limited: EventRateLimited | None = None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:  # the one submission door checks eligibility itself
            events_services.event_submit(
                event=event,
                user=request.user,
                message=form.cleaned_data["message"] if form else "",
            )
        except EventNotEligible as error:
            errors = error.errors
        except EventRateLimited as error:
            limited = error  # the page comes back, the message typed kept, with when to retry
        except TransitionError as error:
            messages.error(request, str(error))
            return redirect("organizers:dashboard")
        else:
            messages.success(
                request,
                f"« {event.title} » est soumis à l’équipe DITP. Vous recevrez un courriel "
                "dès sa décision.",
            )
            return redirect("organizers:dashboard")
    if errors is None:
        errors = eligibility_errors(event, user=request.user)
    heading = (
        f"Soumettre à nouveau « {event.title} »" if resubmit else f"Soumettre « {event.title} »"
    )
    response = render(
        request,
        "organizer_space/event_submit.html",
        {
            "title": page_title(heading, has_errors=True) if limited else heading,
            "heading": heading,
            "event": event,
            "resubmit": resubmit,
            "form": form,
            "form_errors": error_summary(form) if form is not None else [],
            "eligibility_errors": errors,
            "limit_error": str(limited) if limited else "",
            "duplicates": event_possible_duplicates(event=event),
            "breadcrumb_data": breadcrumb(heading),
        },
        status=429 if limited else 200,
    )
    if limited:
        response["Retry-After"] = str(limited.retry_after)
    return response


@event_member_required
def event_submit(request: HttpRequest, event: Event) -> HttpResponse:
    return _submission(request, event, resubmit=False)


@event_member_required
def event_resubmit(request: HttpRequest, event: Event) -> HttpResponse:
    return _submission(request, event, resubmit=True)


@event_member_required
def event_withdraw(request: HttpRequest, event: Event) -> HttpResponse:
    if not _offered(request, event, "organizers:event_withdraw", "il n’est pas en validation."):
        return redirect("organizers:dashboard")
    if request.method == "POST":
        try:
            events_services.event_withdraw(event=event, user=request.user)
        except TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"« {event.title} » est retiré de la validation : c’est de nouveau un brouillon.",
            )
        return redirect("organizers:dashboard")
    return render(
        request,
        "organizer_space/confirm.html",
        {
            "title": f"Retirer « {event.title} » de la validation",
            "question": (
                "L’événement redevient un brouillon : vous pourrez le modifier, puis le "
                "soumettre à nouveau."
            ),
            "button": "Retirer de la validation",
            "cancel_url": reverse("organizers:dashboard"),
            "breadcrumb_data": breadcrumb("Retirer de la validation"),
        },
    )


@event_member_required
def event_cancel(request: HttpRequest, event: Event) -> HttpResponse:
    if not _offered(
        request, event, "organizers:event_cancel", "seul un événement publié peut être annulé."
    ):
        return redirect("organizers:dashboard")
    form = EventCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            events_services.event_cancel(
                event=event, user=request.user, message=form.cleaned_data["reason"]
            )
        except TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"« {event.title} » est annulé : il reste visible dans le programme avec la "
                "mention « Annulé ».",
            )
        return redirect("organizers:dashboard")
    title = f"Annuler « {event.title} »"
    return render(
        request,
        "organizer_space/confirm.html",
        {
            "title": page_title(title, has_errors=bool(form.errors)),
            "heading": title,
            "question": (
                "L’événement reste dans le programme avec la mention « Annulé » et le motif "
                "que vous indiquez ; les personnes qui l’ont ajouté à leur agenda le voient "
                "annulé."
            ),
            "form": form,
            "errors": error_summary(form),
            "button": "Annuler l’événement",
            "cancel_url": reverse("organizers:dashboard"),
            "breadcrumb_data": breadcrumb(title),
        },
    )


@event_member_required
def event_duplicate(request: HttpRequest, event: Event) -> HttpResponse:
    edition = current_edition()
    if edition is None:
        raise Http404("Aucune édition en cours.")
    if request.method == "POST":
        try:
            copy = editing.event_duplicate(event=event, user=request.user, edition=edition)
        except (EventError, EventRateLimited) as error:
            messages.error(request, str(error))
            return redirect("organizers:dashboard")
        messages.success(
            request,
            f"Copie créée en brouillon pour l’édition {edition.year} : vérifiez-la"
            + (" et ajoutez ses dates." if not copy.starts_on else "."),
        )
        return redirect("organizers:event_update", pk=copy.pk)
    same_edition = event.edition_id == edition.pk
    return render(
        request,
        "organizer_space/confirm.html",
        {
            "title": f"Dupliquer « {event.title} »",
            "question": (
                f"Un nouveau brouillon reprendra le contenu de « {event.title} »"
                + (
                    ", séances comprises."
                    if same_edition
                    else f" dans l’édition {edition.year}, sans ses dates : "
                    "vous ajouterez celles de la nouvelle édition."
                )
            ),
            "button": "Dupliquer",
            "cancel_url": reverse("organizers:dashboard"),
            "breadcrumb_data": breadcrumb(f"Dupliquer « {event.title} »"),
        },
    )


@event_member_required
def event_schedule(request: HttpRequest, event: Event) -> HttpResponse:
    """« Changer l’état » of a published event: reporté, reprogrammé (with the new sessions),
    passé en ligne, complet, or programmé again; always with a public message."""
    if not states.is_published(event):
        messages.error(
            request,
            f"« {event.title} » est « {event.get_status_display().lower()} » : seul un "
            "événement publié peut être déclaré reporté, reprogrammé, passé en ligne ou complet.",
        )
        return redirect("organizers:dashboard")
    action = request.POST.get("action", "save")
    if request.method == "POST":
        data = request.POST
        if action == "add_session":  # without JavaScript: one more row, nothing saved
            data = data.copy()
            total = f"{SESSIONS_PREFIX}-TOTAL_FORMS"
            with contextlib.suppress(ValueError):
                data[total] = str(int(data.get(total, "0")) + 1)
        form = EventScheduleForm(data)
        formset = SessionFormSet(
            data, instance=event, prefix=SESSIONS_PREFIX, registration=_takes_registrations(event)
        )
        if action == "add_session":
            _without_validation(form, formset)
        elif form.is_valid() and (not form.rescheduling or formset.is_valid()):
            try:
                event_set_schedule_status(
                    event=event,
                    user=request.user,
                    schedule_status=form.cleaned_data["schedule_status"],
                    message=form.cleaned_data["message"],
                    sessions=formset.sessions_data() if form.rescheduling else None,
                    expected_version=event.version,
                )
            except TransitionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"« {event.title} » est désormais « {event.get_schedule_status_display()} » "
                    "dans le programme. L’équipe DITP en est informée.",
                )
                return redirect("organizers:dashboard")
    else:
        form = EventScheduleForm(
            initial={"schedule_status": event.schedule_status, "message": event.schedule_message}
        )
        formset = SessionFormSet(
            instance=event, prefix=SESSIONS_PREFIX, registration=_takes_registrations(event)
        )
    if not form.rescheduling and action != "add_session":
        _without_validation_of(formset)
    errors = error_summary(form, formset) if action != "add_session" else []
    heading = f"Changer l’état de « {event.title} »"
    return render(
        request,
        "organizer_space/event_schedule.html",
        {
            "title": page_title(heading, has_errors=bool(errors)),
            "heading": heading,
            "event": event,
            "form": form,
            "formset": formset,
            "errors": errors,
            "breadcrumb_data": breadcrumb("Changer l’état"),
        },
    )


def _takes_registrations(event: Event) -> bool:
    """The rescheduled sessions carry their places: the event takes registrations here."""
    return event.registration_mode == RegistrationMode.PLATFORM


def _without_validation_of(formset) -> None:
    """The sessions are not used by this state: show them as typed, without errors."""
    if formset.is_bound:
        formset._errors = [ErrorDict() for _ in formset.forms]
        formset._non_form_errors = formset.error_class()
        for row in formset.forms:
            row._errors = ErrorDict()


@event_member_required
def event_delete(request: HttpRequest, event: Event) -> HttpResponse:
    if not event.is_deletable:
        messages.error(
            request,
            f"« {event.title} » ne peut pas être supprimé : seul un brouillon jamais soumis peut "
            "l’être. Un événement soumis peut être retiré de la validation, un événement publié "
            "peut être annulé.",
        )
        return redirect("organizers:dashboard")
    if request.method == "POST":
        try:
            editing.event_delete(event=event, user=request.user)
        except EventError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Le brouillon « {event.title} » est supprimé.")
        return redirect("organizers:dashboard")
    title = f"Supprimer le brouillon « {event.title} »"
    return render(
        request,
        "organizer_space/confirm.html",
        {
            "title": title,
            "question": (
                "Le brouillon et ses séances seront définitivement supprimés. Cette action ne "
                "peut pas être annulée."
            ),
            "button": "Supprimer définitivement",
            "button_class": "fr-btn fr-btn--icon-left fr-icon-delete-line",
            "cancel_url": reverse("organizers:dashboard"),
            "breadcrumb_data": breadcrumb("Supprimer le brouillon"),
        },
    )


# Sessions on the map: « Vérifier l'emplacement ».


@event_member_required
def session_place(request: HttpRequest, event: Event, session_pk: int) -> HttpResponse:
    """Confirm or move the point the task worker found for an in-person session: a map with a
    draggable marker, and the latitude and longitude fields that work without JavaScript."""
    session = get_object_or_404(event.sessions.all(), pk=session_pk)
    session.event = event
    address = sessions.session_address(session)
    if not address:
        raise Http404("Cette séance n’a pas de lieu à localiser.")
    if not states.is_editable(event):
        messages.error(request, states.status_info(event).not_editable_message)
        return redirect("organizers:event_preview", pk=event.pk)
    if request.method == "POST":
        form = SessionPlaceForm(request.POST)
        if form.is_valid():
            sessions.session_place_confirm(
                session=session,
                user=request.user,
                latitude=form.cleaned_data["latitude"],
                longitude=form.cleaned_data["longitude"],
            )
            messages.success(request, "L’emplacement de la séance est enregistré.")
            return redirect("organizers:event_preview", pk=event.pk)
    else:
        initial = (
            {"latitude": session.latitude, "longitude": session.longitude}
            if session.is_located
            else {}
        )
        form = SessionPlaceForm(initial=initial)
    errors = error_summary(form)
    heading = "Vérifier l’emplacement"
    return render(
        request,
        "organizer_space/session_place.html",
        {
            "title": page_title(f"{heading} — {event.title}", has_errors=bool(errors)),
            "heading": heading,
            "event": event,
            "session": session,
            "address": address,
            "pending": address != session.geocoded_address,
            "form": form,
            "errors": errors,
            "breadcrumb_data": breadcrumb(
                heading, (reverse("organizers:event_preview", args=[event.pk]), event.title)
            ),
        },
    )
