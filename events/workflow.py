"""The moderation workflow: the one table of statuses and transitions.

Every status change reads this module: the transition service
(`events.services.event_transition`), the admin's decision buttons and bulk actions, the
organiser space's buttons, pre-checks and dashboard, and the decision e-mails. What each status
means (badge, editable, public) is in events/states.py. Templates and views never compare
status strings: they ask `allowed(event, user)`, `states.status_info(event)` or
`states.is_editable(event)`.

A transition may hold only before or only after the edition's publication moment
(`Transition.when`): before it, approval makes an event « Validé » (not public); at the moment
the opening (`events.services.edition_open_programme`, actor `system`) publishes every
validated event; after it, approval publishes at once.

| from | to | who | message |
|---|---|---|---|
| draft | submitted | organiser (eligibility checked) | |
| submitted | draft (withdrawn) | organiser | |
| submitted | published | moderator (no publication moment, or once it has passed) | |
| submitted | validated | moderator (before the edition's publication moment) | |
| validated | published | the programme's opening (task worker or cron, at the moment) | |
| validated | changes_requested | moderator | required |
| submitted | changes_requested | moderator | required |
| submitted | rejected | moderator | required |
| changes_requested | submitted | organiser (eligibility checked) | |
| published | cancelled (stays visible) | organiser or moderator | required |
| published | changes_requested ("unpublish") | moderator | required |
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from moisinno.roles import covers, is_moderator
from organizers.selectors import user_is_active_member

from .enums import Actor, EventStatus
from .states import INITIAL, MESSAGE_STATUSES, STATUSES

S = EventStatus
ORGANIZER = Actor.ORGANIZER
MODERATOR = Actor.MODERATOR
SYSTEM = Actor.SYSTEM

#: `Transition.when`: the transition holds only before / after the edition's publication moment.
BEFORE_OPENING = "before_opening"
AFTER_OPENING = "after_opening"


@dataclass(frozen=True)
class Transition:
    """One allowed status change, and how each side of the site offers it."""

    from_status: str
    to_status: str
    actors: frozenset[str]
    message_required: bool = False
    # Submission: the eligibility rules (events.eligibility) must hold.
    checks_eligibility: bool = False
    # Admin: decision slug (its URL), button label, message field label, confirmation texts.
    slug: str = ""
    admin_label: str = ""
    message_label: str = ""
    done: str = ""  # completes "« Title » …" in the admin's success message
    done_bulk: str = "traité(s)"  # completes "N événement(s) …" after a bulk action
    dangerous: bool = False
    # BEFORE_OPENING / AFTER_OPENING: only before / after the edition's publication moment.
    when: str = ""
    # A moderator's approval (the bulk « approve » action picks the one that holds now).
    approves: bool = False
    # Organiser space: button label, URL name (takes the event's pk) and DSFR icon.
    organizer_label: str = ""
    organizer_url: str = ""
    organizer_icon: str = ""
    organizer_button: str = "fr-btn"
    # The decision e-mail to the organisers, when DITP makes it: subject and first paragraph.
    email_subject: str = ""
    email_notice: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.from_status, self.to_status)

    @property
    def offered_in_admin(self) -> bool:
        return bool(self.admin_label)

    @property
    def offered_to_organizers(self) -> bool:
        return bool(self.organizer_url)


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        S.DRAFT,
        S.SUBMITTED,
        frozenset({ORGANIZER}),
        checks_eligibility=True,
        organizer_label="Soumettre",
        organizer_url="organizers:event_submit",
        organizer_icon="fr-icon-send-plane-line",
    ),
    Transition(
        S.SUBMITTED,
        S.DRAFT,
        frozenset({ORGANIZER}),
        organizer_label="Retirer de la validation",
        organizer_url="organizers:event_withdraw",
        organizer_icon="fr-icon-arrow-go-back-line",
        organizer_button="fr-btn fr-btn--secondary",
    ),
    Transition(
        S.SUBMITTED,
        S.PUBLISHED,
        frozenset({MODERATOR}),
        slug="approuver",
        admin_label="Approuver et publier",
        message_label="Message à l'organisateur (facultatif)",
        done="est publié",
        done_bulk="publié(s)",
        when=AFTER_OPENING,
        approves=True,
        email_subject="Votre événement « {title} » est publié",
        email_notice=(
            "Bonne nouvelle : votre événement « {title} » est validé et publié dans le "
            "programme du Mois de l’innovation publique."
        ),
    ),
    # Before the publication moment: checked, but not public until the programme opens.
    Transition(
        S.SUBMITTED,
        S.VALIDATED,
        frozenset({MODERATOR}),
        slug="valider",
        admin_label="Valider (publié à l'ouverture du programme)",
        message_label="Message à l'organisateur (facultatif)",
        done="est validé : il sera publié à l'ouverture du programme",
        done_bulk="validé(s), publié(s) à l'ouverture du programme",
        when=BEFORE_OPENING,
        approves=True,
        email_subject="Votre événement « {title} » est validé",
        email_notice=(
            "Bonne nouvelle : votre événement « {title} » est validé. Il sera publié dans le "
            "programme du Mois de l’innovation publique à son ouverture, le {opening}."
        ),
    ),
    # The opening: every validated event goes online at once, nobody clicks.
    Transition(
        S.VALIDATED,
        S.PUBLISHED,
        frozenset({SYSTEM}),
        when=AFTER_OPENING,
        email_subject="Votre événement « {title} » est en ligne",
        email_notice=(
            "Le programme du Mois de l’innovation publique est ouvert : votre événement "
            "« {title} » est en ligne."
        ),
    ),
    Transition(
        S.VALIDATED,
        S.CHANGES_REQUESTED,
        frozenset({MODERATOR}),
        message_required=True,
        slug="retirer-la-validation",
        admin_label="Retirer la validation et demander des modifications",
        message_label="Motif et modifications demandées à l'organisateur",
        done="n'est plus validé et attend les modifications demandées",
        dangerous=True,
        email_subject="Des modifications sont demandées sur « {title} »",
        email_notice=(
            "L’équipe de la DITP demande des modifications sur votre événement « {title} » "
            "avant de le publier."
        ),
    ),
    Transition(
        S.SUBMITTED,
        S.CHANGES_REQUESTED,
        frozenset({MODERATOR}),
        message_required=True,
        slug="demander-des-modifications",
        admin_label="Demander des modifications",
        message_label="Modifications demandées à l'organisateur",
        done="attend les modifications demandées",
        email_subject="Des modifications sont demandées sur « {title} »",
        email_notice=(
            "L’équipe de la DITP demande des modifications sur votre événement « {title} » "
            "avant de le publier."
        ),
    ),
    Transition(
        S.SUBMITTED,
        S.REJECTED,
        frozenset({MODERATOR}),
        message_required=True,
        slug="refuser",
        admin_label="Refuser",
        message_label="Motif du refus (envoyé à l'organisateur)",
        done="est refusé",
        done_bulk="refusé(s)",
        dangerous=True,
        email_subject="Votre événement « {title} » n’a pas été retenu",
        email_notice=(
            "Votre événement « {title} » n’a pas été retenu pour le programme du Mois de "
            "l’innovation publique."
        ),
    ),
    Transition(
        S.CHANGES_REQUESTED,
        S.SUBMITTED,
        frozenset({ORGANIZER}),
        checks_eligibility=True,
        organizer_label="Soumettre à nouveau",
        organizer_url="organizers:event_resubmit",
        organizer_icon="fr-icon-send-plane-line",
    ),
    Transition(
        S.PUBLISHED,
        S.CANCELLED,
        frozenset({ORGANIZER, MODERATOR}),
        message_required=True,
        slug="annuler",
        admin_label="Annuler l'événement",
        message_label="Motif de l'annulation (affiché sur la page de l'événement)",
        done="est annulé",
        dangerous=True,
        organizer_label="Annuler l’événement",
        organizer_url="organizers:event_cancel",
        organizer_icon="fr-icon-close-circle-line",
        organizer_button="fr-btn fr-btn--tertiary",
        email_subject="Votre événement « {title} » a été annulé",
        email_notice=(
            "Votre événement « {title} » a été annulé par l’équipe de la DITP. Il reste "
            "visible dans le programme avec la mention « Annulé »."
        ),
    ),
    # "Unpublish": DITP takes a published event off the site and asks for changes.
    Transition(
        S.PUBLISHED,
        S.CHANGES_REQUESTED,
        frozenset({MODERATOR}),
        message_required=True,
        slug="depublier",
        admin_label="Dépublier et demander des modifications",
        message_label="Motif et modifications demandées à l'organisateur",
        done="est retiré du programme en attendant des modifications",
        dangerous=True,
        email_subject="Des modifications sont demandées sur « {title} »",
        email_notice=(
            "L’équipe de la DITP demande des modifications sur votre événement « {title} » "
            "avant de le publier."
        ),
    ),
)

_BY_KEY = {transition.key: transition for transition in TRANSITIONS}
_BY_SLUG = {transition.slug: transition for transition in TRANSITIONS if transition.slug}
_BY_ORGANIZER_URL = {t.organizer_url: t for t in TRANSITIONS if t.organizer_url}


def transition(from_status: str, to_status: str) -> Transition | None:
    """The transition between two statuses, or None when the workflow has none."""
    return _BY_KEY.get((from_status, to_status))


def decision(slug: str) -> Transition | None:
    """A moderator's decision by its admin slug ("approuver", "refuser"…)."""
    return _BY_SLUG.get(slug)


def admin_decisions() -> list[Transition]:
    return list(_BY_SLUG.values())


def organizer_transition(url_name: str) -> Transition:
    """The transition an organiser-space view performs ("organizers:event_submit"…)."""
    return _BY_ORGANIZER_URL[url_name]


def impossible_message(from_status: str, to_status: str) -> str:
    return f"Impossible de passer de « {S(from_status).label} » à « {S(to_status).label} »."


def submission(event) -> Transition | None:
    """How an organiser submits `event` from its status (first time or again), if they can."""
    step = transition(event.status, S.SUBMITTED)
    return step if step is not None and step.offered_to_organizers else None


def holds_now(step: Transition, event, now: datetime.datetime | None = None) -> bool:
    """Whether the transition's timing (`when`) holds for `event`'s edition at `now`."""
    if not step.when:
        return True
    waiting = event.edition.awaits_opening(now or timezone.now())
    return waiting if step.when == BEFORE_OPENING else not waiting


def timing_message(step: Transition) -> str:
    if step.when == BEFORE_OPENING:
        return "Le programme est déjà ouvert au public : approuvez l’événement pour le publier."
    return (
        "Le programme n’est pas encore ouvert au public : l’événement sera publié à "
        "l’ouverture du programme."
    )


def approval(event, now: datetime.datetime | None = None) -> Transition | None:
    """The moderator's approval of `event` that holds now: validate before the publication
    moment, publish after it (None when the event cannot be approved)."""
    for step in TRANSITIONS:
        if step.approves and step.from_status == event.status and holds_now(step, event, now):
            return step
    return None


def roles(user, event) -> set[str]:
    """What `user` is for `event`: a member of the organising organisation, DITP, or both;
    no user at all is the programme's opening (`system`)."""
    found: set[str] = set()
    if user is None:
        return {SYSTEM}
    if not user.is_authenticated or not user.is_active:
        return found
    if is_moderator(user) and covers(
        user, region=event.region, assigned_relay_id=event.assigned_relay_id
    ):
        # A regional relay moderates only its regions' events (and those assigned to it).
        found.add(MODERATOR)
    if user_is_active_member(user=user, organization_id=event.organization_id):
        found.add(ORGANIZER)
    return found


def allowed(
    event, user, *, as_roles: Iterable[str] | None = None, now: datetime.datetime | None = None
) -> list[Transition]:
    """The transitions `user` may make on `event` now, in table order.

    `as_roles` skips the membership query when the caller already knows the user's roles
    (the dashboard lists events of the user's own organisations).
    """
    mine = set(as_roles) if as_roles is not None else roles(user, event)
    return [
        t
        for t in TRANSITIONS
        if t.from_status == event.status and t.actors & mine and holds_now(t, event, now)
    ]


def organizer_actions(event, user, *, as_roles: Iterable[str] | None = None) -> list[Transition]:
    """The organiser-space buttons of `event` for `user` (submit, withdraw, cancel…)."""
    return [
        t
        for t in allowed(event, user, as_roles=as_roles)
        if t.offered_to_organizers and ORGANIZER in t.actors
    ]


def needs_first_submission(event) -> bool:
    """A draft never submitted: the referencing window applies to it (not to resubmissions)."""
    return event.status == INITIAL


def keeps_message(to_status: str) -> bool:
    """Whether the transition's message is stored on the event (shown to its organisers)."""
    return to_status in MESSAGE_STATUSES


def dashboard_groups(events: Iterable) -> list[tuple[str, str, list]]:
    """(status, heading, events) for the organiser dashboard, what needs attention first."""
    events = list(events)
    groups = []
    for status, info in STATUSES.items():
        matching = [event for event in events if event.status == status]
        if matching:
            groups.append((status, info.dashboard_heading, matching))
    return groups
