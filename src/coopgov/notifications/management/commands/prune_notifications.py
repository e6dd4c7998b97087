"""coopgov prune_notifications [--days 365]: delete the notices members read more than that many days ago.

Notices pile up (one row per recipient and event); an unread notice is never deleted. Run it from the same
scheduler as the digests (docs/adr/0009-notifications-and-digests.md), e.g. weekly.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from coopgov.notifications.services import notifications_prune


class Command(BaseCommand):
    help = "Delete the notices read more than --days days ago (unread notices are kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=365, help="age of the reading, in days (default 365)")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days < 1:
            raise CommandError(f"--days must be at least 1, not {days}")
        deleted = notifications_prune(read_before=timezone.now() - timedelta(days=days))
        self.stdout.write(f"notices deleted: {deleted}")
