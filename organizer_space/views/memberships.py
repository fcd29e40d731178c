"""Organisations and memberships: create, join, accept or decline members, leave."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from moisinno.forms import error_summary
from organizers import services
from organizers.enums import MembershipRole, MembershipStatus
from organizers.models import Membership
from organizers.selectors import memberships_of_user, organization_memberships, organizations_search

from ..forms.organizations import MembershipRequestForm, OrganizationForm, OrganizationSearchForm
from ..permissions import organization_member_required, own_pending_membership_required
from .common import breadcrumb, page_title


@login_required
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = services.organization_create(user=request.user, **form.service_kwargs())
        messages.success(
            request,
            f"L’organisation « {organization.name} » est créée : vous pouvez référencer "
            "ses événements.",
        )
        return redirect("organizers:dashboard")
    return render(
        request,
        "organizer_space/organization_form.html",
        {
            "title": page_title("Créer votre organisation", has_errors=bool(form.errors)),
            "form": form,
            "errors": error_summary(form),
            "breadcrumb_data": breadcrumb("Créer votre organisation"),
        },
    )


@login_required
def organization_join(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        request_form = MembershipRequestForm(request.POST)
        if request_form.is_valid():
            organization = request_form.cleaned_data["organization"]
            try:
                services.membership_request(user=request.user, organization=organization)
            except services.MembershipError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    f"Votre demande pour rejoindre « {organization.name} » est envoyée à ses "
                    "membres : vous recevrez un courriel dès qu’elle sera acceptée.",
                )
            return redirect("organizers:dashboard")
        messages.error(request, "Cette organisation n’existe pas ou plus.")
        return redirect("organizers:organization_join")

    form = OrganizationSearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        status_by_organization = {
            m.organization_id: m.status for m in memberships_of_user(user=request.user)
        }
        results = [
            {
                "organization": organization,
                "is_member": status_by_organization.get(organization.pk) == MembershipStatus.ACTIVE,
                "is_pending": status_by_organization.get(organization.pk)
                == MembershipStatus.PENDING,
            }
            for organization in organizations_search(query=form.cleaned_data["q"])
        ]
    return render(
        request,
        "organizer_space/organization_join.html",
        {
            "title": page_title("Rejoindre une organisation", has_errors=bool(form.errors)),
            "form": form,
            "errors": error_summary(form),
            "results": results,
            "breadcrumb_data": breadcrumb("Rejoindre une organisation"),
        },
    )


@organization_member_required
@require_GET
def organization_members(request: HttpRequest, membership: Membership) -> HttpResponse:
    organization = membership.organization
    memberships = organization_memberships(organization=organization)
    return render(
        request,
        "organizer_space/organization_members.html",
        {
            "title": f"Membres — {organization.name}",
            "organization": organization,
            "membership": membership,
            "is_admin": membership.role == MembershipRole.ADMIN,
            "members": [m for m in memberships if m.status == MembershipStatus.ACTIVE],
            "requests": [m for m in memberships if m.status == MembershipStatus.PENDING],
            "breadcrumb_data": breadcrumb(f"Membres — {organization.name}"),
        },
    )


def _membership_action(request, membership: Membership, membership_pk: int, action, done: str):
    target = get_object_or_404(
        Membership.objects.select_related("user", "organization"),
        pk=membership_pk,
        organization=membership.organization,
    )
    try:
        action(membership=target, user=request.user)
    except services.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done.format(email=target.user.email))
    return redirect("organizers:organization_members", slug=membership.organization.slug)


@require_POST
@organization_member_required
def membership_approve(request: HttpRequest, membership: Membership, membership_pk: int):
    return _membership_action(
        request,
        membership,
        membership_pk,
        services.membership_approve,
        "{email} est désormais membre de l’organisation.",
    )


@require_POST
@organization_member_required
def membership_decline(request: HttpRequest, membership: Membership, membership_pk: int):
    return _membership_action(
        request,
        membership,
        membership_pk,
        services.membership_decline,
        "La demande de {email} est refusée.",
    )


@require_POST
@organization_member_required
def membership_remove(request: HttpRequest, membership: Membership, membership_pk: int):
    return _membership_action(
        request,
        membership,
        membership_pk,
        services.membership_remove,
        "{email} ne fait plus partie de l’organisation.",
    )


@organization_member_required
def organization_leave(request: HttpRequest, membership: Membership) -> HttpResponse:
    organization = membership.organization
    if request.method == "POST":
        services.membership_leave(membership=membership, user=request.user)
        messages.success(request, f"Vous avez quitté l’organisation « {organization.name} ».")
        return redirect("organizers:dashboard")
    return render(
        request,
        "organizer_space/confirm.html",
        {
            "title": f"Quitter « {organization.name} »",
            "question": (
                f"Vous ne pourrez plus gérer les événements de « {organization.name} ». "
                "Pour revenir, il faudra qu’un membre accepte une nouvelle demande."
            ),
            "button": "Quitter l’organisation",
            "cancel_url": reverse("organizers:organization_members", args=[organization.slug]),
            "breadcrumb_data": breadcrumb(f"Quitter « {organization.name} »"),
        },
    )


@require_POST
@own_pending_membership_required
def membership_cancel(request: HttpRequest, membership: Membership) -> HttpResponse:
    services.membership_leave(membership=membership, user=request.user)
    messages.success(
        request, f"Votre demande pour rejoindre « {membership.organization.name} » est annulée."
    )
    return redirect("organizers:dashboard")
