"""coopgov send_digests --period daily|weekly: e-mail each member the digest of their pending notices.

Run it from a scheduler (cron or a systemd timer: docs/adr/0009-notifications-and-digests.md). Re-running it
is safe: notices already sent are not sent again, and two runs at once do not send the same notices twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coopgov.notifications.delivery import PERIODS, send_digests


class Command(BaseCommand):
    help = "E-mail the daily or weekly digest of pending notices to every member who chose it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", choices=PERIODS, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_digests(period=options["period"])
        self.stdout.write(f"{options['period']} digests sent: {sent}")
