"""coopgov advance_phases [--enqueue]: move each process whose phase in force has ended to the phase whose
dates contain today.

Run it from a scheduler (cron or a systemd timer: docs/adr/0008-processes-phases-and-member-text.md), a few
minutes after midnight and then hourly. Re-running it is safe: a process already in the phase of its
calendar is not moved again, and two runs at once move a process once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coopgov.participation import services, tasks


class Command(BaseCommand):
    help = "Move each process whose phase in force has ended to the phase its calendar sets for today."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="hand the work to the background workers (the advance_phases task) instead of doing it here",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = tasks.advance_phases.enqueue()
            self.stdout.write(f"advance_phases enqueued: {result.id}")
            return
        moved = services.advance_phases()
        for process, phase in moved:
            self.stdout.write(
                f"{process.unit.code} {process.slug}: now in phase {phase.position} ({phase.kind})"
            )
        self.stdout.write(f"processes moved on: {len(moved)}")
