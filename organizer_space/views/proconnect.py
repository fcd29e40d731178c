"""« Votre organisation d'après ProConnect »: an agent signed in with ProConnect is offered
the organisation of their SIRET (a membership request, as « Rejoindre une organisation »),
or, when none has it yet, its creation prefilled from the Sirene register."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from moisinno import proconnect
from moisinno.forms import error_summary
from moisinno.proconnect.selectors import agent_siret
from organizers import services
from organizers.directory import establishment_lookup
from organizers.enums import MembershipStatus
from organizers.selectors import memberships_of_user, organization_by_siret

from ..forms.organizations import MembershipRequestForm, SiretOrganizationForm
from .common import breadcrumb, page_title

TITLE = "Votre organisation d’après ProConnect"


@login_required
@require_http_methods(["GET", "POST"])
def organization_proconnect(request: HttpRequest) -> HttpResponse:
    if not proconnect.is_enabled():
        raise Http404
    siret = agent_siret(user=request.user)
    if not siret:
        messages.info(
            request,
            "ProConnect n’a pas transmis le SIRET de votre administration : cherchez votre "
            "organisation, ou créez-la.",
        )
        return redirect("organizers:organization_join")
    organization = organization_by_siret(siret=siret)
    if organization is not None:
        status = next(
            (
                m.status
                for m in memberships_of_user(user=request.user)
                if m.organization_id == organization.pk
            ),
            None,
        )
        return render(
            request,
            "organizer_space/organization_proconnect.html",
            {
                "title": TITLE,
                "siret": siret,
                "organization": organization,
                "is_member": status == MembershipStatus.ACTIVE,
                "is_pending": status == MembershipStatus.PENDING,
                "request_form": MembershipRequestForm(initial={"organization": organization}),
                "breadcrumb_data": breadcrumb(TITLE),
            },
        )

    establishment = establishment_lookup(siret)
    initial = {}
    if establishment is not None:
        initial = {
            "name": establishment.name,
            "kind": establishment.kind,
            "department": establishment.department,
        }
    form = SiretOrganizationForm(request.POST or None, initial=initial, siret=siret)
    if request.method == "POST" and form.is_valid():
        organization = services.organization_create(
            user=request.user,
            **form.service_kwargs(),
            siret=siret,
            legal_category=establishment.legal_category if establishment else "",
        )
        messages.success(
            request,
            f"L’organisation « {organization.name} » est créée : vous pouvez référencer "
            "ses événements.",
        )
        return redirect("organizers:dashboard")
    return render(
        request,
        "organizer_space/organization_proconnect.html",
        {
            "title": page_title(TITLE, has_errors=bool(form.errors)),
            "siret": siret,
            "establishment": establishment,
            "form": form,
            "errors": error_summary(form),
            "breadcrumb_data": breadcrumb(TITLE),
        },
    )
