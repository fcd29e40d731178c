"""The resources of an event, once it is over (replay, slides, report): list and add, edit,
reorder, remove. The rules are in `events.resources`; another organisation's event or resource
is a 404 (`event_member_required`, then the resource looked up among the event's own)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from events.models import Event, EventResource
from events.resources import (
    MAX_FILE_LABEL,
    ResourceError,
    resource_add,
    resource_delete,
    resource_move,
    resource_update,
    resources_closed_message,
)
from moisinno.forms import error_summary

from ..forms.resources import ResourceForm
from ..permissions import event_member_required
from .common import breadcrumb, page_title


def _resource_of(event: Event, resource_pk: int) -> EventResource:
    return get_object_or_404(event.resources.select_related("event"), pk=resource_pk)


@event_member_required
def event_resources(request: HttpRequest, event: Event) -> HttpResponse:
    """The event's resources and the form that adds one (when the event is over)."""
    closed = resources_closed_message(event)
    form = ResourceForm(request.POST or None, request.FILES or None) if not closed else None
    if request.method == "POST":
        if closed:
            messages.error(request, closed)
            return redirect("organizers:event_resources", pk=event.pk)
        if form.is_valid():
            try:
                resource = resource_add(event=event, user=request.user, **form.service_kwargs())
            except ResourceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"« {resource.title} » est ajouté : il figure dès maintenant en tête de la "
                    "page publique de l’événement.",
                )
                return redirect("organizers:event_resources", pk=event.pk)
    errors = error_summary(form) if form is not None else []
    heading = f"Ressources de « {event.title} »"
    return render(
        request,
        "organizer_space/event_resources.html",
        {
            "title": page_title(heading, has_errors=bool(errors)),
            "heading": heading,
            "event": event,
            "resources": list(event.resources.all()),
            "closed_message": closed,
            "form": form,
            "errors": errors,
            "max_file_label": MAX_FILE_LABEL,
            "breadcrumb_data": breadcrumb("Ressources"),
        },
    )


@event_member_required
def event_resource_update(request: HttpRequest, event: Event, resource_pk: int) -> HttpResponse:
    resource = _resource_of(event, resource_pk)
    back = reverse("organizers:event_resources", args=[event.pk])
    form = ResourceForm(request.POST or None, request.FILES or None, resource=resource)
    if request.method == "POST" and form.is_valid():
        try:
            resource_update(resource=resource, user=request.user, **form.service_kwargs())
        except ResourceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"« {resource.title} » est modifié.")
        return redirect(back)
    errors = error_summary(form)
    heading = f"Modifier la ressource « {resource.title} »"
    return render(
        request,
        "organizer_space/event_resource_form.html",
        {
            "title": page_title(heading, has_errors=bool(errors)),
            "heading": heading,
            "event": event,
            "resource": resource,
            "form": form,
            "errors": errors,
            "cancel_url": back,
            "breadcrumb_data": breadcrumb("Modifier une ressource", (back, "Ressources")),
        },
    )


@event_member_required
def event_resource_delete(request: HttpRequest, event: Event, resource_pk: int) -> HttpResponse:
    resource = _resource_of(event, resource_pk)
    back = reverse("organizers:event_resources", args=[event.pk])
    if request.method == "POST":
        resource_delete(resource=resource, user=request.user)
        messages.success(request, f"« {resource.title} » est retiré de la page de l’événement.")
        return redirect(back)
    return render(
        request,
        "organizer_space/confirm.html",
        {
            "title": f"Retirer « {resource.title} »",
            "question": (
                "La ressource disparaît de la page publique de l’événement"
                + (" et son fichier est supprimé." if resource.is_file else ".")
            ),
            "button": "Retirer la ressource",
            "cancel_url": back,
            "breadcrumb_data": breadcrumb("Retirer une ressource", (back, "Ressources")),
        },
    )


@event_member_required
@require_POST
def event_resource_move(request: HttpRequest, event: Event, resource_pk: int) -> HttpResponse:
    resource = _resource_of(event, resource_pk)
    try:
        resource_move(resource=resource, user=request.user, up=request.POST.get("sens") == "haut")
    except ResourceError as error:
        messages.error(request, str(error))
    return redirect(reverse("organizers:event_resources", args=[event.pk]) + "#ressources")
