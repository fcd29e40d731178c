"""Registration pages for visitors, without an account: the form on an event, the page that
confirms the address (the e-mail's link), the registrant's own page (their signed link).

None of them is page-cached: the form carries a CSRF token, and the two signed pages show one
person's registration, so they are `private, no-store`, never indexed, and send their origin
alone as referrer (the token is in their URL). A signed link that fails gives a French page:
404 when tampered with, 410 when expired or when the registration was erased.
"""

import hashlib
from dataclasses import dataclass

import segno
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from events import states
from events.models import Event
from moisinno.formatting import session_label
from moisinno.forms import error_summary
from moisinno.links import ExpiredLink, InvalidLink
from moisinno.ratelimit import client_ip, rate_limited, retry_phrase
from registrations.emails import session_place, waiting_position
from registrations.models import Registrant, Registration, RegistrationStatus
from registrations.services import (
    RegistrationError,
    event_takes_registrations,
    normalize_email,
    registrant_confirm,
    registrant_erase,
    registrant_register,
    registration_cancel,
)
from registrations.tokens import (
    CONFIRMATION_DAYS,
    check_in_url,
    manage_token,
    registrant_from_confirm_token,
    registrant_from_manage_token,
)

from .private import private_page
from .registration_forms import RegistrationForm, session_choices
from .selectors import public_event

# Requests per hour: from one IP address (colleagues behind one office network register for
# the same workshop), and for one address (no one is flooded with confirmation e-mails).
RATE_PER_IP = 20
RATE_PER_ADDRESS = 5
RATE_PERIOD = 3600


def _event_breadcrumb(event: Event, current: str) -> dict:
    links = [{"url": event.get_absolute_url(), "title": event.title}]
    return {"links": links if states.is_public(event) else [], "current": current}


def _address_key(email: str) -> str:
    """The address in a rate limit's cache key, as a digest (no address in the cache)."""
    return hashlib.sha256(email.encode()).hexdigest()[:32]


def _wait_message(seconds: int) -> str:
    return "Trop de demandes d’inscription ont été faites en peu de temps. " + retry_phrase(seconds)


def _registering_event(slug: str) -> Event:
    event = public_event(slug=slug)
    if event is None or not event_takes_registrations(event):
        raise Http404("Aucun événement ne prend d’inscriptions à cette adresse.")
    return event


# The form -----------------------------------------------------------------------------------


def _errors(form: RegistrationForm) -> list[dict]:
    """The error summary; the sessions' errors lead to the first box that can be ticked."""
    first = next((choice for choice in form.choices if choice.is_open), None)
    anchor = f"id_sessions_{first.session.pk}" if first else ""
    errors = error_summary(form)
    for error in errors:
        if error["label"] == form["sessions"].label:
            error["anchor"] = anchor
    return errors


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def register(request: HttpRequest, slug: str) -> HttpResponse:
    event = _registering_event(slug)
    choices = session_choices(event, timezone.now())
    form = RegistrationForm(
        request.POST if request.method == "POST" else None, event=event, choices=choices
    )
    status = 200
    retry_after = 0
    sent = reverse("registrations:register_sent", kwargs={"slug": event.slug})
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif form.cleaned_data["site_web"]:
            return redirect(sent)  # a robot: answer as if it worked, keep nothing
        else:
            data = form.cleaned_data
            email = normalize_email(data["email"])
            retry_after = rate_limited(
                f"registrations:register:ip:{client_ip(request)}",
                limit=RATE_PER_IP,
                period=RATE_PERIOD,
            ) or rate_limited(
                f"registrations:register:address:{_address_key(email)}",
                limit=RATE_PER_ADDRESS,
                period=RATE_PERIOD,
            )
            if retry_after:
                form.add_error(None, _wait_message(retry_after))
                status = 429
            else:
                try:
                    registrant_register(
                        event=event,
                        sessions=data["sessions"],
                        name=data["name"],
                        email=email,
                        kind=data["kind"],
                        organization_name=data["organization_name"],
                        accessibility_needs=data["accessibility_needs"],
                        accessibility_consent=data["accessibility_consent"],
                    )
                except RegistrationError as error:
                    form.add_error(None, str(error))
                    status = 400
                else:
                    # Whether the address was registered already or not: the same answer.
                    return redirect(sent)
    response = render(
        request,
        "programme/registrations/register.html",
        {
            "title": f"S’inscrire à «\u00a0{event.title}\u00a0»",
            "event": event,
            "form": form,
            "choices": choices,
            "any_open": any(choice.is_open for choice in choices),
            "checked": form.checked_sessions(),
            "errors": _errors(form),
            "days": CONFIRMATION_DAYS,
            "breadcrumb_data": _event_breadcrumb(event, "Inscription"),
        },
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@never_cache
@require_http_methods(["GET", "HEAD"])
def register_sent(request: HttpRequest, slug: str) -> HttpResponse:
    event = public_event(slug=slug)
    if event is None:
        raise Http404("Aucun événement public à cette adresse.")
    title = "Vérifiez votre messagerie"
    return render(
        request,
        "programme/registrations/sent.html",
        {
            "title": title,
            "event": event,
            "days": CONFIRMATION_DAYS,
            "breadcrumb_data": _event_breadcrumb(event, title),
        },
    )


# The signed pages ---------------------------------------------------------------------------


def _link_error(request: HttpRequest, reason: str) -> HttpResponse:
    """`invalid` (404): tampered with; `expired` (410): a confirmation link too old; `gone`
    (410): the registration was erased."""
    titles = {"invalid": "Lien invalide", "expired": "Lien expiré", "gone": "Inscription effacée"}
    return render(
        request,
        "programme/registrations/link_error.html",
        {"title": titles[reason], "reason": reason, "days": CONFIRMATION_DAYS},
        status=404 if reason == "invalid" else 410,
    )


@dataclass(frozen=True)
class Line:
    """One session of a request, as its registrant sees it."""

    registration: Registration
    label: str
    place: str
    badge: str  # the DSFR badge's kind
    status: str
    outcome: str
    qr_code: SafeString | None = None
    can_cancel: bool = False


def _qr_code(registration: Registration) -> SafeString:
    # A fixed mask: segno's search of the best of eight costs tens of milliseconds a code.
    svg = segno.make(check_in_url(registration), error="m", micro=False, mask=2).svg_inline(
        scale=4, border=4, light="#fff", svgclass="moisinno-qr", omitsize=False
    )
    return mark_safe(svg)  # noqa: S308 - segno writes the markup; the URL is only encoded in it


def _line(registrant: Registrant, registration: Registration, now) -> Line:
    session = registration.session
    status = registration.status
    duplicate = (
        status == RegistrationStatus.CANCELLED
        and not registration.cancelled_by_organizer
        and registration.cancelled_at is not None
        and registration.cancelled_at == registrant.confirmed_at
    )
    qr_code = None
    if status == RegistrationStatus.CONFIRMED:
        badge, label = "success", "Inscription confirmée"
        outcome = "Votre place est réservée."
        qr_code = _qr_code(registration)
    elif status == RegistrationStatus.WAITING:
        position = waiting_position(registration)
        badge, label = "warning", f"Liste d’attente, position {position}"
        outcome = (
            f"La séance est complète\u00a0: vous êtes en position {position} sur la liste "
            "d’attente. Si une place se libère, elle vous est attribuée et vous recevez un "
            "courriel."
        )
    elif status == RegistrationStatus.PENDING:
        badge, label = "info", "Adresse à confirmer"
        outcome = (
            "Aucune place n’est réservée tant que votre adresse n’est pas confirmée\u00a0: "
            "ouvrez le lien du courriel reçu."
        )
    elif status == RegistrationStatus.REFUSED:
        badge, label = "error", "Non retenue"
        outcome = "Les inscriptions à cette séance étaient closes, ou la séance complète."
    elif duplicate:
        badge, label = "new", "Déjà inscrit ou inscrite"
        outcome = "Vous étiez déjà inscrit ou inscrite à cette séance par une demande précédente."
    else:
        badge, label = "", "Annulée"
        outcome = (
            "L’organisateur a annulé cette inscription."
            if registration.cancelled_by_organizer
            else "Cette inscription est annulée."
        )
    active = status in (
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITING,
        RegistrationStatus.PENDING,
    )
    return Line(
        registration=registration,
        label=session_label(session),
        place=session_place(session) or "Lieu à préciser",
        badge=badge,
        status=label,
        outcome=outcome,
        qr_code=qr_code,
        can_cancel=active and now < session.ends_at,
    )


def _lines(registrant: Registrant) -> list[Line]:
    now = timezone.now()
    registrations = registrant.registrations.select_related("session").order_by(
        "session__date", "session__start_time", "session_id"
    )
    return [_line(registrant, registration, now) for registration in registrations]


@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registrant = registrant_from_confirm_token(token)
    except InvalidLink:
        return _link_error(request, "invalid")
    except ExpiredLink:
        return _link_error(request, "expired")
    event = registrant.event
    # A GET only shows the button: mail scanners that open links confirm nothing.
    if request.method == "POST":
        if not registrant.is_confirmed:
            try:
                registrant_confirm(registrant=registrant)
            except RegistrationError:
                return _link_error(request, "expired")
        return redirect("registrations:confirm", token=token)
    context = {"event": event, "event_public": states.is_public(event)}
    if registrant.is_confirmed:
        lines = _lines(registrant)
        title = "Votre inscription"
        context.update(
            lines=lines,
            any_confirmed=any(line.qr_code for line in lines),
            manage_token=manage_token(registrant),
        )
        template = "programme/registrations/confirmed.html"
    else:
        title = "Confirmer votre inscription"
        context["sessions"] = [
            session_label(registration.session)
            for registration in registrant.registrations.select_related("session").order_by(
                "session__date", "session__start_time", "session_id"
            )
        ]
        template = "programme/registrations/confirm.html"
    context.update(title=title, breadcrumb_data=_event_breadcrumb(event, title))
    return render(request, template, context)


def _own_registration(registrant: Registrant, value: str) -> Registration:
    """The registration `value` names among this registrant's, or 404 (any other one)."""
    own = {str(registration.pk): registration for registration in registrant.registrations.all()}
    registration = own.get(value.strip() if isinstance(value, str) else "")
    if registration is None:
        raise Http404("Cette inscription ne fait pas partie de votre demande.")
    return registration


@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registrant = registrant_from_manage_token(token)
    except InvalidLink:
        return _link_error(request, "invalid")
    except ExpiredLink:
        return _link_error(request, "gone")
    event = registrant.event
    title = "Mon inscription"
    context = {
        "title": title,
        "event": event,
        "event_public": states.is_public(event),
        "token": token,
        "breadcrumb_data": _event_breadcrumb(event, title),
    }
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "cancel":
            registration = _own_registration(registrant, request.POST.get("registration", ""))
            line = _line(registrant, registration, timezone.now())
            if line.can_cancel:
                registration_cancel(registration=registration)
                messages.success(
                    request, f"Votre inscription à la séance du {line.label} est annulée."
                )
            else:
                messages.info(
                    request, f"Votre inscription à la séance du {line.label} n’est plus active."
                )
            return redirect("registrations:manage", token=token)
        if action == "erase":
            context.update(title="Effacer mes données")
            return render(request, "programme/registrations/erase_confirm.html", context)
        if action == "erase-confirmed":
            registrant_erase(registrant=registrant)
            context.update(title="Vos données sont effacées", breadcrumb_data=None)
            return render(request, "programme/registrations/erased.html", context)
        return redirect("registrations:manage", token=token)
    lines = _lines(registrant)
    context.update(lines=lines, any_active=any(line.can_cancel for line in lines))
    return render(request, "programme/registrations/manage.html", context)
