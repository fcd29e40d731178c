"""E-mail alerts: subscribe (double opt-in), confirm, unsubscribe, the weekly digest, the purge.

Signed links carry only an alert's id (never the address): `confirm_token` expires after
`CONFIRMATION_DAYS`; `unsubscribe_token` and `manage_token` last as long as the alert.
"""

import datetime
import hashlib
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from events.enums import EventStatus
from events.models import Edition, Event
from moisinno.formatting import french_dates
from moisinno.links import ExpiredLink, signed_id
from moisinno.models import OutgoingEmail
from moisinno.notifications import queue_email
from programme.selectors import prefetch_cards, programme_events

from .models import Alert

CONFIRMATION_DAYS = 7  # an unconfirmed subscription is deleted after this
RETENTION_AFTER_EDITION_DAYS = 30  # alerts are deleted this long after their edition ends
DIGEST_MAX_EVENTS = 30  # events listed in one digest; the rest through the programme link
# Only events published at least this long ago go into a digest: an event whose publication
# transaction is still open when the digest runs is not missed (the watermark stops here).
PUBLICATION_MARGIN = datetime.timedelta(minutes=5)
# The programme parameters that do not change which events match.
IGNORED_PARAMS = frozenset({"page", "tri"})
MAX_QUERY_LENGTH = 2000

_CONFIRM_SALT = "alerts.confirm"
_UNSUBSCRIBE_SALT = "alerts.unsubscribe"
_MANAGE_SALT = "alerts.manage"


class SelectionTooLong(Exception):
    pass


# Selections ---------------------------------------------------------------------------------


def selection_query(*, edition: Edition, params: QueryDict) -> str:
    """The programme parameters that select events, valid ones only, sorted: two URLs of the
    same selection give the same alert."""
    filterset = programme_events(edition=edition, params=params).filterset
    kept = set(filterset.filters) - IGNORED_PARAMS - set(filterset.form.errors)
    pairs = sorted(
        {
            (name, value.strip())
            for name in params
            if name in kept
            for value in params.getlist(name)
            if value.strip()
        }
    )
    query = urlencode(pairs)
    if len(query) > MAX_QUERY_LENGTH:
        raise SelectionTooLong
    return query


def selection_labels(*, edition: Edition, query: str) -> list[str]:
    """The criteria of a selection in French ("Bretagne", "Atelier"…); [] for the whole
    programme."""
    filterset = programme_events(edition=edition, params=QueryDict(query)).filterset
    return [tag.label for tag in filterset.active_filters()]


def programme_url(*, edition: Edition, query: str) -> str:
    """The programme page of the selection (the current edition's page, or a past one's)."""
    path = reverse("events:programme") if edition.is_current else edition.get_absolute_url()
    return f"{path}?{query}" if query else path


# Tokens ------------------------------------------------------------------------------------


def confirm_token(alert: Alert) -> str:
    return signing.TimestampSigner(salt=_CONFIRM_SALT).sign(str(alert.pk))


def unsubscribe_token(alert: Alert) -> str:
    return signing.Signer(salt=_UNSUBSCRIBE_SALT).sign(str(alert.pk))


def manage_token(alert: Alert) -> str:
    """Opens the list of every alert of the alert's address."""
    return signing.Signer(salt=_MANAGE_SALT).sign(str(alert.pk))


def alert_from_confirm_token(token: str) -> Alert:
    signer = signing.TimestampSigner(salt=_CONFIRM_SALT)
    pk = signed_id(token, signer, max_age=datetime.timedelta(days=CONFIRMATION_DAYS))
    alert = Alert.objects.select_related("edition").filter(pk=pk).first()
    if alert is None:
        raise ExpiredLink  # purged, or already removed by its owner
    return alert


def alert_id_from_unsubscribe_token(token: str) -> int:
    """The alert's id, even if it is already deleted (unsubscribing twice is fine)."""
    return signed_id(token, signing.Signer(salt=_UNSUBSCRIBE_SALT))


def alert_from_manage_token(token: str) -> Alert | None:
    """The alert the link was made for, None when it has been deleted since."""
    pk = signed_id(token, signing.Signer(salt=_MANAGE_SALT))
    return Alert.objects.filter(pk=pk).first()


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_url(alert: Alert) -> str:
    return absolute(reverse("alerts:unsubscribe", args=[unsubscribe_token(alert)]))


def manage_url(alert: Alert) -> str:
    return absolute(reverse("alerts:manage", args=[manage_token(alert)]))


def unsubscribe_headers(alert: Alert) -> dict[str, str]:
    """One-click unsubscription (RFC 2369 and RFC 8058): the mail client POSTs to the URL."""
    mailbox = getattr(settings, "ALERTS_UNSUBSCRIBE_EMAIL", "mois-innovation@modernisation.gouv.fr")
    subject = quote(f"Désabonnement {unsubscribe_token(alert)}")
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(alert)}>, <mailto:{mailbox}?subject={subject}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def address_key(email: str) -> str:
    """A digest of the address, for the rate limit's cache key (no address in the cache)."""
    return hashlib.sha256(email.encode()).hexdigest()[:32]


def normalize_email(email: str) -> str:
    return email.strip().lower()


# Writes ------------------------------------------------------------------------------------


def alert_subscribe(*, email: str, edition: Edition, query: str) -> Alert:
    """Record the request and queue the confirmation e-mail (double opt-in).

    An address already confirmed for this selection gets no new e-mail; the visitor sees the
    same answer either way, so the form does not tell who is subscribed.
    """
    email = normalize_email(email)
    with transaction.atomic():
        alert, _ = Alert.objects.get_or_create(email=email, edition=edition, query=query)
        if alert.is_confirmed:
            return alert
        queue_email(
            to=[email],
            template="alerts_confirm",
            context={
                "confirm_url": absolute(reverse("alerts:confirm", args=[confirm_token(alert)])),
                "labels": selection_labels(edition=edition, query=query),
                "edition": edition,
                "days": CONFIRMATION_DAYS,
            },
        )
    return alert


def alert_confirm(*, alert: Alert) -> Alert:
    """Start the alert: only events published from now on will be sent."""
    with transaction.atomic():
        locked = Alert.objects.select_for_update().filter(pk=alert.pk).first()
        if locked is None:  # deleted meanwhile (purged, or removed from the management page)
            raise ExpiredLink
        if not locked.is_confirmed:
            locked.confirmed_at = locked.watermark = timezone.now()
            locked.save(update_fields=["confirmed_at", "watermark"])
    return locked


def alert_delete(*, alert_id: int) -> bool:
    """Unsubscribe: the row is deleted, nothing about the address is kept. True if it existed."""
    deleted, _ = Alert.objects.filter(pk=alert_id).delete()
    return bool(deleted)


def alerts_delete_all(*, email: str) -> int:
    deleted, _ = Alert.objects.filter(email=email).delete()
    return deleted


def alerts_purge(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Delete the subscriptions never confirmed in time and the alerts of editions over for
    `RETENTION_AFTER_EDITION_DAYS`. Returns (unconfirmed, finished)."""
    now = now or timezone.now()
    unconfirmed, _ = Alert.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - datetime.timedelta(days=CONFIRMATION_DAYS)
    ).delete()
    cutoff = timezone.localdate(now) - datetime.timedelta(days=RETENTION_AFTER_EDITION_DAYS)
    finished, _ = Alert.objects.filter(edition__end_date__lt=cutoff).delete()
    return unconfirmed, finished


# Digests -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestEvent:
    title: str
    url: str
    organization: str
    dates: str
    place: str


def _digest_event(event: Event) -> DigestEvent:
    days = [session.date for session in event.sessions.all()] or [
        day for day in (event.starts_on,) if day
    ]
    if event.is_in_person and event.city:
        place = f"{event.city} ({event.department})" if event.department else event.city
        if event.is_online:
            place += " et en ligne"
    else:
        place = "En ligne" if event.is_online else ""
    return DigestEvent(
        title=event.title,
        url=absolute(event.get_absolute_url()),
        organization=event.organization.name,
        dates=french_dates(days) if days else "",
        place=place,
    )


def alert_new_events(
    *, alert: Alert, until: datetime.datetime, limit: int = DIGEST_MAX_EVENTS
) -> tuple[list[Event], int]:
    """The events of the selection published after the alert's watermark and up to `until`
    (the first `limit`, by date), and how many there are in all."""
    selection = programme_events(edition=alert.edition, params=QueryDict(alert.query))
    new = selection.events.filter(
        status=EventStatus.PUBLISHED, published_at__gt=alert.watermark, published_at__lte=until
    )
    events = list(new.order_by("starts_on", "title", "pk")[: limit + 1])
    total = len(events) if len(events) <= limit else new.count()
    return prefetch_cards(events[:limit]), total


def alert_send_digest(*, alert_id: int, now: datetime.datetime) -> OutgoingEmail | None:
    """Queue the digest of one alert if something new matches, and move its watermark, in
    one transaction: a second run, or a run after a crash, never sends the same events twice
    (and the outbox's task sends each queued e-mail once)."""
    until = now - PUBLICATION_MARGIN
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update()
            .filter(pk=alert_id, confirmed_at__isnull=False)
            .first()
        )
        if alert is None or (alert.watermark and alert.watermark >= until):
            return None
        alert.edition = Edition.objects.get(pk=alert.edition_id)
        events, total = alert_new_events(alert=alert, until=until)
        email = None
        if events:
            edition = alert.edition
            email = queue_email(
                to=[alert.email],
                template="alerts_digest",
                context={
                    "events": [_digest_event(event) for event in events],
                    "total": total,
                    "more": total - len(events),
                    "labels": selection_labels(edition=edition, query=alert.query),
                    "edition": edition,
                    "programme_url": absolute(
                        programme_url(
                            edition=edition,
                            query="&".join(part for part in (alert.query, "tri=recent") if part),
                        )
                    ),
                    "manage_url": manage_url(alert),
                    "unsubscribe_url": unsubscribe_url(alert),
                },
                headers=unsubscribe_headers(alert),
            )
            alert.last_digest_at = now
            alert.digests_sent += 1
        alert.watermark = until
        alert.save(update_fields=["watermark", "last_digest_at", "digests_sent"])
    return email


def alerts_send_digests(*, now: datetime.datetime | None = None) -> int:
    """The weekly run: one transaction per alert. Returns the number of digests queued."""
    now = now or timezone.now()
    ids = Alert.objects.confirmed().order_by("pk").values_list("pk", flat=True)
    return sum(1 for pk in list(ids) if alert_send_digest(alert_id=pk, now=now) is not None)
