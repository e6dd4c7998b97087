"""coopgov export_register --coop CODE --format csv|json [--at DATE]: the legal register as of a date."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from coopgov.members.exporting import write_csv, write_json
from coopgov.organisation.models import Unit


class Command(BaseCommand):
    help = "Write the register of a cooperative as of a date to standard output (CSV or JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--coop", required=True)
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--at", help="date YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        cooperative = Unit.objects.filter(kind=Unit.Kind.COOPERATIVE, code=options["coop"]).first()
        if cooperative is None:
            raise CommandError(f"no cooperative with code {options['coop']!r}")
        try:
            at = date.fromisoformat(options["at"]) if options["at"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"--at {options['at']!r} is not a date YYYY-MM-DD") from None
        out = sys.stdout
        try:
            (write_csv if options["format"] == "csv" else write_json)(cooperative, at=at, out=out)
            out.flush()
        except BrokenPipeError:
            # The reader stopped early (e.g. `| head`): not an error of the export.
            sys.stderr.close()
