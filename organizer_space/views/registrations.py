"""The organiser's side of on-platform registration: per session, the people registered, the
waiting list and the cancellations; cancel, promote, check in; the CSV export; the printable
sign-in sheet (« feuille d'émargement »); a message to the people registered; and the check-in
page the QR code of each confirmation opens.

Every page resolves the event from the user's memberships (organizer_space.permissions):
another organisation's event, session or registration is a 404. The lists come from
`registrations.lists`, every change from `registrations.services` (which checks membership
again, in its transaction).
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from events.enums import RegistrationMode
from events.models import Event, EventSession
from moisinno.formatting import session_label
from moisinno.forms import error_summary
from registrations import lists, services
from registrations.emails import session_place
from registrations.messages import (
    MessageRateLimited,
    session_message_recipients,
    session_message_send,
)
from registrations.models import Registration, RegistrationStatus
from registrations.services import RegistrationError

from ..forms.registrations import SessionMessageForm
from ..permissions import check_in_registration_required, event_member_required
from .common import breadcrumb, page_title

#: Pages with personal data: never stored by a browser or a proxy, never indexed.
PRIVATE_HEADERS = {
    "Cache-Control": "private, no-store",
    "X-Robots-Tag": "noindex",
    "Referrer-Policy": "same-origin",
}


def _private(response: HttpResponse) -> HttpResponse:
    for name, value in PRIVATE_HEADERS.items():
        response[name] = value
    return response


def _session(event: Event, session_pk: int) -> EventSession:
    session = lists.event_session(event=event, session_id=session_pk)
    if session is None:
        raise Http404("Séance introuvable.")
    session.event = event
    return session


def _registration(event: Event, registration_pk: int) -> Registration:
    registration = lists.event_registration(event=event, registration_id=registration_pk)
    if registration is None:
        raise Http404("Inscription introuvable.")
    return registration


def _event_crumbs(event: Event) -> tuple[str, str]:
    return (reverse("organizers:event_registrations", args=[event.pk]), "Inscriptions")


def _session_url(registration: Registration) -> str:
    return reverse(
        "organizers:session_registrations",
        args=[registration.session.event_id, registration.session_id],
    )


def _csv(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


# The pages -----------------------------------------------------------------------------------


@event_member_required
@require_GET
def event_registrations(request: HttpRequest, event: Event) -> HttpResponse:
    """The event's sessions with their counts, each leading to its lists."""
    sessions = lists.event_sessions(event)
    for session in sessions:
        session.event = event
        session.label = session_label(session)
    heading = f"Inscriptions à « {event.title} »"
    return _private(
        render(
            request,
            "organizer_space/registrations/event_registrations.html",
            {
                "title": heading,
                "heading": heading,
                "event": event,
                "sessions": sessions,
                "counts": lists.event_registration_counts(sessions),
                "takes_registrations": event.registration_mode == RegistrationMode.PLATFORM,
                "breadcrumb_data": breadcrumb("Inscriptions"),
            },
        )
    )


@event_member_required
@require_GET
def session_registrations(request: HttpRequest, event: Event, session_pk: int) -> HttpResponse:
    session = _session(event, session_pk)
    label = session_label(session)
    return _private(
        render(
            request,
            "organizer_space/registrations/session_registrations.html",
            {
                "title": f"Inscriptions du {label} — {event.title}",
                "event": event,
                "session": session,
                "label": label,
                "place": session_place(session),
                "lists": lists.session_lists(session),
                "breadcrumb_data": breadcrumb(label, _event_crumbs(event)),
            },
        )
    )


@event_member_required
@require_GET
def event_registrations_csv(request: HttpRequest, event: Event) -> HttpResponse:
    name = f"inscriptions-{slugify(event.title)[:60] or event.pk}.csv"
    return _csv(lists.registrations_csv(event=event), name)


@event_member_required
@require_GET
def session_registrations_csv(request: HttpRequest, event: Event, session_pk: int) -> HttpResponse:
    session = _session(event, session_pk)
    name = f"inscriptions-{slugify(event.title)[:60] or event.pk}-{session.date:%Y-%m-%d}.csv"
    return _csv(lists.registrations_csv(event=event, session=session), name)


@event_member_required
@require_GET
def session_sign_in_sheet(request: HttpRequest, event: Event, session_pk: int) -> HttpResponse:
    """The « feuille d'émargement »: a page made to be printed (static/css/sign-in-sheet.css)."""
    session = _session(event, session_pk)
    label = session_label(session)
    return _private(
        render(
            request,
            "organizer_space/registrations/sign_in_sheet.html",
            {
                "title": f"Feuille d’émargement du {label} — {event.title}",
                "event": event,
                "session": session,
                "label": label,
                "place": session_place(session),
                "people": lists.sign_in_sheet(session),
                "breadcrumb_data": breadcrumb(
                    "Feuille d’émargement",
                    _event_crumbs(event),
                    (
                        reverse("organizers:session_registrations", args=[event.pk, session.pk]),
                        label,
                    ),
                ),
            },
        )
    )


@event_member_required
@require_http_methods(["GET", "POST"])
def session_message(request: HttpRequest, event: Event, session_pk: int) -> HttpResponse:
    """« Écrire aux personnes inscrites »: one e-mail each, a few a day (registrations.messages)."""
    session = _session(event, session_pk)
    label = session_label(session)
    form = SessionMessageForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            sent = session_message_send(
                session=session,
                user=request.user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except MessageRateLimited as error:
            form.add_error(None, str(error))
            status = 429
        except RegistrationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Votre message part vers {sent} personne{'s' if sent > 1 else ''} inscrite"
                f"{'s' if sent > 1 else ''} ; chacune le reçoit seule.",
            )
            return redirect("organizers:session_registrations", pk=event.pk, session_pk=session.pk)
    errors = error_summary(form)
    heading = "Écrire aux personnes inscrites"
    response = render(
        request,
        "organizer_space/registrations/session_message.html",
        {
            "title": page_title(f"{heading} — {label}", has_errors=bool(errors)),
            "heading": heading,
            "event": event,
            "session": session,
            "label": label,
            "recipients": len(session_message_recipients(session)),
            "form": form,
            "errors": errors,
            "breadcrumb_data": breadcrumb(
                heading,
                _event_crumbs(event),
                (reverse("organizers:session_registrations", args=[event.pk, session.pk]), label),
            ),
        },
        status=status,
    )
    if status == 429:
        response["Retry-After"] = "3600"
    return _private(response)


# The changes ---------------------------------------------------------------------------------


@event_member_required
@require_http_methods(["GET", "POST"])
def registration_cancel(request: HttpRequest, event: Event, registration_pk: int) -> HttpResponse:
    """Cancel someone's registration, after a confirmation: they are told by e-mail, and the
    first person waiting takes the seat."""
    registration = _registration(event, registration_pk)
    back = _session_url(registration)
    name = lists.person_name(registration)
    if registration.status not in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING):
        messages.info(request, f"L’inscription de {name} est déjà annulée.")
        return redirect(back)
    if request.method == "POST":
        try:
            promoted = services.registration_cancel(registration=registration, user=request.user)
        except RegistrationError as error:
            messages.error(request, str(error))
        else:
            text = f"L’inscription de {name} est annulée ; un courriel le lui annonce."
            if promoted:
                names = ", ".join(lists.person_name(r) for r in promoted)
                text += f" La place libérée revient à {names}, qui en est prévenu par courriel."
            messages.success(request, text)
        return redirect(back)
    heading = f"Annuler l’inscription de {name}"
    question = (
        f"L’inscription de {name} ({registration.registrant.email}) à la séance du "
        f"{session_label(registration.session)} sera annulée ; un courriel le lui annoncera."
    )
    if registration.status == RegistrationStatus.CONFIRMED and registration.session.waiting_count:
        question += " La place reviendra à la première personne de la liste d’attente."
    return _private(
        render(
            request,
            "organizer_space/confirm.html",
            {
                "title": heading,
                "heading": heading,
                "question": question,
                "button": "Annuler l’inscription",
                "cancel_url": back,
                "breadcrumb_data": breadcrumb("Annuler une inscription", _event_crumbs(event)),
            },
        )
    )


@event_member_required
@require_POST
def registration_promote(request: HttpRequest, event: Event, registration_pk: int) -> HttpResponse:
    """Give a free seat to someone of the waiting list, out of arrival order."""
    registration = _registration(event, registration_pk)
    name = lists.person_name(registration)
    try:
        services.registration_promote(registration=registration, user=request.user)
    except RegistrationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"{name} obtient une place et quitte la liste d’attente ; un courriel le lui annonce.",
        )
    return redirect(_session_url(registration))


@event_member_required
@require_POST
def registration_presence(request: HttpRequest, event: Event, registration_pk: int) -> HttpResponse:
    """Tick someone present, or not present, on the list."""
    registration = _registration(event, registration_pk)
    present = request.POST.get("present") != "0"
    try:
        services.registration_check_in(
            registration=registration, user=request.user, present=present
        )
    except RegistrationError as error:
        messages.error(request, str(error))
    else:
        name = lists.person_name(registration)
        messages.success(
            request,
            f"Présence de {name} enregistrée." if present else f"Présence de {name} retirée.",
        )
    return redirect(f"{_session_url(registration)}#inscrit-{registration.pk}")


@check_in_registration_required
@require_http_methods(["GET", "POST"])
def registration_check_in(request: HttpRequest, registration: Registration) -> HttpResponse:
    """The page a ticket's QR code opens on a member's phone: who, which session, and one big
    « Marquer présent » button."""
    error = ""
    if request.method == "POST":
        try:
            registration = services.registration_check_in(
                registration=registration, user=request.user
            )
        except RegistrationError as refusal:
            error = str(refusal)
        else:
            messages.success(request, f"Présence de {lists.person_name(registration)} enregistrée.")
            return redirect(request.path)
    session = registration.session
    event = session.event
    return _private(
        render(
            request,
            "organizer_space/registrations/check_in.html",
            {
                "title": f"Présence — {event.title}",
                "event": event,
                "session": session,
                "label": session_label(session),
                "registration": registration,
                "name": lists.person_name(registration),
                "confirmed": registration.status == RegistrationStatus.CONFIRMED,
                "error": error,
                "breadcrumb_data": breadcrumb("Présence", _event_crumbs(event)),
            },
            status=409 if error else 200,
        )
    )
