"""Decisions on events: the decision, schedule-status and review pages of an event, the bulk
decisions, and the moderation history.

Every decision goes through the transition service (`events.services`); the admin only binds
forms, turns refusals into French error messages and redirects.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from moisinno.roles import is_moderator

from .. import workflow
from ..enums import EventStatus, ScheduleStatus
from ..models import Event, ModerationLogEntry
from ..schedule import event_set_schedule_status
from ..selectors import moderated_by
from ..services import (
    TransitionConflict,
    TransitionError,
    changes_fingerprint,
    event_mark_reviewed,
    event_transition,
)
from ..workflow import Transition


class DecisionForm(forms.Form):
    message = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        required=False,
        max_length=5000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, decision: Transition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].label = decision.message_label
        self.fields["message"].required = decision.message_required
        if decision.message_required:
            self.fields["message"].error_messages["required"] = (
                "Un message expliquant la décision est obligatoire."
            )


class ScheduleStatusForm(forms.Form):
    """The DITP's « Changer l'état » of a published event (events/schedule.py). « Reprogrammé »
    here keeps the sessions as they are: change them on the event's page first."""

    schedule_status = forms.ChoiceField(
        label="État de l'événement",
        choices=ScheduleStatus.choices,
        error_messages={"required": "Choisissez l'état de l'événement."},
    )
    message = forms.CharField(
        label="Message affiché sur la page de l'événement (envoyé à l'organisation)",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        max_length=2000,
        error_messages={"required": "Un message expliquant le changement est obligatoire."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class BulkRejectForm(forms.Form):
    message = forms.CharField(
        label="Motif du refus (envoyé à chaque organisateur)",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        max_length=5000,
        error_messages={"required": "Le motif du refus est obligatoire."},
    )


class EventDecisionsMixin:
    """The moderation half of `EventAdmin`: the decision buttons on an event's change page,
    the pages they lead to (a decision with its message, the schedule status, « marquer comme
    revu ») and the bulk decisions. Every decision goes through `events.services`."""

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return is_moderator(request.user)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/decision/<slug:decision>/",
                wrap(self.decision_view),
                name="{}_{}_decision".format(*info),
            ),
            path(
                "<path:object_id>/etat/",
                wrap(self.schedule_view),
                name="{}_{}_schedule".format(*info),
            ),
            path(
                "<path:object_id>/revue/",
                wrap(require_POST(self.mark_reviewed_view)),
                name="{}_{}_mark_reviewed".format(*info),
            ),
            *super().get_urls(),
        ]

    def _url(self, name: str, request: HttpRequest, *args) -> str:
        """An admin URL of this model, keeping the changelist filters the moderator came with."""
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=args)
        return add_preserved_filters(
            {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}, url
        )

    # Change page: decision buttons and the changes made since validation

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The event the form shows: not read a second time for the moderation panel.
        if change and obj is not None:
            context.update(self._moderation_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _moderation_context(self, request: HttpRequest, event: Event) -> dict:
        decisions = []
        if self.has_moderate_permission(request):
            for decision in workflow.allowed(event, request.user, as_roles={workflow.MODERATOR}):
                if not decision.offered_in_admin:
                    continue
                url = self._url("decision", request, event.pk, decision.slug)
                separator = "&" if "?" in url else "?"
                decisions.append(
                    {
                        "decision": decision,
                        "url": url,
                        # The decision page keeps the version seen here (conflict detection).
                        "form_url": f"{url}{separator}version={event.version}",
                    }
                )
        return {
            "decisions": decisions,
            "event_version": event.version,
            "changes_fingerprint": changes_fingerprint(event.changed_fields),
            "mark_reviewed_url": self._url("mark_reviewed", request, event.pk),
            "schedule_url": self._url("schedule", request, event.pk)
            if event.schedule_changeable and self.has_moderate_permission(request)
            else "",
            "can_moderate": self.has_moderate_permission(request),
        }

    def decision_view(self, request: HttpRequest, object_id: str, decision: str):
        spec = workflow.decision(decision)
        if spec is None:
            raise Http404
        event = self.get_object(request, unquote(object_id))
        if event is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        change_url = self._url("change", request, event.pk)
        if request.method == "POST":
            form = DecisionForm(request.POST, decision=spec)
            if form.is_valid():
                try:
                    event_transition(
                        event=event,
                        to_status=spec.to_status,
                        user=request.user,
                        message=form.cleaned_data["message"],
                        expected_version=form.cleaned_data["version"],
                    )
                except TransitionError as error:
                    # Another moderator decided first, or the decision is no longer possible:
                    # say so and show the event as it is now.
                    messages.error(request, str(error))
                    return HttpResponseRedirect(change_url)
                self.log_change(request, event, f"Décision : {spec.admin_label}.")
                messages.success(
                    request,
                    f"« {event.title} » {spec.done}. L'organisation en est informée par courriel.",
                )
                return HttpResponseRedirect(self._url("changelist", request))
        elif spec not in workflow.allowed(event, request.user, as_roles={workflow.MODERATOR}):
            # A stale link (the event moved on since the page was opened): say so at once.
            messages.error(request, workflow.impossible_message(event.status, spec.to_status))
            return HttpResponseRedirect(change_url)
        else:
            version = request.GET.get("version", "")
            form = DecisionForm(
                initial={"version": version if version.isdigit() else event.version},
                decision=spec,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{spec.admin_label} : {event.title}",
            "subtitle": None,
            "original": event,
            "decision": spec,
            "form": form,
            "change_url": change_url,
            "has_view_permission": self.has_view_permission(request, event),
        }
        return TemplateResponse(request, "admin/events/event/decision_form.html", context)

    def schedule_view(self, request: HttpRequest, object_id: str):
        """« Reporté », « Reprogrammé », « Passé en ligne », « Complet » or « Programmé »,
        with the public message: `events.schedule.event_set_schedule_status`."""
        event = self.get_object(request, unquote(object_id))
        if event is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        change_url = self._url("change", request, event.pk)
        if request.method == "POST":
            form = ScheduleStatusForm(request.POST)
            if form.is_valid():
                try:
                    event_set_schedule_status(
                        event=event,
                        user=request.user,
                        schedule_status=form.cleaned_data["schedule_status"],
                        message=form.cleaned_data["message"],
                        expected_version=form.cleaned_data["version"],
                    )
                except TransitionError as error:
                    messages.error(request, str(error))
                    return HttpResponseRedirect(change_url)
                label = event.get_schedule_status_display()
                self.log_change(request, event, f"État : {label}.")
                messages.success(
                    request,
                    f"« {event.title} » est désormais « {label} ». L'organisation en est "
                    "informée par courriel.",
                )
                return HttpResponseRedirect(change_url)
        elif not event.schedule_changeable:
            messages.error(request, "Seul un événement publié peut être déclaré reporté, complet…")
            return HttpResponseRedirect(change_url)
        else:
            form = ScheduleStatusForm(
                initial={
                    "schedule_status": event.schedule_status,
                    "message": event.schedule_message,
                    "version": event.version,
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Changer l'état : {event.title}",
            "subtitle": None,
            "original": event,
            "form": form,
            "change_url": change_url,
            "has_view_permission": self.has_view_permission(request, event),
        }
        return TemplateResponse(request, "admin/events/event/schedule_form.html", context)

    def mark_reviewed_view(self, request: HttpRequest, object_id: str):
        event = self.get_object(request, unquote(object_id))
        if event is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        try:
            event_mark_reviewed(
                event=event,
                user=request.user,
                expected_fingerprint=request.POST.get("fingerprint") or None,
            )
        except TransitionConflict as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(self._url("change", request, event.pk))
        self.log_change(request, event, "Modifications depuis la validation marquées comme revues.")
        messages.success(
            request, f"Les modifications de « {event.title} » sont marquées comme revues."
        )
        return HttpResponseRedirect(self._url("changelist", request))

    # Bulk decisions

    def _decide_in_bulk(
        self,
        request: HttpRequest,
        queryset: QuerySet[Event],
        spec: Transition | None,
        message: str = "",
    ) -> None:
        """One transition per event; `spec=None` is the approval that holds for each event
        (validate before its edition's opening, publish after it)."""
        done: dict[Transition, int] = {}
        refused = []
        for event in queryset.select_related("edition").order_by("pk"):
            step = spec or workflow.approval(event)
            if step is None:
                impossible = workflow.impossible_message(event.status, EventStatus.PUBLISHED)
                refused.append(f"« {event.title} » : {impossible}")
                continue
            try:
                event_transition(
                    event=event, to_status=step.to_status, user=request.user, message=message
                )
            except TransitionError as error:
                refused.append(f"« {event.title} » : {error}")
                continue
            self.log_change(request, event, f"Décision groupée : {step.admin_label}.")
            done[step] = done.get(step, 0) + 1
        for step, count in done.items():
            messages.success(
                request,
                f"{count} événement(s) {step.done_bulk}. "
                "Les organisations en sont informées par courriel.",
            )
        if refused:
            messages.error(
                request, f"{len(refused)} événement(s) non traité(s). " + " ".join(refused)
            )

    @admin.action(
        description=(
            "Approuver les événements sélectionnés (validés avant l’ouverture du programme)"
        ),
        permissions=["moderate"],
    )
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Event]):
        """A confirmation page listing the events, then one approval per event (validated
        before the edition's opening, published after)."""
        if "apply" in request.POST:
            self._decide_in_bulk(request, queryset, None)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Approuver les événements sélectionnés",
            "subtitle": None,
            "events": queryset.select_related("organization").order_by("pk"),
            "form": None,
            "action_name": "approve_selected",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "submit_label": "Confirmer l’approbation de ces événements",
            "notice": (
                "seuls ceux qui sont soumis à validation seront approuvés (validés avant "
                "l’ouverture du programme, publiés après), les autres seront signalés. Chaque "
                "organisation en est informée par courriel."
            ),
        }
        return TemplateResponse(request, "admin/events/event/bulk_decision.html", context)

    @admin.action(
        description="Refuser les événements sélectionnés (avec un motif commun)",
        permissions=["moderate"],
    )
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Event]):
        """Intermediate page asking for the reason, then one rejection per event."""
        form = BulkRejectForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._decide_in_bulk(
                request,
                queryset,
                workflow.decision("refuser"),
                message=form.cleaned_data["message"],
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Refuser les événements sélectionnés",
            "subtitle": None,
            "events": queryset.select_related("organization").order_by("pk"),
            "form": form,
            "action_name": "reject_selected",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "submit_label": "Refuser ces événements",
            "notice": (
                "seuls ceux qui sont soumis à validation peuvent être refusés, les autres "
                "seront signalés."
            ),
        }
        return TemplateResponse(request, "admin/events/event/bulk_decision.html", context)


@admin.register(ModerationLogEntry)
class ModerationLogEntryAdmin(admin.ModelAdmin):
    """The history of decisions, read-only: only the transition service writes it."""

    list_display = [
        "created_at",
        "event",
        "kind",
        "from_status",
        "to_status",
        "actor",
        "actor_role",
    ]
    list_filter = ["kind", "to_status", "actor_role"]
    search_fields = ["event__title", "message"]
    list_select_related = ["event", "actor"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(moderated_by(request.user, prefix="event__"))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
