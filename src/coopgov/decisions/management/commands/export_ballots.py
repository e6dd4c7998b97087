"""coopgov export_ballots --item ID FILE: write the published anonymised ballot file of an item."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopgov.decisions.models import Result


class Command(BaseCommand):
    help = "Write an item's published anonymised ballot file, which `coopgov tally` recounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--item", type=int, required=True, help="item id (see coopgov list_assemblies)")
        parser.add_argument("file", help="where to write the ballot file (.json)")

    def handle(self, *args: Any, **options: Any) -> None:
        result = Result.objects.select_related("item").filter(item_id=options["item"]).first()
        if result is None or result.published_at is None:
            raise CommandError(
                f"item {options['item']}: no published result (close, count and publish it first)"
            )
        path = Path(options["file"])
        try:
            path.write_text(result.ballots_file, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{path}: cannot write: {error.strerror}") from None
        self.stdout.write(
            f"wrote {path}: recount with `coopgov tally --method {result.method} --seed {result.seed} {path}`"
        )
