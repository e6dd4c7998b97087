"""Background work of participation: tasks call one service (Django Tasks API, ADR 0002)."""

from __future__ import annotations

from django_tasks import task

from coopgov.participation import services


@task()
def advance_phases() -> int:
    """Move every process whose phase in force has ended to the phase of its calendar for today; returns
    how many processes moved (``coopgov advance_phases`` does the same in the foreground)."""
    return len(services.advance_phases())
