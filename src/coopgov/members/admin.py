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
    list_display = ("number", "person", "cooperative", "category", "status", "admitted_on")
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
admin.site.register(PolicyRule)
admin.site.register(MembershipEvent)
