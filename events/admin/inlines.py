"""The inlines of an event's change page: its sessions, the organisers' resources, visitors'
reports, the DITP's internal notes and the moderation history.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin import widgets as admin_widgets
from django.forms.models import BaseInlineFormSet
from django.forms.utils import ErrorList
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from moisinno.forms import CachedOptionsSelect
from moisinno.roles import is_moderator

from ..forms import SessionTimesForm
from ..models import EventNote, EventReport, EventResource, EventSession, ModerationLogEntry
from ..sessions import SESSION_PLACE_FIELDS, SESSION_REGISTRATION_FIELDS

#: Django's tabular inline, written in Python (moisinno/admin_rendering.py).
TABULAR_IN_PYTHON = "admin/edit_inline/tabular_in_python.html"


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


class SessionDateTimeWidget(admin_widgets.AdminSplitDateTime):
    """The closing of registrations: the admin's date and time inputs, each with its own name
    (a table cell is not a label) and without the dangling timezone warning reference."""

    def __init__(self, attrs=None):
        # The base widgets: the admin's own carry a <p> each, which may not sit in this <p>.
        forms.MultiWidget.__init__(
            self, [admin_widgets.BaseAdminDateWidget, admin_widgets.BaseAdminTimeWidget], attrs
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        label = context["widget"]["attrs"].get("aria-label", "")
        for subwidget, part in zip(context["widget"]["subwidgets"], ("date", "heure"), strict=True):
            subwidget["attrs"].pop("aria-describedby", None)
            if label:
                subwidget["attrs"]["aria-label"] = f"{label} ({part})"
        return context


class SessionInlineForm(SessionTimesForm):
    """A session's times, and its on-platform registration: the places never below the seats
    already taken, the closing never after the start (checked by SessionTimesForm, as in the
    organiser's form)."""


class QuietErrorList(ErrorList):
    """A field's error list that renders nothing, without a template, while it is empty: the
    admin asks every field of the event's page for its errors, 166 templates for nothing."""

    def render(self, template_name=None, context=None, renderer=None):
        if not self.data:
            return SafeString("")
        return super().render(template_name, context, renderer)


class EventInlineFormSet(BaseInlineFormSet):
    """Each row knows its event without a query: Django's inline formset sets only the key, and
    a row's title (its `__str__`, shown by the tabular inline) reads `row.event`: one query per
    log entry, report… on the event's page. Its error lists are quiet while empty. Its empty
    form (the template row the « add » link copies) is built once: Django builds it anew each
    time the admin asks, eleven times for the event's page."""

    @cached_property
    def empty_form(self):
        return super().empty_form

    def get_form_kwargs(self, index):
        return {"error_class": QuietErrorList, **super().get_form_kwargs(index)}

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        self.fk.set_cached_value(form.instance, self.instance)
        return form


class SessionInlineFormSet(EventInlineFormSet):
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
        "capacity": "Nombre de places de la séance {}",
        "waiting_list": "Liste d’attente de la séance {}",
        "registration_closes_at": "Clôture des inscriptions de la séance {}",
        "DELETE": "Supprimer la séance {}",
    }

    def add_fields(self, form, index):
        super().add_fields(form, index)
        number = "" if index is None else index + 1
        for name, label in self.NAMES.items():
            if name in form.fields:
                form.fields[name].widget.attrs["aria-label"] = label.format(number).strip()


class EventSessionInline(admin.TabularInline):
    """The sessions, with their on-platform registration settings and counts: moderators see
    how many people registered, never who (data minimisation; the lists are the organising
    organisation's, in the organiser space)."""

    model = EventSession
    template = TABULAR_IN_PYTHON
    form = SessionInlineForm
    formset = SessionInlineFormSet
    fields = [
        "date",
        "start_time",
        "end_time",
        *SESSION_PLACE_FIELDS,
        *SESSION_REGISTRATION_FIELDS,
        "registration_counts",
    ]
    readonly_fields = ["registration_counts"]
    extra = 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "date":
            kwargs["widget"] = SessionDateWidget
        elif db_field.name in ("start_time", "end_time"):
            kwargs["widget"] = SessionTimeWidget
        elif db_field.name == "registration_closes_at":
            kwargs["widget"] = SessionDateTimeWidget
        elif db_field.name == "department":
            kwargs["widget"] = CachedOptionsSelect
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="inscriptions")
    def registration_counts(self, session: EventSession) -> str:
        if session.pk is None:
            return "—"
        taken = f"{session.seats_taken} inscrite{'s' if session.seats_taken > 1 else ''}"
        if session.capacity is not None:
            taken = f"{taken} sur {session.capacity} places"
        if session.waiting_count:
            return f"{taken}, {session.waiting_count} en liste d’attente"
        return taken


class EventInline(admin.TabularInline):
    """A table of the event's records, each with the people it shows (`select_related`) read
    with it rather than one query per row."""

    template = TABULAR_IN_PYTHON
    formset = EventInlineFormSet
    select_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        return rows.select_related(*self.select_related) if self.select_related else rows


class ReadOnlyInline(EventInline):
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
    select_related = ("actor",)
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

    def has_view_permission(self, request, obj=None) -> bool:
        # As on the reports' own pages (reports.EventReportAdmin): the moderators' group has
        # no model permission on reports, and the table was missing from the event's page.
        return is_moderator(request.user)

    @admin.display(description="état")
    def state(self, report: EventReport) -> str:
        if not report.is_open:
            return f"Clos le {timezone.localtime(report.closed_at):%d/%m/%Y}"
        return format_html(
            '<a href="{}">Traiter et clore</a>',
            reverse("admin:events_eventreport_change", args=[report.pk]),
        )


class EventNoteInline(EventInline):
    """The DITP's internal notes on the event: a thread organisers never see."""

    model = EventNote
    select_related = ("author",)
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


class EventResourceInline(EventInline):
    """What the organisers added after the event (replay, slides, report): moderators see
    them and may remove one (logged in the moderation history, told to the organisers)."""

    model = EventResource
    select_related = ("created_by",)
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
