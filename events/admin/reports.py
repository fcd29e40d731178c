"""Visitors' reports on events: read them, close them with a reply to the visitor."""

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from moisinno.roles import is_moderator

from ..models import EventReport
from ..reports import ReportError, report_close
from ..selectors import moderated_by


class ReportCloseForm(forms.ModelForm):
    close = forms.BooleanField(label="Clore le signalement", required=False)

    class Meta:
        model = EventReport
        fields = ["reply"]
        widgets = {"reply": forms.Textarea(attrs={"rows": 6, "cols": 80})}
        help_texts = {
            "reply": "Envoyée par courriel au visiteur s'il a laissé son adresse, à la clôture."
        }

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("close")
            and (cleaned.get("reply") or "").strip()
            and not self.instance.email
        ):
            self.add_error(
                "reply",
                "Le visiteur n’a pas laissé d’adresse électronique : la réponse ne peut pas lui "
                "être envoyée. Videz ce champ pour clore, et gardez la réponse en note interne.",
            )
        return cleaned


class OpenReportFilter(admin.SimpleListFilter):
    title = "état"
    parameter_name = "ouverts"

    def lookups(self, request, model_admin):
        return [("oui", "À traiter"), ("non", "Clos")]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.filter(closed_at__isnull=True)
        if self.value() == "non":
            return queryset.filter(closed_at__isnull=False)
        return queryset


@admin.register(EventReport)
class EventReportAdmin(admin.ModelAdmin):
    """Visitors' reports: read them, keep internal notes on the event, close with a reply."""

    form = ReportCloseForm
    list_display = ["created_at", "event", "kind", "has_email", "closed_at"]
    list_filter = [OpenReportFilter, "kind"]
    list_select_related = ["event"]
    search_fields = ["event__title", "message"]
    readonly_fields = [
        "event_link",
        "kind",
        "message",
        "email",
        "created_at",
        "closed_at",
        "closed_by",
    ]
    fieldsets = [
        (None, {"fields": ["event_link", "kind", "message", "email", "created_at"]}),
        ("Clôture", {"fields": ["reply", "close", "closed_at", "closed_by"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(moderated_by(request.user, prefix="event__"))

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404("Aucun signalement à cette adresse.")

    @admin.display(description="courriel laissé", boolean=True)
    def has_email(self, report: EventReport) -> bool:
        return bool(report.email)

    @admin.display(description="événement")
    def event_link(self, report: EventReport) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:events_event_change", args=[report.event_id]),
            report.event.title,
        )

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not obj.is_open:
            return [
                (None, {"fields": ["event_link", "kind", "message", "email", "created_at"]}),
                ("Clôture", {"fields": ["reply", "closed_at", "closed_by"]}),
            ]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_open:
            return [*self.readonly_fields, "reply"]
        return self.readonly_fields

    def has_module_permission(self, request) -> bool:
        return is_moderator(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_moderator(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return is_moderator(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if not form.cleaned_data.get("close"):
            # Not closed yet: nothing is sent, the draft reply is not kept either.
            messages.info(request, "Le signalement reste à traiter.")
            return
        try:
            report_close(report=obj, user=request.user, reply=form.cleaned_data.get("reply", ""))
        except ReportError as error:
            messages.error(request, str(error))
            return
        if obj.reply.strip() and obj.email:
            messages.success(request, "Signalement clos ; la réponse est envoyée au visiteur.")
        else:
            messages.success(request, "Signalement clos.")

    def response_change(self, request, obj):
        # Back to the reports still waiting (the messages above say what happened; the admin's
        # generic « modifié avec succès » would not).
        return HttpResponseRedirect(reverse("admin:events_eventreport_changelist") + "?ouverts=oui")
