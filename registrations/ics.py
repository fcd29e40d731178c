"""The calendar invitation of one registration (RFC 5545 with iTIP, RFC 5546 and 6047).

`METHOD:REQUEST` when a seat is obtained or the session changes (SEQUENCE raised each time),
`METHOD:CANCEL` when it is cancelled. The UID is the registration's, so that a calendar
client updates or removes the same entry. No private link in it: an online session's link is
sent in the reminder an hour before (`registrations.reminders`).
"""

import datetime
from email.utils import parseaddr
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from events.models import PARIS

from .models import Registration

PRODID = "-//DITP//Mois de l'innovation publique//FR"
REQUEST = "REQUEST"
CANCEL = "CANCEL"


def uid(registration: Registration) -> str:
    return f"registration-{registration.pk}@{urlsplit(settings.SITE_URL).hostname or 'moisinno'}"


def invitation(registration: Registration, *, method: str = REQUEST) -> str:
    session = registration.session
    event = session.event
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    entry = icalendar.Event()
    entry.add("uid", uid(registration))
    entry.add("sequence", registration.ics_sequence)
    entry.add("dtstamp", timezone.now())
    entry.add("summary", event.title)
    if session.start_time is None:
        entry.add("dtstart", session.date)
        entry.add("dtend", session.date + datetime.timedelta(days=1))
    else:
        entry.add("dtstart", session.starts_at.astimezone(PARIS))
        entry.add("dtend", session.ends_at.astimezone(PARIS))
    place = session.place_label if session.is_in_person else ""
    if session.is_online:
        place = f"{place} et en ligne" if place else "En ligne"
    if place:
        entry.add("location", place)
    url = f"{settings.SITE_URL}{event.get_absolute_url()}"
    entry.add("url", url)
    description = [event.summary, url]
    if session.is_online and method == REQUEST:
        description.append("Le lien de connexion vous sera envoyé par courriel une heure avant.")
    entry.add("description", "\n\n".join(part for part in description if part))
    entry.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    organizer = icalendar.vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    organizer.params["cn"] = icalendar.vText(event.organization.name)
    entry.add("organizer", organizer)
    attendee = icalendar.vCalAddress(f"mailto:{registration.registrant.email}")
    attendee.params["cn"] = icalendar.vText(registration.registrant.name)
    attendee.params["partstat"] = icalendar.vText("ACCEPTED")
    attendee.params["rsvp"] = icalendar.vText("FALSE")
    entry.add("attendee", attendee)
    calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()


def attachment(registration: Registration, *, method: str = REQUEST) -> dict:
    """The e-mail attachment (`moisinno.notifications.queue_email`)."""
    return {
        "filename": "invitation.ics",
        "content": invitation(registration, method=method),
        "subtype": "calendar",
        "params": {"method": method},
    }
