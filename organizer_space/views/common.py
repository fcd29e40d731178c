"""What every page of the organiser space shares: its breadcrumb and its page titles, the
registration counts of its events, and the first step of referencing an event (which
organisation, is referencing open)."""

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse

from events.eligibility import referencing_closed_message, referencing_open_for
from events.enums import RegistrationMode
from events.selectors import current_edition
from organizers.enums import MembershipStatus
from organizers.selectors import memberships_of_user
from registrations.lists import event_registration_counts


def breadcrumb(current: str, *links: tuple[str, str]) -> dict:
    return {
        "links": [
            {"url": reverse("organizers:dashboard"), "title": "Espace organisateur"},
            *({"url": url, "title": title} for url, title in links),
        ],
        "current": current,
    }


def with_registration_counts(events):
    """Each event that takes registrations on the platform gets `registration_counts` (its
    « Inscriptions (12/30) » link), from its sessions (prefetched on the dashboard)."""
    for event in events:
        event.registration_counts = (
            event_registration_counts(event.sessions.all())
            if event.registration_mode == RegistrationMode.PLATFORM
            else None
        )
    return events


def page_title(title: str, *, has_errors: bool = False) -> str:
    return f"Erreur : {title}" if has_errors else title


def referencing_start(
    request: HttpRequest, *, heading: str, first_step: str, target_url: str | None = None
):
    """For a new event (« Référencer », « Importer »): `(organization, edition)`, or the page
    to answer instead: the dashboard when the user has no organisation yet (`first_step`
    says what they wanted to do), the choice of organisation when they have several, the
    « référencement fermé » page. Another organisation's slug is a 404."""
    memberships = [
        m for m in memberships_of_user(user=request.user) if m.status == MembershipStatus.ACTIVE
    ]
    if not memberships:
        messages.info(
            request,
            f"Pour {first_step}, créez d’abord votre organisation ou rejoignez-la.",
        )
        return redirect("organizers:dashboard")
    slug = request.GET.get("organisation")
    if slug:
        membership = next((m for m in memberships if m.organization.slug == slug), None)
        if membership is None:
            raise Http404("Organisation introuvable.")
    elif len(memberships) == 1:
        membership = memberships[0]
    else:
        return render(
            request,
            "organizer_space/event_choose_organization.html",
            {
                "title": "Pour quelle organisation ?",
                "memberships": memberships,
                "target_url": target_url,
                "breadcrumb_data": breadcrumb(heading),
            },
        )
    edition = current_edition()
    if edition is None or not referencing_open_for(edition=edition, user=request.user):
        return render(
            request,
            "organizer_space/event_referencing_closed.html",
            {
                "title": "Le référencement est fermé",
                "message": referencing_closed_message(edition),
                "breadcrumb_data": breadcrumb(heading),
            },
        )
    return membership.organization, edition
