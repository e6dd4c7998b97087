"""Background work of the follow-up: tasks call one service (Django Tasks API, ADR 0002)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from coopgov.followup import services
from coopgov.organisation.models import Unit


@task()
def refresh_dashboards(unit_id: int | None = None) -> int:
    """Recompute the stored dashboards of one unit (every unit if None); returns how many were written
    (``coopgov refresh_dashboards`` does the same in the foreground)."""
    unit = Unit.objects.get(pk=unit_id) if unit_id is not None else None
    return len(services.dashboard_snapshot_refresh(unit=unit, now=timezone.now()))
