from django.contrib import admin

from .models import Lab


@admin.register(Lab)
class LabAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "ministry", "founded_year"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "ministry", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["host_organization"]
