from django.contrib import admin

from .models import Edition, Event, EventSession, Format, ModerationLogEntry, Theme


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "number",
        "theme",
        "start_date",
        "end_date",
        "referencing_closes_on",
        "is_current",
    ]
    list_filter = ["is_current"]
    search_fields = ["theme", "year"]


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


class EventSessionInline(admin.TabularInline):
    model = EventSession
    extra = 0


class ModerationLogInline(admin.TabularInline):
    model = ModerationLogEntry
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "actor_role", "from_status", "to_status", "message"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "organization",
        "status",
        "starts_on",
        "region",
        "format",
        "attendance_mode",
        "derogation_requested",
        "submitted_at",
    ]
    list_filter = [
        "status",
        "edition",
        "region",
        "format",
        "organization__kind",
        "attendance_mode",
        "derogation_requested",
        "changed_since_validation",
        "is_generated",
    ]
    search_fields = ["title", "organization__name", "city"]
    list_select_related = ["organization", "format"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["organization", "co_organizers", "labs"]
    filter_horizontal = ["themes"]
    readonly_fields = [
        "status",
        "status_changed_at",
        "status_changed_by",
        "submitted_at",
        "published_at",
        "moderation_message",
        "starts_on",
        "ends_on",
        "version",
        "created_at",
        "updated_at",
    ]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [EventSessionInline, ModerationLogInline]


@admin.register(ModerationLogEntry)
class ModerationLogEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "from_status", "to_status", "actor", "actor_role"]
    list_filter = ["to_status", "actor_role"]
    search_fields = ["event__title", "message"]
    list_select_related = ["event", "actor"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
