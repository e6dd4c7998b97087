"""coopgov list_assemblies [--format json|text]: every assembly, its dates, status and items."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coopgov.decisions.selectors import assemblies, assembly_summary


class Command(BaseCommand):
    help = "List the assemblies with their items (id, method as in `coopgov tally`, seats, status)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=("json", "text"), default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = [assembly_summary(a) for a in assemblies()]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(
                f"{row['id']:>4} {row['cooperative']:4} {row['kind']:13} {row['status']:9} "
                f"{row['first_convocation_at'][:10]} {row['title']}"
            )
            for item in row["items"]:
                seats = f" seats={item['seats']}" if "seats" in item else ""
                self.stdout.write(
                    f"       item {item['id']:>4} {item['method']:18} {item['status']:9}{seats}"
                )
