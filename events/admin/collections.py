"""Editorial collections (« parcours »): events picked by moderators, a programme selection,
or both."""

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from moisinno.roles import is_moderator

from ..models import Collection
from ..selectors import current_edition


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
