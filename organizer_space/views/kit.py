"""The organiser's kit of a published event: its poster, its social visuals, ready-to-paste
texts, its calendar link, its QR code and the « Événement référencé » badge.

Everything it offers is public (the files are the public site's, programme/paper); the texts say
what the event's public page says, never a contact or a private link."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from events.enums import RegistrationMode
from events.models import Event
from moisinno.formatting import french_dates, session_label

from ..permissions import event_member_required
from .common import breadcrumb

REGISTRATION = {
    RegistrationMode.NONE: "Entrée libre, sans inscription.",
    RegistrationMode.LINK: "Sur inscription, depuis la page de l’événement.",
    RegistrationMode.EMAIL: "Sur inscription, depuis la page de l’événement.",
}


def _dates(event: Event) -> str:
    sessions = list(event.sessions.all())
    if len(sessions) == 1:
        return session_label(sessions[0])
    if sessions:
        return french_dates(session.date for session in sessions)
    return french_dates([event.starts_on]) if event.starts_on else ""


def _place(event: Event) -> str:
    cities = list(dict.fromkeys(s.city for s in event.sessions.all() if s.is_in_person and s.city))
    where = ", ".join(cities) or (event.city if event.is_in_person else "")
    if event.is_online:
        return f"{where} et en ligne" if where else "en ligne"
    return where


def kit_texts(event: Event, url: str) -> tuple[str, str]:
    """The short text (a post, 280 characters or so) and the long one (a newsletter, an
    intranet page)."""
    year = event.edition.year
    dates, place = _dates(event), _place(event)
    when_where = ", ".join(part for part in [dates, place] if part)
    short = (
        f"{event.title} — {when_where}. Dans le cadre du Mois de l’innovation publique {year}"
        f"\u00a0: {url}"
    )
    lines = [event.title, ""]
    if event.summary:
        lines += [event.summary, ""]
    lines += [
        f"Quand\u00a0: {dates}" if dates else "",
        f"Où\u00a0: {place}" if place else "",
        f"Organisé par\u00a0: {event.organization.name}",
        REGISTRATION.get(event.registration_mode, ""),
        "",
        f"Cet événement fait partie du programme du Mois de l’innovation publique {year}, "
        "porté par la Direction interministérielle de la transformation publique (DITP). "
        f"Programme, inscription et mises à jour\u00a0: {url}",
    ]
    return short, "\n".join(line for line in lines if line is not None).replace("\n\n\n", "\n\n")


@event_member_required
def event_kit(request: HttpRequest, event: Event) -> HttpResponse:
    if not event.is_public or event.is_cancelled:
        raise Http404("Le kit de communication est celui d’un événement publié.")
    site = request.build_absolute_uri("/").rstrip("/")
    url = site + event.get_absolute_url()
    short, long = kit_texts(event, url)
    heading = f"Kit de communication de «\u00a0{event.title}\u00a0»"
    badge_url = reverse("events:badge", args=[event.edition.year])
    return render(
        request,
        "organizer_space/event_kit.html",
        {
            "title": heading,
            "heading": heading,
            "event": event,
            "url": url,
            "short_text": short,
            "long_text": long,
            "ics_url": site + reverse("events:ics", args=[event.slug]),
            "badge_url": badge_url,
            "badge_snippet": (
                f'<a href="{url}"><img src="{site}{badge_url}" '
                f'alt="Événement référencé — Mois de l’innovation publique {event.edition.year}" '
                'width="300" height="100"></a>'
            ),
            "breadcrumb_data": breadcrumb("Kit de communication"),
        },
    )
