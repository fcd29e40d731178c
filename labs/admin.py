from django.contrib import admin

from .models import Lab


@admin.register(Lab)
class LabAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "ministry", "host_organization", "founded_year"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "ministry", "description", "methods"]
    list_select_related = ["host_organization"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["host_organization"]
