"""The one place where the organiser space checks ownership.

Every view that touches an organisation or an event resolves it through these decorators,
from the current user's active memberships: anything else is a 404, never a 403, so that
nobody learns what other organisations hold.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from events.selectors import events_of_member
from moisinno.links import ExpiredLink, InvalidLink
from organizers.enums import MembershipStatus
from organizers.models import Membership
from organizers.selectors import active_membership
from registrations.tokens import registration_from_check_in_token


def organization_member_required(view: Callable) -> Callable:
    """`view(request, membership, …)`: the user's active membership of the organisation `slug`."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
        membership = active_membership(user=request.user, slug=slug)
        if membership is None:
            raise Http404("Organisation introuvable.")
        return view(request, membership, *args, **kwargs)

    return wrapper


def event_member_required(view: Callable) -> Callable:
    """`view(request, event, …)`: an event of one of the user's organisations, by its `pk`."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, *args, **kwargs) -> HttpResponse:
        event = get_object_or_404(
            events_of_member(user=request.user).select_related("organization", "edition", "format"),
            pk=pk,
        )
        return view(request, event, *args, **kwargs)

    return wrapper


def own_pending_membership_required(view: Callable) -> Callable:
    """`view(request, membership, …)`: the user's own pending join request, by its `pk`."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, *args, **kwargs) -> HttpResponse:
        membership = get_object_or_404(
            Membership.objects.select_related("organization"),
            pk=pk,
            user=request.user,
            status=MembershipStatus.PENDING,
        )
        return view(request, membership, *args, **kwargs)

    return wrapper


def check_in_registration_required(view: Callable) -> Callable:
    """`view(request, registration, …)`: the registration of a check-in QR code (`token`), when
    its event is one of the user's organisations'. Anyone else, and a tampered or erased
    code, gets a 404: a stranger who finds a ticket learns nothing from it."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
        try:
            registration = registration_from_check_in_token(token)
        except (InvalidLink, ExpiredLink):
            raise Http404("Inscription introuvable.") from None
        if (
            not events_of_member(user=request.user)
            .filter(pk=registration.session.event_id)
            .exists()
        ):
            raise Http404("Inscription introuvable.")
        return view(request, registration, *args, **kwargs)

    return wrapper
