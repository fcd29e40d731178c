"""What each status of an event means: for its organisers, the DITP and the public.

Two tables, read by the models, the templates, the feeds and the exports:

- `STATUSES`: each moderation status (`events.enums.EventStatus`) with its badge, its
  dashboard heading, whether organisers may still edit it and whether it is public. The
  transitions between statuses, and who may make them, are the workflow's (events/workflow.py).
- `STATES`: how a public event takes place (`Event.schedule_status`, changed by the door
  `events.schedule.event_set_schedule_status`), with the workflow's « Annulé », in the
  vocabulary calendars and search engines understand:

| state | schema.org `eventStatus` | iCalendar `STATUS` | OpenAgenda `status` |
|---|---|---|---|
| Programmé (`scheduled`) | EventScheduled | CONFIRMED | 1 |
| Reprogrammé (`rescheduled`) | EventRescheduled | CONFIRMED | 2 |
| Passé en ligne (`moved_online`) | EventMovedOnline | CONFIRMED | 3 |
| Reporté (`postponed`) | EventPostponed | TENTATIVE | 4 |
| Complet (`full`) | EventScheduled (offer SoldOut) | CONFIRMED | 5 |
| Annulé (workflow `cancelled`) | EventCancelled | CANCELLED | 6 |

OpenAgenda's values are its event field `status` (« État »: 1 Programmé, 2 Reprogrammé,
3 Déplacé en ligne, 4 Reporté, 5 Complet, 6 Annulé), so exports and imports map one to one.

A leaf of the events domain (it imports its enums only): the models read it at load time.
"""

from dataclasses import dataclass

from .enums import EventStatus, ScheduleStatus

S = EventStatus
CANCELLED = EventStatus.CANCELLED.value

# Moderation statuses ---------------------------------------------------------------------

#: The organiser dashboard's filters by state, in their order: each status belongs to one
#: (`StatusInfo.dashboard_filter`). The dashboard adds « Tous » and « Passés » (the events whose
#: last day is over, whatever their status), which the others then leave out.
FILTER_TO_COMPLETE = "a-completer"
FILTER_IN_REVIEW = "en-validation"
FILTER_PUBLISHED = "publies"
FILTER_CLOSED = "refuses-annules"
DASHBOARD_FILTERS = {
    FILTER_TO_COMPLETE: "À compléter",
    FILTER_IN_REVIEW: "En attente de validation",
    FILTER_PUBLISHED: "Validés et publiés",
    FILTER_CLOSED: "Refusés ou annulés",
}


@dataclass(frozen=True)
class StatusInfo:
    """How a status reads in the organiser space and the admin."""

    badge: str  # DSFR badge modifier: fr-badge--<badge> ("" for the neutral grey badge)
    dashboard_heading: str  # the dashboard's group, in this table's order
    dashboard_filter: str  # the dashboard's filter by state that lists it (DASHBOARD_FILTERS)
    editable: bool  # organisers may still edit (a published edit is re-reviewed)
    public: bool  # on the public site
    not_editable_message: str = ""  # why an organiser cannot edit it
    # The moderation message, kept on the event and shown to its organisers with this heading.
    message_heading: str = ""
    # The message asks the organisers for something (a callout on the dashboard and the form).
    message_needs_action: bool = False
    # A notice at the top of the organiser's form while the event has this status.
    edit_notice_heading: str = ""
    edit_notice: str = ""
    save_label: str = "Enregistrer les modifications"
    saved_message: str = "Modifications enregistrées à {time}."


STATUSES: dict[str, StatusInfo] = {
    S.CHANGES_REQUESTED: StatusInfo(
        badge="warning",
        dashboard_heading="Modifications demandées",
        dashboard_filter=FILTER_TO_COMPLETE,
        editable=True,
        public=False,
        message_heading="Modifications demandées par l’équipe DITP",
        message_needs_action=True,
    ),
    S.DRAFT: StatusInfo(
        badge="",
        dashboard_heading="Brouillons",
        dashboard_filter=FILTER_TO_COMPLETE,
        editable=True,
        public=False,
        save_label="Enregistrer le brouillon",
        saved_message="Brouillon enregistré à {time}.",
    ),
    S.SUBMITTED: StatusInfo(
        badge="info",
        dashboard_heading="En cours de validation",
        dashboard_filter=FILTER_IN_REVIEW,
        editable=False,
        public=False,
        not_editable_message=(
            "Cet événement est en cours de validation : retirez-le de la validation pour le "
            "modifier."
        ),
    ),
    S.VALIDATED: StatusInfo(
        badge="new",
        dashboard_heading="Validés, publiés à l’ouverture du programme",
        dashboard_filter=FILTER_PUBLISHED,
        editable=False,
        public=False,
        not_editable_message=(
            "Cet événement est validé : il sera publié à l’ouverture du programme. Pour le "
            "modifier d’ici là, écrivez à l’équipe DITP."
        ),
    ),
    S.PUBLISHED: StatusInfo(
        badge="success",
        dashboard_heading="Publiés",
        dashboard_filter=FILTER_PUBLISHED,
        editable=True,
        public=True,
        edit_notice_heading="Cet événement est publié",
        edit_notice=(
            "Vos modifications seront visibles dans le programme dès leur enregistrement. "
            "L’équipe DITP les relira ensuite."
        ),
        saved_message=(
            "Modifications enregistrées à {time} : elles sont en ligne, et l’équipe DITP va "
            "les relire."
        ),
    ),
    S.REJECTED: StatusInfo(
        badge="error",
        dashboard_heading="Refusés",
        dashboard_filter=FILTER_CLOSED,
        editable=False,
        public=False,
        not_editable_message=(
            "Un événement refusé ne peut plus être modifié : dupliquez-le pour en proposer "
            "une nouvelle version."
        ),
        message_heading="Motif du refus",
    ),
    S.CANCELLED: StatusInfo(
        badge="error",
        dashboard_heading="Annulés",
        dashboard_filter=FILTER_CLOSED,
        editable=False,
        public=True,
        not_editable_message="Un événement annulé ne peut plus être modifié.",
        message_heading="Motif de l’annulation",
    ),
}

#: The status of a new event.
INITIAL = S.DRAFT
#: Statuses visible to the public (published, and cancelled events marked as such).
PUBLIC_STATUSES = frozenset(status for status, info in STATUSES.items() if info.public)
#: Statuses an organiser may still edit.
EDITABLE_STATUSES = frozenset(status for status, info in STATUSES.items() if info.editable)
#: Statuses whose moderation message (reason, requested changes) is kept on the event.
MESSAGE_STATUSES = frozenset(status for status, info in STATUSES.items() if info.message_heading)


def status_info(event_or_status) -> StatusInfo:
    status = getattr(event_or_status, "status", event_or_status)
    return STATUSES[status]


def is_editable(event) -> bool:
    return STATUSES[event.status].editable


def is_public(event) -> bool:
    return STATUSES[event.status].public


def is_draft(event) -> bool:
    return event.status == INITIAL


def is_published(event) -> bool:
    """Published and not cancelled: the event takes place as announced."""
    return event.status == S.PUBLISHED


def is_cancelled(event) -> bool:
    return event.status == S.CANCELLED


# How a public event takes place ----------------------------------------------------------


@dataclass(frozen=True)
class PublicStatus:
    """How one state reads on the public site and in every export."""

    key: str  # a ScheduleStatus value, or "cancelled"
    label: str
    badge: str  # DSFR badge modifier (fr-badge--<badge>); "" shows no badge (as announced)
    schema_org: str  # https://schema.org/EventStatusType member
    ical: str  # iCalendar STATUS (RFC 5545 §3.8.1.11)
    openagenda: int  # OpenAgenda's event `status`
    alert: str = ""  # DSFR alert type of the event page's message (fr-alert--<alert>)
    heading: str = ""  # the alert's title on the event page
    without_message: str = ""  # the alert's text when no message was kept
    ical_prefix: str = ""  # before the calendar entry's title ("Reporté : …")
    hint: str = ""  # what choosing it means, for the organisers' form


STATES: dict[str, PublicStatus] = {
    ScheduleStatus.SCHEDULED: PublicStatus(
        "scheduled",
        "Programmé",
        "",
        "EventScheduled",
        "CONFIRMED",
        1,
        hint=(
            "L’événement a lieu comme annoncé (par exemple quand des places se libèrent ou "
            "après un report, une fois les dates confirmées)."
        ),
    ),
    ScheduleStatus.RESCHEDULED: PublicStatus(
        "rescheduled",
        "Reprogrammé",
        "info",
        "EventRescheduled",
        "CONFIRMED",
        2,
        alert="info",
        heading="Cet événement change de date",
        ical_prefix="Reprogrammé",
        hint="Les dates changent : indiquez les nouvelles séances ci-dessous.",
    ),
    ScheduleStatus.MOVED_ONLINE: PublicStatus(
        "moved_online",
        "Passé en ligne",
        "info",
        "EventMovedOnline",
        "CONFIRMED",
        3,
        alert="info",
        heading="Cet événement a désormais lieu en ligne",
        ical_prefix="En ligne",
        hint=(
            "L’événement n’a plus lieu sur place mais en ligne : dites dans le message "
            "comment y assister."
        ),
    ),
    ScheduleStatus.POSTPONED: PublicStatus(
        "postponed",
        "Reporté",
        "warning",
        "EventPostponed",
        "TENTATIVE",
        4,
        alert="warning",
        heading="Cet événement est reporté",
        without_message="Il n’aura pas lieu aux dates annoncées ; les nouvelles dates seront "
        "annoncées ici.",
        ical_prefix="Reporté",
        hint=(
            "L’événement n’aura pas lieu aux dates annoncées et les nouvelles dates ne sont "
            "pas encore connues."
        ),
    ),
    ScheduleStatus.FULL: PublicStatus(
        "full",
        "Complet",
        "warning",
        "EventScheduled",
        "CONFIRMED",
        5,
        alert="info",
        heading="Cet événement est complet",
        hint="Toutes les places sont prises : les inscriptions sont fermées.",
    ),
    CANCELLED: PublicStatus(
        "cancelled",
        "Annulé",
        "error",
        "EventCancelled",
        "CANCELLED",
        6,
        alert="error",
        heading="Cet événement est annulé",
        without_message="Il n’aura pas lieu aux dates annoncées.",
        ical_prefix="Annulé",
    ),
}

#: The filter's and the exports' vocabulary, in OpenAgenda's order.
PUBLIC_STATUS_CHOICES = [
    (state.key, state.label) for state in sorted(STATES.values(), key=lambda s: s.openagenda)
]


def public_status(event) -> PublicStatus:
    """The state of `event` as the public sees it: « Annulé » (workflow) comes first."""
    if is_cancelled(event):
        return STATES[CANCELLED]
    return STATES[event.schedule_status]


def public_status_message(event) -> str:
    """The public message of the event's state (the cancellation's reason, or the message
    given with « Reporté »…); "" when it is programmed as announced."""
    if is_cancelled(event):
        return event.moderation_message
    if event.schedule_status == ScheduleStatus.SCHEDULED:
        return ""
    return event.schedule_message
