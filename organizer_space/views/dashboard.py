"""The organiser space's home: the user's organisations and their events by status."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from events import workflow
from events.eligibility import referencing_closed_message, referencing_open_for
from events.selectors import (
    current_edition,
    organization_ditp_edits,
    organization_events,
    organization_past_events,
)
from moisinno import proconnect
from moisinno.proconnect.selectors import agent_siret
from organizers.enums import MembershipStatus
from organizers.selectors import memberships_of_user, organization_by_siret


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = memberships_of_user(user=request.user)
    edition = current_edition()
    organizations = []
    for membership in memberships:
        if membership.status != MembershipStatus.ACTIVE:
            continue
        organization = membership.organization
        events = list(organization_events(organization=organization, edition=edition))
        organizations.append(
            {
                "membership": membership,
                "organization": organization,
                "groups": [
                    {"status": status, "heading": heading, "events": matching}
                    for status, heading, matching in workflow.dashboard_groups(events)
                ],
                "event_count": len(events),
                "ditp_edits": organization_ditp_edits(organization=organization, edition=edition),
                "past_events": list(
                    organization_past_events(organization=organization, edition=edition)[:30]
                ),
                "pending_requests": organization.memberships.filter(
                    status=MembershipStatus.PENDING
                ).count(),
            }
        )
    referencing_open = edition is not None and referencing_open_for(
        edition=edition, user=request.user
    )
    return render(
        request,
        "organizer_space/dashboard.html",
        {
            "title": "Espace organisateur",
            "edition": edition,
            "organizations": organizations,
            "pending_memberships": [m for m in memberships if m.status == MembershipStatus.PENDING],
            "referencing_open": referencing_open,
            "referencing_message": "" if referencing_open else referencing_closed_message(edition),
            "proconnect_offer": _proconnect_offer(request.user, memberships),
        },
    )


def _proconnect_offer(user, memberships) -> dict | None:
    """The organisation of the agent's SIRET (ProConnect), when they are not in it yet."""
    siret = agent_siret(user=user) if proconnect.is_enabled() else ""
    if not siret:
        return None
    organization = organization_by_siret(siret=siret)
    if organization is not None and any(m.organization_id == organization.pk for m in memberships):
        return None
    return {"siret": siret, "organization": organization}
