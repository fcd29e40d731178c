from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Group

from .geography import REGION_CHOICES
from .models import OutgoingEmail, RegionalRelay
from .notifications import email_requeue
from .roles import MODERATOR_GROUP

admin.site.site_header = "Mois de l'innovation publique — back-office DITP"
admin.site.site_title = "Back-office DITP"
admin.site.index_title = "Modération et pilotage"


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subject", "recipients", "status", "attempts", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["subject", "to"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields]
    actions = ["requeue"]

    @admin.display(description="destinataires")
    def recipients(self, obj: OutgoingEmail) -> str:
        return ", ".join(obj.to)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Renvoyer les courriels sélectionnés")
    def requeue(self, request, queryset):
        for email in queryset:
            email_requeue(email=email)
        messages.success(request, f"{queryset.count()} courriel(s) remis en file d'envoi.")


class RegionalRelayForm(forms.ModelForm):
    regions = forms.MultipleChoiceField(
        label="Régions",
        choices=REGION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une région."},
    )

    class Meta:
        model = RegionalRelay
        fields = ["user", "regions"]


@admin.register(RegionalRelay)
class RegionalRelayAdmin(admin.ModelAdmin):
    """Superusers make a moderator a regional relay (its queue, decisions and bulk actions
    then reach only these regions, and the online events assigned to it)."""

    form = RegionalRelayForm
    list_display = ["user", "region_names"]
    autocomplete_fields = ["user"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # A relay is a moderator: make sure the account is in the moderators' group.
        group, _created = Group.objects.get_or_create(name=MODERATOR_GROUP)
        obj.user.groups.add(group)

    @admin.display(description="régions")
    def region_names(self, relay: RegionalRelay) -> str:
        names = dict(REGION_CHOICES)
        return ", ".join(names.get(code, code) for code in relay.regions)

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    has_add_permission = has_module_permission

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser
