"""DITP back-office for events: moderation queue, decisions, history, exports, statistics.

Every decision goes through the transition service (`events.services`); the admin only binds
forms, turns refusals into French error messages and redirects.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin import widgets as admin_widgets
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from moisinno.forms import (
    BoundedModelMultipleChoiceField,
    StorableKeysAutocompleteSelect,
    StorableKeysAutocompleteSelectMultiple,
)
from moisinno.roles import is_moderator, is_relay

from .. import workflow
from ..editing import apply_invariants, event_record_ditp_edit, event_snapshot
from ..enums import EventStatus, ScheduleStatus
from ..forms import SessionTimesForm
from ..geo import event_queue_geocoding
from ..images import image_store, read_upload
from ..models import (
    Collection,
    Edition,
    Event,
    EventNote,
    EventReport,
    EventResource,
    EventSession,
    Format,
    ModerationLogEntry,
    Theme,
)
from ..places import EVENT_PLACE_FIELDS, SESSION_PLACE_FIELDS, session_apply_invariants
from ..reports import ReportError, note_add, report_close
from ..resources import resource_remove_by_ditp
from ..schedule import event_set_schedule_status
from ..search import event_refresh_search
from ..selectors import (
    current_edition,
    in_moderation_queue,
    moderated_by,
    next_edition_defaults,
    with_open_report_counts,
    with_possible_duplicates,
)
from ..services import (
    TransitionConflict,
    TransitionError,
    changes_fingerprint,
    edition_make_current,
    edition_schedule_opening,
    event_mark_reviewed,
    event_refresh_dates,
    event_transition,
    events_feature,
)
from ..workflow import Transition
from .exports import events_csv, events_xlsx
from .statistics import SCOPES, column_chart, edition_statistics, horizontal_bar_chart

# Editions ----------------------------------------------------------------------------------


def image_preview(picture) -> str:
    """A stored image (`events.images.Picture`) at 400 px, in the admin."""
    if picture is None:
        return "—"
    small = picture.image.small
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}" class="moisinno-admin-image">',
        small.url,
        small.width,
        small.height,
        picture.alt,
    )


class EditionForm(forms.ModelForm):
    default_image_file = forms.FileField(
        label="Image par défaut des événements",
        required=False,
        help_text=(
            "Montrée, décorative, sur les cartes et les pages des événements sans image. "
            "JPEG, PNG ou WebP, 5 Mo au plus, 800 pixels de large au moins."
        ),
    )
    default_image_remove = forms.BooleanField(label="Retirer l'image par défaut", required=False)

    class Meta:
        model = Edition
        fields = ["default_image_credit"]  # the admin's fieldsets add the others

    def clean_default_image_file(self):
        upload = self.cleaned_data.get("default_image_file")
        return read_upload(upload) if upload else None


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    """Superusers create and switch editions; moderators only see them (view permission)."""

    form = EditionForm

    list_display = [
        "year",
        "number",
        "theme",
        "start_date",
        "end_date",
        "referencing_opens_on",
        "referencing_closes_on",
        "publication_at",
        "is_current",
    ]
    list_filter = ["is_current"]
    search_fields = ["theme", "year"]
    readonly_fields = ["is_current"]
    actions = ["make_current"]
    fieldsets = [
        (
            None,
            {
                "fields": ["year", "number", "name", "theme", "description", "is_current"],
                "description": (
                    "Les formats et les thématiques sont communs à toutes les éditions : ils "
                    "sont repris tels quels. Quand l'édition est prête, rendez-la courante "
                    "(action de cette page ou de la liste) : le site public et l'espace "
                    "organisateur la montrent ; les éditions passées restent consultables avec "
                    "leur programme."
                ),
            },
        ),
        ("Dates", {"fields": ["start_date", "end_date"]}),
        (
            "Référencement et ouverture du programme",
            {"fields": ["referencing_opens_on", "referencing_closes_on", "publication_at"]},
        ),
        (
            "Image par défaut",
            {
                "fields": [
                    "default_image_preview",
                    "default_image_file",
                    "default_image_remove",
                    "default_image_credit",
                ]
            },
        ),
    ]

    @admin.display(description="Image par défaut actuelle")
    def default_image_preview(self, edition: Edition) -> str:
        return image_preview(edition.default_picture)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "default_image_preview"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        """« Préparer l'édition suivante »: the latest edition's, a year later (November,
        referencing until late October, opening on the first day)."""
        return {**next_edition_defaults(), **super().get_changeform_initial_data(request)}

    def view_on_site(self, edition: Edition) -> str:
        return edition.get_absolute_url()

    def save_model(self, request, obj, form, change) -> None:
        if prepared := form.cleaned_data.get("default_image_file"):
            stored = image_store(prepared=prepared)
            obj.default_image = stored.key
            obj.default_image_width, obj.default_image_height = stored.width, stored.height
        elif form.cleaned_data.get("default_image_remove"):
            obj.default_image, obj.default_image_width, obj.default_image_height = "", None, None
        # Saving an edition raises the public-content version (events/receivers.py).
        super().save_model(request, obj, form, change)
        if "publication_at" in form.changed_data and obj.publication_at is not None:
            # The worker opens the programme at the moment (the cron command is the safety net).
            edition_schedule_opening(edition=obj)

    @admin.action(
        description="Rendre courante (site public et espace organisateur)",
        permissions=["change"],
        location=[admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM],
    )
    def make_current(self, request: HttpRequest, queryset: QuerySet[Edition]) -> None:
        editions = list(queryset[:2])
        if len(editions) != 1:
            messages.error(request, "Sélectionnez une seule édition à rendre courante.")
            return
        edition = edition_make_current(edition=editions[0])
        self.log_change(request, edition, "Édition rendue courante.")
        messages.success(
            request,
            f"L'édition {edition.year} est désormais l'édition courante : le site public et "
            "l'espace organisateur l'affichent.",
        )


# Reference tables --------------------------------------------------------------------------


@admin.register(Format)
class FormatAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


# Events: decisions -------------------------------------------------------------------------


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


# Events: list ------------------------------------------------------------------------------


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


class _WithoutTimezoneWarningReference:
    """Django's admin date and time inputs point (aria-describedby) to a timezone warning that
    DateTimeShortcuts.js writes only when the browser's offset differs from the server's: the
    reference dangled on every page. js/admin-a11y.js sets it when the warning exists."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("aria-describedby", None)
        return context


class SessionDateWidget(_WithoutTimezoneWarningReference, admin_widgets.AdminDateWidget):
    pass


class SessionTimeWidget(_WithoutTimezoneWarningReference, admin_widgets.AdminTimeWidget):
    pass


class SessionInlineFormSet(BaseInlineFormSet):
    """Each cell of the sessions' table gets its own name (a table cell is not a label)."""

    NAMES = {
        "date": "Date de la séance {}",
        "start_time": "Heure de début de la séance {}",
        "end_time": "Heure de fin de la séance {}",
        "attendance_mode": "Modalité de la séance {}",
        "venue_name": "Lieu de la séance {}",
        "address": "Adresse de la séance {}",
        "postal_code": "Code postal de la séance {}",
        "city": "Ville de la séance {}",
        "department": "Département de la séance {}",
        "online_url": "Lien de connexion de la séance {}",
        "online_url_public": "Lien de la séance {} affiché publiquement",
        "online_note": "Précisions sur l’accès en ligne de la séance {}",
        "DELETE": "Supprimer la séance {}",
    }

    def add_fields(self, form, index):
        super().add_fields(form, index)
        number = "" if index is None else index + 1
        for name, label in self.NAMES.items():
            if name in form.fields:
                form.fields[name].widget.attrs["aria-label"] = label.format(number).strip()


class EventSessionInline(admin.TabularInline):
    model = EventSession
    form = SessionTimesForm
    formset = SessionInlineFormSet
    fields = ["date", "start_time", "end_time", *SESSION_PLACE_FIELDS]
    extra = 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "date":
            kwargs["widget"] = SessionDateWidget
        elif db_field.name in ("start_time", "end_time"):
            kwargs["widget"] = SessionTimeWidget
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ReadOnlyInline(admin.TabularInline):
    """A record nobody edits in the admin: shown, never added, changed nor deleted there."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ModerationLogInline(ReadOnlyInline):
    """The history of the event's decisions: written by the transition service only."""

    model = ModerationLogEntry
    verbose_name_plural = "historique de modération"
    fields = [
        "created_at",
        "actor",
        "actor_role",
        "from_status",
        "to_status",
        "message",
        "changes_table",
    ]
    readonly_fields = fields

    @admin.display(description="champs modifiés par la DITP")
    def changes_table(self, entry: ModerationLogEntry) -> str:
        if not entry.changes:
            return "—"
        return format_html_join(
            mark_safe("<br>"),  # noqa: S308 - a constant
            "{} : « {} » → « {} »",
            ((c["label"], c["before"], c["after"]) for c in entry.changes),
        )


class EventReportInline(ReadOnlyInline):
    """Visitors' reports on the event: closed (with a reply) from each report's page."""

    model = EventReport
    verbose_name_plural = "signalements des visiteurs"
    fields = ["created_at", "kind", "message", "email", "state"]
    readonly_fields = fields

    @admin.display(description="état")
    def state(self, report: EventReport) -> str:
        if not report.is_open:
            return f"Clos le {timezone.localtime(report.closed_at):%d/%m/%Y}"
        return format_html(
            '<a href="{}">Traiter et clore</a>',
            reverse("admin:events_eventreport_change", args=[report.pk]),
        )


class EventNoteInline(admin.TabularInline):
    """The DITP's internal notes on the event: a thread organisers never see."""

    model = EventNote
    extra = 1
    can_delete = False
    fields = ["created_at", "author", "text"]
    readonly_fields = ["created_at", "author"]

    def has_add_permission(self, request, obj=None) -> bool:
        return is_moderator(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        # Existing notes are read-only; the empty row adds a new one (see save_formset).
        return is_moderator(request.user)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "text" and field is not None:
            # A table cell is not a label: the text box says what it is for.
            field.widget.attrs["aria-label"] = "Nouvelle note interne"
        return field


class EventResourceInline(admin.TabularInline):
    """What the organisers added after the event (replay, slides, report): moderators see
    them and may remove one (logged in the moderation history, told to the organisers)."""

    model = EventResource
    extra = 0
    verbose_name_plural = "ressources après l’événement (ajoutées par les organisateurs)"
    fields = ["position", "kind", "title", "target", "created_at", "created_by"]
    readonly_fields = fields

    @admin.display(description="lien ou fichier")
    def target(self, resource: EventResource) -> str:
        label = resource.size_label if resource.is_file else resource.url
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', resource.href, label
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return is_moderator(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_moderator(request.user)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
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
        ("labs", admin.RelatedOnlyFieldListFilter),
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
        # Derived from the sessions (events.places), set by event_refresh_dates.
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
        # A regional relay reaches only its regions' events (and those assigned to it).
        events = super().get_queryset(request).filter(moderated_by(request.user))
        return with_open_report_counts(with_possible_duplicates(events))

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

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return is_moderator(request.user)

    # Columns

    @admin.display(description="type d'organisation", ordering="organization__kind")
    def organization_kind(self, event: Event) -> str:
        return event.organization.get_kind_display()

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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        event = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if event is not None:
            extra_context.update(self._moderation_context(request, event))
        return super().change_view(request, object_id, form_url, extra_context)

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


@admin.register(ModerationLogEntry)
class ModerationLogEntryAdmin(admin.ModelAdmin):
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


class CollectionForm(forms.ModelForm):
    class Meta:
        model = Collection
        fields = [
            "edition",
            "title",
            "slug",
            "intro",
            "events",
            "query",
            "position",
            "is_published",
        ]

    def clean(self):
        cleaned = super().clean()
        events = cleaned.get("events")
        if not (events and events.exists()) and not (cleaned.get("query") or "").strip():
            raise forms.ValidationError(
                "Choisissez des événements, collez l’adresse d’une sélection du programme, "
                "ou les deux : un parcours vide n’aurait rien à montrer."
            )
        return cleaned


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    """Editorial « parcours »: moderators pick events, paste a programme selection, or both."""

    form = CollectionForm
    list_display = ["title", "edition", "slug", "position", "is_published"]
    list_editable = ["position", "is_published"]
    list_filter = ["edition", "is_published"]
    search_fields = ["title", "intro"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["events"]
    fields = ["edition", "title", "slug", "intro", "events", "query", "position", "is_published"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        edition = current_edition()
        initial = {"edition": edition.pk} if edition else {}
        return {**initial, **super().get_changeform_initial_data(request)}

    # Moderators manage collections (the moderation permission, not a model permission).
    def has_module_permission(self, request) -> bool:
        return is_moderator(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_moderator(request.user)

    def has_add_permission(self, request) -> bool:
        return is_moderator(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_moderator(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_moderator(request.user)


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
