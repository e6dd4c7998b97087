"""coopgov import_register --coop CODE FILE.csv: all-or-nothing import of a register."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopgov.members.importing import ImportFailed, file_digest, parse_register_csv, register_import
from coopgov.organisation.models import Unit


class Command(BaseCommand):
    help = (
        "Import a register CSV into a cooperative: rows are checked first; on any error nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--coop", required=True, help="code of the cooperative (BE, FR…)")
        parser.add_argument("file", help="CSV file with a header row (see docs/register-csv.md)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        cooperative = Unit.objects.filter(kind=Unit.Kind.COOPERATIVE, code=options["coop"]).first()
        if cooperative is None:
            raise CommandError(f"no cooperative with code {options['coop']!r}")
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows = parse_register_csv(handle, cooperative)
            summary = register_import(
                cooperative=cooperative,
                rows=rows,
                actor="cli:import_register",
                source=f"{path.name} sha256:{file_digest(str(path))}",
            )
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); nothing imported"
            ) from None
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(f"{path}: {error}")
            raise CommandError(f"{path}: {len(failure.errors)} error(s); nothing imported") from None
        self.stdout.write(
            f"imported {summary.members} members into {cooperative.code} "
            f"({summary.persons_created} new persons, {summary.movements} ledger lines)"
        )
