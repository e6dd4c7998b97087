"""Background work of the panels: tasks call one service (Django Tasks API, ADR 0002)."""

from __future__ import annotations

from django_tasks import task

from coopgov.panels import services


@task()
def run_draw(draw_id: int) -> str:
    """Carry out a requested draw (LEXIMIN on thousands of members takes tens of seconds); returns its
    status."""
    return services.draw_run(draw_id=draw_id).status
