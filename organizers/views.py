"""The organiser space (/espace-organisateur/): thin views over the services.

Ownership is checked in one place, `organizers.permissions`: every view below that touches an
organisation or an event receives it from a decorator, resolved from the user's active
memberships (anything else is a 404).
"""

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from events import services as events_services
from events.enums import EDITABLE_STATUSES, EventStatus
from events.forms import EventForm, SessionFormSet
from events.models import Event
from events.selectors import (
    current_edition,
    event_possible_duplicates,
    organization_events,
    organization_past_events,
    referencing_open_for,
)
from events.services import EventError, TransitionError, referencing_closed_message

from . import services
from .enums import MembershipRole, MembershipStatus
from .forms import (
    EventCancelForm,
    EventResubmitForm,
    MembershipRequestForm,
    OrganizationForm,
    OrganizationSearchForm,
    error_summary,
)
from .models import Membership
from .permissions import (
    event_member_required,
    organization_member_required,
    own_pending_membership_required,
)
from .selectors import memberships_of_user, organization_memberships, organizations_search

# Dashboard order: what needs the organiser's attention first.
DASHBOARD_GROUPS = [
    (EventStatus.CHANGES_REQUESTED, "Modifications demandées"),
    (EventStatus.DRAFT, "Brouillons"),
    (EventStatus.SUBMITTED, "En cours de validation"),
    (EventStatus.PUBLISHED, "Publiés"),
    (EventStatus.REJECTED, "Refusés"),
    (EventStatus.CANCELLED, "Annulés"),
]
SESSIONS_PREFIX = "sessions"


def _breadcrumb(current: str, *links: tuple[str, str]) -> dict:
    return {
        "links": [
            {"url": reverse("organizers:dashboard"), "title": "Espace organisateur"},
            *({"url": url, "title": title} for url, title in links),
        ],
        "current": current,
    }


def _title(title: str, *, has_errors: bool = False) -> str:
    return f"Erreur : {title}" if has_errors else title


# Dashboard.


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
                    for status, heading in DASHBOARD_GROUPS
                    if (matching := [e for e in events if e.status == status])
                ],
                "event_count": len(events),
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
        "organizers/dashboard.html",
        {
            "title": "Espace organisateur",
            "edition": edition,
            "organizations": organizations,
            "pending_memberships": [m for m in memberships if m.status == MembershipStatus.PENDING],
            "referencing_open": referencing_open,
            "referencing_message": (
                referencing_closed_message(edition)
                if edition is not None and not referencing_open
                else ""
            ),
        },
    )


# Organisations and memberships.


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
        "organizers/organization_form.html",
        {
            "title": _title("Créer votre organisation", has_errors=bool(form.errors)),
            "form": form,
            "errors": error_summary(form),
            "breadcrumb_data": _breadcrumb("Créer votre organisation"),
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
            {"organization": organization, "status": status_by_organization.get(organization.pk)}
            for organization in organizations_search(query=form.cleaned_data["q"])
        ]
    return render(
        request,
        "organizers/organization_join.html",
        {
            "title": _title("Rejoindre une organisation", has_errors=bool(form.errors)),
            "form": form,
            "errors": error_summary(form),
            "results": results,
            "breadcrumb_data": _breadcrumb("Rejoindre une organisation"),
        },
    )


@organization_member_required
@require_GET
def organization_members(request: HttpRequest, membership: Membership) -> HttpResponse:
    organization = membership.organization
    memberships = organization_memberships(organization=organization)
    return render(
        request,
        "organizers/organization_members.html",
        {
            "title": f"Membres — {organization.name}",
            "organization": organization,
            "membership": membership,
            "is_admin": membership.role == MembershipRole.ADMIN,
            "members": [m for m in memberships if m.status == MembershipStatus.ACTIVE],
            "requests": [m for m in memberships if m.status == MembershipStatus.PENDING],
            "breadcrumb_data": _breadcrumb(f"Membres — {organization.name}"),
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
        "organizers/confirm.html",
        {
            "title": f"Quitter « {organization.name} »",
            "question": (
                f"Vous ne pourrez plus gérer les événements de « {organization.name} ». "
                "Pour revenir, il faudra qu’un membre accepte une nouvelle demande."
            ),
            "button": "Quitter l’organisation",
            "cancel_url": reverse("organizers:organization_members", args=[organization.slug]),
            "breadcrumb_data": _breadcrumb(f"Quitter « {organization.name} »"),
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


# Events: the form.


def _without_validation(form, formset) -> None:
    """Show the data back as typed, without error messages (adding a session row)."""
    form._errors = ErrorDict()
    formset._errors = [ErrorDict() for _ in formset.forms]
    formset._non_form_errors = formset.error_class()
    for row in formset.forms:
        row._errors = ErrorDict()


def _event_form(request: HttpRequest, *, event: Event, creating: bool) -> HttpResponse:
    organization = event.organization
    action = request.POST.get("action", "save")
    if request.method == "POST":
        data = request.POST
        if action == "add_session":  # without JavaScript: one more row, nothing saved
            data = data.copy()
            total = f"{SESSIONS_PREFIX}-TOTAL_FORMS"
            with contextlib.suppress(ValueError):  # a tampered count: the formset says so
                data[total] = str(int(data.get(total, "0")) + 1)
        form = EventForm(data, instance=event, organization=organization)
        formset = SessionFormSet(data, instance=event, prefix=SESSIONS_PREFIX)
        if action == "add_session":
            _without_validation(form, formset)
        elif form.is_valid() and formset.is_valid():
            kwargs = {**form.service_kwargs(), "sessions": formset.sessions_data()}
            try:
                if creating:
                    saved = events_services.event_create(
                        organization=organization,
                        edition=event.edition,
                        user=request.user,
                        **kwargs,
                    )
                else:
                    saved = events_services.event_update(event=event, user=request.user, **kwargs)
            except EventError as error:
                messages.error(request, str(error))
                return redirect("organizers:dashboard")
            messages.success(request, _saved_message(saved))
            if action == "submit":
                target = (
                    "organizers:event_resubmit"
                    if saved.status == EventStatus.CHANGES_REQUESTED
                    else "organizers:event_submit"
                )
                return redirect(target, pk=saved.pk)
            return redirect("organizers:event_update", pk=saved.pk)
    else:
        form = EventForm(instance=event, organization=organization)
        formset = SessionFormSet(instance=event, prefix=SESSIONS_PREFIX)
    errors = error_summary(form, formset) if action != "add_session" else []
    page_title = "Référencer un événement" if creating else f"Modifier « {event.title} »"
    return render(
        request,
        "organizers/event_form.html",
        {
            "title": _title(page_title, has_errors=bool(errors)),
            "heading": page_title,
            "event": event,
            "creating": creating,
            "organization": organization,
            "form": form,
            "formset": formset,
            "errors": errors,
            "breadcrumb_data": _breadcrumb(page_title),
        },
    )


def _saved_message(event: Event) -> str:
    time = timezone.localtime().strftime("%H\u00a0h\u00a0%M")
    if event.status == EventStatus.PUBLISHED:
        return (
            f"Modifications enregistrées à {time} : elles sont en ligne, et l’équipe DITP "
            "va les relire."
        )
    if event.status == EventStatus.DRAFT:
        return f"Brouillon enregistré à {time}."
    return f"Modifications enregistrées à {time}."


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    memberships = [
        m for m in memberships_of_user(user=request.user) if m.status == MembershipStatus.ACTIVE
    ]
    if not memberships:
        messages.info(
            request,
            "Pour référencer un événement, créez d’abord votre organisation ou rejoignez-la.",
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
            "organizers/event_choose_organization.html",
            {
                "title": "Pour quelle organisation ?",
                "memberships": memberships,
                "breadcrumb_data": _breadcrumb("Référencer un événement"),
            },
        )
    edition = current_edition()
    if edition is None or not referencing_open_for(edition=edition, user=request.user):
        return render(
            request,
            "organizers/event_referencing_closed.html",
            {
                "title": "Le référencement est fermé",
                "message": (
                    referencing_closed_message(edition)
                    if edition
                    else "Aucune édition n’est ouverte au référencement pour le moment."
                ),
                "breadcrumb_data": _breadcrumb("Référencer un événement"),
            },
        )
    event = Event(edition=edition, organization=membership.organization)
    return _event_form(request, event=event, creating=True)


@event_member_required
def event_update(request: HttpRequest, event: Event) -> HttpResponse:
    if event.status not in EDITABLE_STATUSES:
        messages.error(request, events_services.NOT_EDITABLE_MESSAGES[event.status])
        return redirect("organizers:event_preview", pk=event.pk)
    return _event_form(request, event=event, creating=False)


# Events: preview and status changes.


@event_member_required
@require_GET
def event_preview(request: HttpRequest, event: Event) -> HttpResponse:
    return render(
        request,
        "organizers/event_preview.html",
        {
            "title": f"Aperçu — {event.title}",
            "event": event,
            "preview": True,
            # What the public page's template reads besides the event (events.views).
            "sessions": list(event.sessions.all()),
            "related": [],
            "absolute_url": request.build_absolute_uri(event.get_absolute_url()),
        },
    )


def _submission(request: HttpRequest, event: Event, *, resubmit: bool) -> HttpResponse:
    expected = EventStatus.CHANGES_REQUESTED if resubmit else EventStatus.DRAFT
    if event.status != expected:
        messages.error(
            request,
            f"« {event.title} » est « {event.get_status_display().lower()} » : "
            "il ne peut pas être soumis maintenant.",
        )
        return redirect("organizers:dashboard")
    form = EventResubmitForm(request.POST or None) if resubmit else None
    errors = events_services.event_eligibility_errors(event, user=request.user)
    if request.method == "POST" and not errors and (form is None or form.is_valid()):
        try:
            events_services.event_submit_if_eligible(
                event=event,
                user=request.user,
                message=form.cleaned_data["message"] if form else "",
            )
        except events_services.EventNotEligible as error:
            errors = error.errors
        except TransitionError as error:
            messages.error(request, str(error))
            return redirect("organizers:dashboard")
        else:
            messages.success(
                request,
                f"« {event.title} » est soumis à l’équipe DITP. Vous recevrez un courriel "
                "dès sa décision.",
            )
            return redirect("organizers:dashboard")
    heading = (
        f"Soumettre à nouveau « {event.title} »" if resubmit else f"Soumettre « {event.title} »"
    )
    return render(
        request,
        "organizers/event_submit.html",
        {
            "title": heading,
            "heading": heading,
            "event": event,
            "resubmit": resubmit,
            "form": form,
            "form_errors": error_summary(form) if form is not None else [],
            "eligibility_errors": errors,
            "duplicates": event_possible_duplicates(event=event),
            "breadcrumb_data": _breadcrumb(heading),
        },
    )


@event_member_required
def event_submit(request: HttpRequest, event: Event) -> HttpResponse:
    return _submission(request, event, resubmit=False)


@event_member_required
def event_resubmit(request: HttpRequest, event: Event) -> HttpResponse:
    return _submission(request, event, resubmit=True)


@event_member_required
def event_withdraw(request: HttpRequest, event: Event) -> HttpResponse:
    if request.method == "POST":
        try:
            events_services.event_withdraw(event=event, user=request.user)
        except TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"« {event.title} » est retiré de la validation : c’est de nouveau un brouillon.",
            )
        return redirect("organizers:dashboard")
    return render(
        request,
        "organizers/confirm.html",
        {
            "title": f"Retirer « {event.title} » de la validation",
            "question": (
                "L’événement redevient un brouillon : vous pourrez le modifier, puis le "
                "soumettre à nouveau."
            ),
            "button": "Retirer de la validation",
            "cancel_url": reverse("organizers:dashboard"),
            "breadcrumb_data": _breadcrumb("Retirer de la validation"),
        },
    )


@event_member_required
def event_cancel(request: HttpRequest, event: Event) -> HttpResponse:
    form = EventCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            events_services.event_cancel(
                event=event, user=request.user, message=form.cleaned_data["reason"]
            )
        except TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"« {event.title} » est annulé : il reste visible dans le programme avec la "
                "mention « Annulé ».",
            )
        return redirect("organizers:dashboard")
    title = f"Annuler « {event.title} »"
    return render(
        request,
        "organizers/confirm.html",
        {
            "title": _title(title, has_errors=bool(form.errors)),
            "heading": title,
            "question": (
                "L’événement reste dans le programme avec la mention « Annulé » et le motif "
                "que vous indiquez ; les personnes qui l’ont ajouté à leur agenda le voient "
                "annulé."
            ),
            "form": form,
            "errors": error_summary(form),
            "button": "Annuler l’événement",
            "cancel_url": reverse("organizers:dashboard"),
            "breadcrumb_data": _breadcrumb(title),
        },
    )


@event_member_required
def event_duplicate(request: HttpRequest, event: Event) -> HttpResponse:
    edition = current_edition()
    if edition is None:
        raise Http404("Aucune édition en cours.")
    if request.method == "POST":
        try:
            copy = events_services.event_duplicate(event=event, user=request.user, edition=edition)
        except EventError as error:
            messages.error(request, str(error))
            return redirect("organizers:dashboard")
        messages.success(
            request,
            f"Copie créée en brouillon pour l’édition {edition.year} : vérifiez-la"
            + (" et ajoutez ses dates." if not copy.starts_on else "."),
        )
        return redirect("organizers:event_update", pk=copy.pk)
    same_edition = event.edition_id == edition.pk
    return render(
        request,
        "organizers/confirm.html",
        {
            "title": f"Dupliquer « {event.title} »",
            "question": (
                f"Un nouveau brouillon reprendra le contenu de « {event.title} »"
                + (
                    ", séances comprises."
                    if same_edition
                    else f" dans l’édition {edition.year}, sans ses dates : "
                    "vous ajouterez celles de la nouvelle édition."
                )
            ),
            "button": "Dupliquer",
            "cancel_url": reverse("organizers:dashboard"),
            "breadcrumb_data": _breadcrumb(f"Dupliquer « {event.title} »"),
        },
    )
