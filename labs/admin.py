from django.contrib import admin

from events.models import Event
from events.services import events_refresh_search

from .models import Lab


@admin.register(Lab)
class LabAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "ministry", "host_organization", "founded_year"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "ministry", "description", "methods"]
    list_select_related = ["host_organization"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["host_organization"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            # The lab's name is part of its events' search text.
            events_refresh_search(events=Event.objects.filter(labs=obj))
