from django.contrib import admin

from coopgov.organisation.models import (
    Body,
    CooperativeProfile,
    Mandate,
    RoleAssignment,
    StatutesVersion,
    Unit,
)
from coopgov.organisation.services import role_grant, role_revoke


class ProfileInline(admin.StackedInline):
    model = CooperativeProfile
    extra = 0


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    inlines = [ProfileInline]


admin.site.register(StatutesVersion)
admin.site.register(Body)


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin):
    list_display = ("person", "body", "role", "starts_on", "ends_on", "appointed_how")
    raw_id_fields = ("person",)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Roles are granted and revoked through the services, so each act reaches the audit log."""

    list_display = ("user", "role", "unit", "granted_at")
    list_filter = ("role",)
    raw_id_fields = ("user",)

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        granted = role_grant(user=obj.user, unit=obj.unit, role=obj.role, actor=request.user)
        obj.pk = granted.pk

    def delete_model(self, request, obj):
        role_revoke(assignment=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for assignment in queryset:
            role_revoke(assignment=assignment, actor=request.user)
