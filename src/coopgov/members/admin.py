from django.contrib import admin

from coopgov.members.models import (
    Category,
    Membership,
    MembershipEvent,
    Person,
    PolicyRule,
    Service,
    ShareClass,
    ShareMovement,
)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "email", "language", "home_antenna")
    search_fields = ("last_name", "legal_name", "email")
    list_filter = ("kind", "language")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Raw view of memberships. Admissions, refusals and exits go through the register pages (audited)."""

    list_display = ("number", "person", "cooperative", "category", "status", "admitted_on")
    readonly_fields = (
        "cooperative",
        "number",
        "status",
        "applied_on",
        "admitted_on",
        "ended_on",
        "refusal_reason",
    )

    def has_add_permission(self, request):
        return False

    list_filter = ("cooperative", "status", "category")
    search_fields = ("person__last_name", "person__email")
    raw_id_fields = ("person",)


@admin.register(ShareMovement)
class ShareMovementAdmin(admin.ModelAdmin):
    list_display = ("operation", "membership", "kind", "shares_delta", "paid_delta_eur", "effective_on")
    list_filter = ("kind", "cooperative")
    raw_id_fields = ("membership",)

    def has_change_permission(self, request, obj=None):
        return False  # append-only: corrections are new movements, recorded through the ledger page

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


admin.site.register(Category)
admin.site.register(ShareClass)
admin.site.register(Service)


@admin.register(PolicyRule)
class PolicyRuleAdmin(admin.ModelAdmin):
    """Policies change through the policy page (audited); the admin only shows them."""

    list_display = (
        "cooperative",
        "profile",
        "is_draft",
        "requirement",
        "min_shares",
        "shares_per_year_of_use",
    )

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MembershipEvent)
class MembershipEventAdmin(admin.ModelAdmin):
    list_display = ("membership", "on", "from_status", "to_status", "deciding_body")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
