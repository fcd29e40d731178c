from django.contrib import admin

from .models import Alert


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    """Read and delete only: the DITP deletes an alert on request (a `mailto:` unsubscription,
    a personal-data request); visitors manage theirs through the signed links."""

    list_display = ["email", "edition", "query", "created_at", "confirmed_at", "last_digest_at"]
    list_filter = ["edition", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    readonly_fields = [f.name for f in Alert._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
