"""What an event needs to be submitted, and when organisers may reference events.

Each rule and its French message is written here once. The organiser form and the submission
page show these messages, the submission service (`events.services.event_submit`) refuses an
event that breaks one, and the admin applies the same session-time rule.
"""

import datetime

from django.utils import timezone

from moisinno.formatting import french_date, french_dates, french_time
from moisinno.roles import is_moderator
from organizers.siret import is_eligible_category

from . import workflow
from .enums import RegistrationMode
from .models import PARIS, Edition, Event

# The referencing window ------------------------------------------------------------------


def referencing_is_open(*, edition: Edition, today: datetime.date | None = None) -> bool:
    """Inside the edition's referencing window (both days included)."""
    today = today or timezone.localdate()
    if edition.referencing_opens_on and today < edition.referencing_opens_on:
        return False
    return today <= edition.referencing_closes_on


def referencing_open_for(*, edition: Edition, user) -> bool:
    """Organisers reference events inside the window; DITP moderators at any time."""
    return referencing_is_open(edition=edition) or is_moderator(user)


def referencing_closed_message(edition: Edition | None) -> str:
    if edition is None:
        return "Aucune édition n’est ouverte au référencement pour le moment."
    if edition.referencing_opens_on and timezone.localdate() < edition.referencing_opens_on:
        return (
            f"Le référencement de l’édition {edition.year} ouvrira le "
            f"{french_date(edition.referencing_opens_on)}."
        )
    return (
        f"Le référencement de l’édition {edition.year} a pris fin le "
        f"{french_date(edition.referencing_closes_on)} : seule l’équipe DITP peut encore "
        "ajouter des événements."
    )


# Sessions --------------------------------------------------------------------------------

SESSION_END_BEFORE_START = "l’heure de fin doit suivre l’heure de début"
SESSION_END_WITHOUT_START = "indiquez l’heure de début, puisque la fin est indiquée"


def session_times_error(
    start: datetime.time | None, end: datetime.time | None
) -> tuple[str, str] | None:
    """(field, message) when a session's times do not make sense, else None."""
    if end and not start:
        return "start_time", SESSION_END_WITHOUT_START
    if start and end and end <= start:
        return "end_time", SESSION_END_BEFORE_START
    return None


def _sentence(text: str) -> str:
    return f"{text[0].upper()}{text[1:]}."


def session_times_message(start, end) -> tuple[str, str] | None:
    """`session_times_error` as a form error: (field, "Sentence.")."""
    error = session_times_error(start, end)
    return (error[0], _sentence(error[1])) if error else None


# On-platform registration: a session's places and closing ---------------------------------


def _people_registered(count: int) -> str:
    if count == 1:
        return "1\u00a0personne est déjà inscrite"
    return f"{count}\u00a0personnes sont déjà inscrites"


def session_registration_errors(
    *,
    seats_taken: int,
    capacity: int | None,
    closes_at: datetime.datetime | None,
    date: datetime.date | None,
    start_time: datetime.time | None,
) -> list[tuple[str, str]]:
    """(field, message) for each rule a session's registration settings break: its number of
    places never below the seats already taken (the registrations stay), its closing never
    after its start (organiser form, admin inline)."""
    errors: list[tuple[str, str]] = []
    if capacity is not None and capacity < 1:
        errors.append(
            ("capacity", "Indiquez au moins 1 place, ou laissez vide : places illimitées.")
        )
    elif capacity is not None and capacity < seats_taken:
        errors.append(
            (
                "capacity",
                f"{_people_registered(seats_taken)} : indiquez au moins {seats_taken} places, "
                "ou annulez des inscriptions depuis la page des inscriptions.",
            )
        )
    if closes_at is not None and date is not None:
        starts_at = timezone.make_aware(
            datetime.datetime.combine(date, start_time or datetime.time()), PARIS
        )
        if closes_at > starts_at:
            start = french_date(date)
            if start_time:
                start = f"{start} à {french_time(start_time)}"
            errors.append(
                (
                    "registration_closes_at",
                    f"La clôture des inscriptions doit précéder le début de la séance "
                    f"({start}) : choisissez un moment plus tôt, ou laissez vide pour clore "
                    "au début de la séance.",
                )
            )
    return errors


# Where sessions take place ---------------------------------------------------------------


def session_place_errors(sessions: list) -> list[str]:
    """In person: an address, a city and a department; online: a link or a note saying how
    registrants will get it. One message per session (« La séance du 21 novembre… »)."""
    errors: list[str] = []
    for session in sessions:
        subject = f"La séance du {french_date(session.date)}"
        if session.is_in_person:
            if not session.address.strip() or not session.city.strip():
                errors.append(
                    f"{subject} se tient en présentiel : indiquez l’adresse et la ville du lieu."
                )
            if not session.department:
                errors.append(
                    f"{subject} se tient en présentiel : indiquez le département du lieu."
                )
        if session.is_online and not session.online_url and not session.online_note.strip():
            errors.append(
                f"{subject} se tient en ligne : indiquez le lien de connexion ou de diffusion, "
                "ou précisez comment les personnes inscrites le recevront."
            )
    return errors


# Submission ------------------------------------------------------------------------------


def eligibility_errors(event: Event, *, user=None) -> list[str]:
    """Everything that prevents submitting `event`, one precise French message per problem.

    Drafts are never checked: only submission is. The referencing window applies to a first
    submission by an organiser (not to a resubmission after requested changes, nor to DITP).
    """
    errors: list[str] = []
    edition = event.edition
    if (
        workflow.needs_first_submission(event)
        and not referencing_is_open(edition=edition)
        and not is_moderator(user)
    ):
        errors.append(referencing_closed_message(edition))
    category = event.organization.legal_category if event.organization_id else ""
    if not is_eligible_category(category):
        errors.append(
            f"D’après le répertoire Sirene, « {event.organization.name} » n’est ni un organisme "
            f"public ni une association (catégorie juridique {category}) : le Mois de "
            "l’innovation publique référence les événements des administrations, des organismes "
            "publics, des associations et des acteurs de l’ESS. Si c’est une erreur, écrivez à "
            "l’équipe DITP."
        )
    if not event.summary.strip():
        errors.append("Rédigez le résumé : en 200 caractères au plus, il présente l’événement.")
    if not event.description.strip():
        errors.append("Rédigez la description : déroulé, intervenants, ce que l’on y apprend.")
    if event.format_id is None:
        errors.append("Choisissez le format de l’événement (atelier, conférence, webinaire…).")
    sessions = list(event.sessions.all())
    errors.extend(session_place_errors(sessions))
    if event.registration_mode == RegistrationMode.LINK and not event.registration_url:
        errors.append("Indiquez le lien d’inscription, ou choisissez un autre mode d’inscription.")
    if event.registration_mode == RegistrationMode.EMAIL and not event.registration_email:
        errors.append(
            "Indiquez le courriel d’inscription, ou choisissez un autre mode d’inscription."
        )
    if not event.private_contact_email:
        errors.append(
            "Indiquez le courriel de la personne que l’équipe DITP peut contacter "
            "(il n’est pas publié)."
        )
    if not event.is_free:
        errors.append(
            "L’événement doit être gratuit : le Mois de l’innovation publique ne référence "
            "que des événements gratuits."
        )
    if not sessions:
        errors.append("Ajoutez au moins une séance : sa date, et si possible ses horaires.")
    for session in sessions:
        if session_times_error(session.start_time, session.end_time):
            errors.append(
                f"La séance du {french_date(session.date)} se termine avant de commencer : "
                f"{SESSION_END_BEFORE_START}."
            )
    outside = [s.date for s in sessions if not edition.start_date <= s.date <= edition.end_date]
    if outside:
        edition_dates = (
            f"du {french_date(edition.start_date, 'j F')} au {french_date(edition.end_date)}"
        )
        if not event.derogation_requested:
            subject = (
                f"La séance du {french_dates(outside)} a lieu"
                if len(set(outside)) == 1
                else f"Les séances des {french_dates(outside)} ont lieu"
            )
            errors.append(
                f"{subject} en dehors des dates de l’édition ({edition_dates}) : choisissez "
                "des dates dans l’édition, ou demandez une dérogation en la justifiant."
            )
        elif not event.derogation_justification.strip():
            errors.append(
                "Justifiez la demande de dérogation : expliquez pourquoi l’événement a lieu "
                f"en dehors des dates de l’édition ({edition_dates})."
            )
    return errors
