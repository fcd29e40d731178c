from django.contrib import admin, messages

from .models import OutgoingEmail
from .notifications import email_requeue

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
