"""DITP back-office for organisations: verification and join requests."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.http import HttpRequest

from moisinno.pagecache import public_content_changed

from .enums import MembershipStatus
from .models import Membership, Organization
from .services import MembershipError, membership_approve, membership_decline


class MembershipInline(admin.TabularInline):
    """Members of the organisation; requests are approved from the join requests list."""

    model = Membership
    extra = 0
    fields = ["user", "role", "status", "created_at", "approved_at"]
    readonly_fields = ["user", "status", "created_at", "approved_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class PendingRequestsFilter(admin.SimpleListFilter):
    title = "demandes d'adhésion"
    parameter_name = "demandes"

    def lookups(self, request, model_admin):
        return [("en-attente", "Avec des demandes en attente")]

    def queryset(self, request, queryset):
        if self.value() == "en-attente":
            # Exists, not a join: a join would multiply the member counts of the list.
            pending = Membership.objects.filter(
                organization=OuterRef("pk"), status=MembershipStatus.PENDING
            )
            return queryset.filter(Exists(pending))
        return queryset


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "region",
        "department",
        "verified",
        "active_members",
        "pending_requests",
        "created_at",
    ]
    list_filter = ["verified", PendingRequestsFilter, "kind", "region"]
    search_fields = ["name", "description", "=siret"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    actions = ["mark_verified", "mark_unverified"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organization]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_count=Count(
                    "memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE)
                ),
                pending_count=Count(
                    "memberships", filter=Q(memberships__status=MembershipStatus.PENDING)
                ),
            )
        )

    @admin.display(description="membres", ordering="active_count")
    def active_members(self, organization: Organization) -> int:
        return organization.active_count

    @admin.display(description="demandes en attente", ordering="pending_count")
    def pending_requests(self, organization: Organization) -> int:
        return organization.pending_count

    @admin.action(description="Marquer comme vérifiées", permissions=["change"])
    def mark_verified(self, request: HttpRequest, queryset: QuerySet[Organization]) -> None:
        count = queryset.filter(verified=False).update(verified=True)
        public_content_changed()
        messages.success(request, f"{count} organisation(s) marquée(s) comme vérifiée(s).")

    @admin.action(description="Retirer la vérification", permissions=["change"])
    def mark_unverified(self, request: HttpRequest, queryset: QuerySet[Organization]) -> None:
        count = queryset.filter(verified=True).update(verified=False)
        public_content_changed()
        messages.success(request, f"Vérification retirée pour {count} organisation(s).")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Join requests: pending memberships first, oldest first."""

    list_display = [
        "user",
        "organization",
        "organization_verified",
        "role",
        "status",
        "created_at",
        "approved_at",
    ]
    list_filter = ["status", "role", "organization__verified"]
    search_fields = ["user__email", "organization__name"]
    list_select_related = ["user", "organization"]
    autocomplete_fields = ["user", "organization"]
    readonly_fields = ["status", "created_at", "approved_at"]
    ordering = [
        Case(When(status=MembershipStatus.PENDING, then=Value(0)), default=Value(1)).asc(),
        "created_at",
    ]
    actions = ["approve_requests", "refuse_requests"]

    def get_readonly_fields(self, request, obj=None):
        # Who joins which organisation is fixed once the request exists.
        if obj is not None:
            return [*self.readonly_fields, "user", "organization"]
        return self.readonly_fields

    @admin.display(description="organisation vérifiée", boolean=True)
    def organization_verified(self, membership: Membership) -> bool:
        return membership.organization.verified

    def _decide(self, request: HttpRequest, queryset: QuerySet[Membership], service, done: str):
        count, refused = 0, []
        for membership in queryset.filter(status=MembershipStatus.PENDING).select_related(
            "user", "organization"
        ):
            try:
                service(membership=membership, user=request.user)
            except (MembershipError, PermissionDenied) as error:
                reason = str(error) or "vous n'avez pas le droit de décider."
                refused.append(f"{membership.user} — {membership.organization} : {reason}")
                continue
            count += 1
        messages.success(request, f"{count} demande(s) d'adhésion {done}.")
        if refused:
            messages.error(request, "Demandes non traitées : " + " ".join(refused))

    @admin.action(description="Approuver les demandes sélectionnées", permissions=["change"])
    def approve_requests(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        """The new member is told by email (organizers.services)."""
        self._decide(request, queryset, membership_approve, "approuvée(s)")

    @admin.action(description="Refuser les demandes sélectionnées", permissions=["change"])
    def refuse_requests(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        """Only pending requests: an active member is removed by a superuser, not here."""
        self._decide(request, queryset, membership_decline, "refusée(s)")
