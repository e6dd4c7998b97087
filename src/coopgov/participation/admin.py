"""The admin of processes: read their settings and change who may take part (through the service, so the
change is audited). Everything else about a process is kept on its own pages and by the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from coopgov.participation.models import Process
from coopgov.participation.services import process_audience_set


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ("title", "unit", "audience", "current_phase", "created_at")
    list_filter = ("audience", "unit__kind")
    search_fields = ("title", "slug", "unit__code")
    fields = ("unit", "title", "slug", "language", "components", "current_phase", "audience")
    readonly_fields = ("unit", "title", "slug", "language", "components", "current_phase")

    def has_add_permission(self, request: Any) -> bool:
        return False  # a process is opened on its page, with its phases (services.process_create)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def save_model(self, request: Any, obj: Process, form: Any, change: bool) -> None:
        process_audience_set(process=obj, audience=obj.audience, actor=request.user)
