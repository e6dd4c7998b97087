from django.contrib import admin

from coopgov.organisation.models import (
    Body,
    CooperativeProfile,
    Mandate,
    RoleAssignment,
    StatutesVersion,
    Unit,
)


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
    list_display = ("user", "role", "unit", "granted_at")
    list_filter = ("role",)
    raw_id_fields = ("user",)
