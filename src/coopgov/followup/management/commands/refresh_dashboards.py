"""coopgov refresh_dashboards [--unit CODE] [--enqueue]: recompute the stored "who is heard" dashboards.

Run it from a scheduler every night (docs/operations.md): the dashboard pages show the figures of the last
run, with its time. Re-running it is safe: each unit's snapshot of the month is rewritten in place.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from coopgov.followup import services, tasks
from coopgov.organisation.models import Unit


class Command(BaseCommand):
    help = "Recompute the stored participation dashboards of every unit (or of one unit)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--unit", help="code of one unit (default: every group, cooperative, antenna, community)"
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="hand the work to the background workers (the refresh_dashboards task), not do it here",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"--unit: no unit has the code {options['unit']}.")
        if options["enqueue"]:
            result = tasks.refresh_dashboards.enqueue(unit.pk if unit else None)
            self.stdout.write(f"refresh_dashboards enqueued: {result.id}")
            return
        written = services.dashboard_snapshot_refresh(unit=unit, now=timezone.now())
        self.stdout.write(f"dashboard snapshots written: {len(written)}")
