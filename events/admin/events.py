"""Events in the back office: the moderation queue, an event's change page, the featuring,
exports and statistics. The decisions themselves are in `decisions.py`.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from moisinno.admin_rendering import with_media_once
from moisinno.forms import (
    BoundedModelMultipleChoiceField,
    KeptChoices,
    StorableKeysAutocompleteSelect,
    StorableKeysAutocompleteSelectMultiple,
)
from moisinno.roles import is_moderator, is_relay, relays_cached
from organizers.models import Organization

from ..changes import event_snapshot
from ..editing import apply_invariants, event_record_ditp_edit
from ..enums import EventStatus
from ..models import Edition, Event, EventNote, EventResource, EventSession
from ..reports import note_add
from ..resources import resource_remove_by_ditp
from ..search import event_refresh_search
from ..selectors import (
    current_edition,
    in_moderation_queue,
    moderated_by,
    with_open_report_counts,
    with_possible_duplicates,
)
from ..services import events_feature
from ..sessions import (
    EVENT_PLACE_FIELDS,
    event_queue_geocoding,
    event_refresh_dates,
    session_apply_invariants,
)
from .changelist import EventChangeList
from .decisions import EventDecisionsMixin
from .editions import image_preview
from .exports import events_csv, events_xlsx
from .inlines import (
    EventNoteInline,
    EventReportInline,
    EventResourceInline,
    EventSessionInline,
    ModerationLogInline,
    QuietErrorList,
)
from .statistics import SCOPES, column_chart, edition_statistics, horizontal_bar_chart

#: The organisation kinds' labels, as `Organization.get_kind_display()` reads them.
ORGANIZATION_KINDS = dict(Organization._meta.get_field("kind").flatchoices)


class QueueStatusFilter(admin.SimpleListFilter):
    """Status, defaulting to the moderation queue rather than to every event."""

    title = "statut"
    parameter_name = "status"
    QUEUE = "a-traiter"
    ALL = "tous"

    def lookups(self, request, model_admin):
        return [
            (self.QUEUE, "À traiter (soumis, modifiés depuis la validation ou signalés)"),
            *EventStatus.choices,
            (self.ALL, "Tous les statuts"),
        ]

    def value(self):
        return super().value() or self.QUEUE

    def choices(self, changelist):
        # SimpleListFilter.choices without its "All" entry (the default is the queue).
        counts = self.get_facet_queryset(changelist) if changelist.add_facets else {}
        for index, (lookup, title) in enumerate(self.lookup_choices):
            if changelist.add_facets:
                title = f"{title} ({counts.get(f'{index}__c', '-')})"
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.QUEUE:
            return queryset.filter(in_moderation_queue())
        if value in EventStatus.values:
            return queryset.filter(status=value)
        return queryset


class LabsWithEventsFilter(admin.RelatedFieldListFilter):
    """The labs of at least one event this moderator reaches: Django's `RelatedOnlyFieldListFilter`
    joined every event to its labs to find them (6 ms at 10,000 events); one index probe per
    lab here."""

    def field_choices(self, field, request, model_admin):
        links = Event.labs.through.objects.filter(lab=OuterRef("pk")).filter(
            moderated_by(request.user, prefix="event__")
        )
        return field.get_choices(
            include_blank=False,
            limit_choices_to=Q(Exists(links)),
            ordering=self.field_admin_ordering(field, request, model_admin),
        )


class EventAdminForm(forms.ModelForm):
    """The event's form, its error lists quiet while empty (see `QuietErrorList`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_class", QuietErrorList)
        super().__init__(*args, **kwargs)
        KeptChoices(self, "event-admin", ["edition", "format", "themes"])
        KeptChoices(self, "event-admin-relays", ["assigned_relay"], cached=relays_cached)
        # The pickers' chosen objects, already read: not looked up again to be shown.
        if self.instance.pk is not None:
            for name, objects in [
                (
                    "organization",
                    [self.instance.organization] if self.instance.organization_id else [],
                ),
                ("co_organizers", self.initial.get("co_organizers", [])),
                ("labs", self.initial.get("labs", [])),
            ]:
                field = self.fields.get(name)
                widget = getattr(field.widget, "widget", None) if field is not None else None
                if hasattr(widget, "know"):
                    widget.know(objects)


@admin.register(Event)
class EventAdmin(EventDecisionsMixin, admin.ModelAdmin):
    """The moderation queue and an event's change page. The decisions (their buttons, pages
    and bulk actions, and `has_moderate_permission`, which the « moderate » actions below
    ask) come from `EventDecisionsMixin`."""

    form = EventAdminForm
    list_display = [
        "title",
        "organization",
        "organization_kind",
        "region",
        "dates",
        "status",
        "derogation_requested",
        "duplicate",
        "changed_since_validation",
        "reports",
        "submitted_at",
    ]
    list_filter = [
        QueueStatusFilter,
        "edition",
        "region",
        "format",
        "organization__kind",
        ("labs", LabsWithEventsFilter),
        "attendance_mode",
        "derogation_requested",
        "changed_since_validation",
        "is_featured",
        "is_generated",
    ]
    search_fields = ["title", "organization__name", "city"]
    list_select_related = ["organization", "format", "edition"]
    # The queue: oldest submission first.
    ordering = [F("submitted_at").asc(nulls_last=True), "pk"]
    list_per_page = 50
    # « 50 résultats (10 012 au total) » counted the whole table on every page of the queue:
    # the count of the filtered list is enough.
    show_full_result_count = False
    date_hierarchy = "starts_on"
    autocomplete_fields = ["organization", "co_organizers", "labs"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "organization" and field is not None:
            # The autocomplete writes only the selected option, and a `required` single select
            # must start with an empty placeholder (HTML checker): no `required` attribute
            # then. The field stays required (the form says so in French).
            field.widget.use_required_attribute = lambda initial: False
        return field

    # A submitted key that is not a number, or beyond the database's integers, is a form
    # error: not a server error when the autocomplete widget redisplays it (nor, on SQLite,
    # when the field looks it up).
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields and "widget" not in kwargs:
            kwargs["widget"] = StorableKeysAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", BoundedModelMultipleChoiceField)
        if db_field.name in self.autocomplete_fields and "widget" not in kwargs:
            kwargs["widget"] = StorableKeysAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        # The same invariants as the organiser's form: region from department, no stale
        # conditional field (the region field is read-only here for that reason).
        apply_invariants(obj)
        # What the organisers had written, to tell them what the DITP changed (save_related).
        form._ditp_before = event_snapshot(obj) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Sessions (inline) and organisers/labs (m2m) are saved now: keep the derived
        # dates and the search text in step with what the moderator wrote.
        event_refresh_dates(event=form.instance)
        event_refresh_search(event=form.instance)
        # A session whose address the moderator changed is located again (task worker).
        event_queue_geocoding(event=form.instance)
        before = getattr(form, "_ditp_before", None)
        if before is not None and is_moderator(request.user):
            entry = event_record_ditp_edit(event=form.instance, user=request.user, before=before)
            if entry is not None:
                messages.info(
                    request,
                    f"{len(entry.changes)} champ(s) modifié(s) : l'organisation en est "
                    "informée par courriel, avec le détail avant / après.",
                )

    filter_horizontal = ["themes"]
    actions = [
        "approve_selected",
        "reject_selected",
        "feature_selected",
        "unfeature_selected",
        "export_selection_csv",
    ]
    fieldsets = [
        (
            "Événement",
            {
                "fields": [
                    "edition",
                    "title",
                    "slug",
                    "summary",
                    "description",
                    "format",
                    "themes",
                    "audience",
                    "is_featured",
                ]
            },
        ),
        (
            "Image",
            {"fields": ["image_preview", "image_alt", "image_decorative", "image_credit"]},
        ),
        ("Organisateurs", {"fields": ["organization", "co_organizers", "labs"]}),
        (
            "Dates et lieu",
            {
                "fields": [
                    ("starts_on", "ends_on"),
                    "attendance_mode",
                    "venue_name",
                    "address",
                    ("postal_code", "city"),
                    ("department", "region"),
                    "online_url",
                    "assigned_relay",
                ]
            },
        ),
        (
            "Inscription",
            {
                "fields": [
                    "registration_mode",
                    "registration_url",
                    "registration_email",
                    "capacity",
                    "is_free",
                ]
            },
        ),
        (
            "Accessibilité",
            {
                "fields": [
                    "accessible_wheelchair",
                    "accessible_sign_language",
                    "accessible_captions",
                    "accessible_easy_read",
                    "accessible_hearing_loop",
                ]
            },
        ),
        (
            "Contacts",
            {
                "fields": [
                    ("public_contact_name", "public_contact_email"),
                    (
                        "private_contact_name",
                        "private_contact_email",
                        "private_contact_phone",
                    ),
                ]
            },
        ),
        ("Dérogation", {"fields": ["derogation_requested", "derogation_justification"]}),
        (
            "Suivi de la modération",
            {
                "fields": [
                    "status",
                    ("status_changed_at", "status_changed_by"),
                    "moderation_message",
                    ("submitted_at", "published_at"),
                    "changed_since_validation",
                    "version",
                    ("created_by", "created_at", "updated_at"),
                ]
            },
        ),
    ]
    readonly_fields = [
        "image_preview",
        # Derived from the sessions (events.sessions), set by event_refresh_dates.
        *EVENT_PLACE_FIELDS,
        "status",
        "status_changed_at",
        "status_changed_by",
        "submitted_at",
        "published_at",
        "moderation_message",
        "changed_since_validation",
        "starts_on",
        "ends_on",
        "version",
        "created_by",
        "created_at",
        "updated_at",
    ]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [
        EventSessionInline,
        EventResourceInline,
        EventReportInline,
        EventNoteInline,
        ModerationLogInline,
    ]

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_admin_formsets = super().get_inline_formsets(
            request, formsets, inline_instances, obj
        )
        return with_media_once(inline_admin_formsets)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is EventSession:
            # What does not apply to a session's mode is not kept (as in the organiser form).
            for session_form in formset.forms:
                session_apply_invariants(session_form.instance)
        if formset.model is EventResource:
            # Only removals: through the service, which logs them and tells the organisers.
            formset.new_objects, formset.changed_objects = [], []
            formset.deleted_objects = []
            for resource_form in formset.deleted_forms:
                resource = resource_form.instance
                if resource.pk is not None:
                    resource_remove_by_ditp(resource=resource, user=request.user)
                    formset.deleted_objects.append(resource)
            return None
        if formset.model is not EventNote:
            return super().save_formset(request, form, formset, change)
        # Internal notes: only new ones, signed by the moderator who writes them.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for note_form in formset.extra_forms:
            if note_form.has_changed() and note_form.cleaned_data.get("text"):
                text = note_form.cleaned_data["text"]
                formset.new_objects.append(
                    note_add(event=form.instance, user=request.user, text=text)
                )
        return None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        # The list's events, with the columns only the list shows (open reports, possible
        # duplicate); one event's pages read it through `get_object`, without them.
        return with_open_report_counts(with_possible_duplicates(self._moderated_events(request)))

    def _moderated_events(self, request: HttpRequest) -> QuerySet[Event]:
        # A regional relay reaches only its regions' events (and those assigned to it). The
        # related rows come with each event, on the change page too (its moderation panel and
        # decision buttons read the edition); the change list then keeps them (Django adds
        # `list_select_related` only to a queryset that selects none).
        events = super().get_queryset(request).filter(moderated_by(request.user))
        return events.select_related(*self.list_select_related)

    def get_object(self, request, object_id, from_field=None):
        # One event (its change page, its decision pages): the same reach, without the list's
        # columns (open reports, possible duplicate), which only the list shows.
        events = self._moderated_events(request)
        opts = events.model._meta
        field = opts.pk if from_field is None else opts.get_field(from_field)
        try:
            return events.get(**{field.name: field.to_python(object_id)})
        except (events.model.DoesNotExist, ValidationError, ValueError):
            return None

    def get_changelist(self, request, **kwargs):
        return EventChangeList

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Missing, or outside a relay's regions: the same 404 (nothing says it exists).
        raise Http404("Aucun événement à cette adresse.")

    @admin.display(description="Image (envoyée par l'organisation)")
    def image_preview(self, event: Event) -> str:
        return image_preview(event.own_picture)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if is_relay(request.user):
            fields.append("assigned_relay")  # only the national DITP assigns events
        return fields

    def changelist_view(self, request, extra_context=None):
        # A heading that says what the list is, not Django's « Sélectionnez l'objet … ».
        status = request.GET.get(QueueStatusFilter.parameter_name) or QueueStatusFilter.QUEUE
        titles = {
            QueueStatusFilter.QUEUE: "File de modération : événements à traiter",
            QueueStatusFilter.ALL: "Tous les événements",
            **{value: f"Événements : {label.lower()}" for value, label in EventStatus.choices},
        }
        extra_context = {
            "title": titles.get(status, "Événements"),
            # The table needs the width: at 1,280 px the navigation sidebar left it 630 px
            # for 1,700 px of columns (the breadcrumbs and the header still lead everywhere).
            "is_nav_sidebar_enabled": False,
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    # Columns

    def action_checkbox(self, event: Event) -> str:
        # Django's own renders a checkbox widget through the form templates: a template per
        # row. The same markup, written here (without format_html's work: 50 rows).
        label = gettext("Select this object for an action - {}").format(escape(str(event)))
        return mark_safe(  # noqa: S308 - every value is escaped
            f'<input type="checkbox" name="{escape(helpers.ACTION_CHECKBOX_NAME)}" '
            f'value="{escape(event.pk)}" class="action-select" aria-label="{label}">'
        )

    @admin.display(description="type d'organisation", ordering="organization__kind")
    def organization_kind(self, event: Event) -> str:
        # `get_kind_display()`, without building the choices' dictionary for each row.
        kind = event.organization.kind
        return ORGANIZATION_KINDS.get(kind, kind)

    @admin.display(description="dates", ordering="starts_on")
    def dates(self, event: Event) -> str:
        if event.starts_on is None:
            return "—"
        if event.ends_on in (None, event.starts_on):
            return f"{event.starts_on:%d/%m/%Y}"
        return f"du {event.starts_on:%d/%m/%Y} au {event.ends_on:%d/%m/%Y}"

    @admin.display(description="signalements", ordering="open_reports")
    def reports(self, event: Event) -> str:
        count = getattr(event, "open_reports", 0)
        if not count:
            return "—"
        return format_html(
            '<a href="{}?event__id__exact={}&amp;ouverts=oui">{} signalement{}</a>',
            reverse("admin:events_eventreport_changelist"),
            event.pk,
            count,
            "s" if count > 1 else "",
        )

    @admin.display(description="doublon possible", ordering="possible_duplicate")
    def duplicate(self, event: Event) -> str:
        if not getattr(event, "possible_duplicate", False):
            return "—"
        return format_html(
            '<a href="?organization={}&amp;starts_on={}&amp;status={}" '
            'title="Événements de la même organisation le même jour">Oui, comparer</a>',
            event.organization_id,
            event.starts_on.isoformat(),
            QueueStatusFilter.ALL,
        )

    # URLs

    def get_urls(self):
        wrap = self.admin_site.admin_view
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "statistiques/",
                wrap(self.statistics_view),
                name="{}_{}_statistics".format(*info),
            ),
            path(
                "export/<str:file_format>/",
                wrap(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            *super().get_urls(),
        ]

    # « À la une »

    @admin.action(description="Mettre à la une (page d'accueil)", permissions=["moderate"])
    def feature_selected(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        count = events_feature(events=queryset, featured=True, user=request.user)
        messages.success(
            request,
            f"{count} événement(s) à la une. Seuls les événements publiés de l'édition "
            "courante apparaissent en page d'accueil.",
        )

    @admin.action(description="Retirer de la une", permissions=["moderate"])
    def unfeature_selected(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        count = events_feature(events=queryset, featured=False, user=request.user)
        messages.success(request, f"{count} événement(s) retiré(s) de la une.")

    # Exports

    @admin.action(description="Exporter la sélection en CSV", permissions=["view"])
    def export_selection_csv(self, request: HttpRequest, queryset: QuerySet[Event]):
        return self._export_response(queryset, "csv")

    def export_view(self, request: HttpRequest, file_format: str):
        """Export every event the changelist shows with the same GET filters (not one page)."""
        if file_format not in {"csv", "xlsx"}:
            raise Http404
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:events_event_changelist") + "?e=1")
        return self._export_response(changelist.queryset, file_format)

    def _export_response(self, queryset: QuerySet[Event], file_format: str) -> HttpResponse:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        if file_format == "xlsx":
            response = HttpResponse(
                events_xlsx(queryset),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            response = HttpResponse(events_csv(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="evenements-moisinno-{stamp}.{file_format}"'
        )
        return response

    # Statistics

    def statistics_view(self, request: HttpRequest):
        if not self.has_view_permission(request):
            raise PermissionDenied
        editions = list(Edition.objects.order_by("-year"))
        year = request.GET.get("edition", "")
        edition = next((e for e in editions if str(e.year) == year), None) or current_edition()
        stats = None
        if edition is not None:
            stats = edition_statistics(edition=edition, scope=request.GET.get("perimetre", ""))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Statistiques" + (f" de l'édition {edition.year}" if edition else ""),
            "subtitle": None,
            "editions": editions,
            "edition": edition,
            "scopes": SCOPES,
            "stats": stats,
        }
        if stats is not None:
            context["status_chart"] = horizontal_bar_chart(stats.by_status.rows)
            context["charts"] = [
                (breakdown, horizontal_bar_chart(breakdown.rows)) for breakdown in stats.breakdowns
            ]
            context["days_chart"] = column_chart(stats.submissions_per_day.rows)
        return TemplateResponse(request, "admin/events/event/statistics.html", context)
