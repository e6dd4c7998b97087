"""coopgov export_ballots --item ID FILE: write the published anonymised ballot file of an item.

Elections, polls and motions: a coopgov JSON ballot file (FILE.json); participatory budgets: a Pabulib
file (FILE.pb). Both recount with `coopgov tally`, whose command line is printed. An election decided by
acclamation had no ballot, so there is no file: the command says so and writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopgov.decisions.models import BUDGET_METHODS, Result


class Command(BaseCommand):
    help = (
        "Write an item's published anonymised ballot file (.json, or .pb for a participatory budget), "
        "which `coopgov tally` recounts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--item", type=int, required=True, help="item id (see coopgov list_assemblies)")
        parser.add_argument("file", help="where to write the ballot file (.json; .pb for a budget)")

    def handle(self, *args: Any, **options: Any) -> None:
        item_id = options["item"]
        result = Result.objects.select_related("item").filter(item_id=item_id).first()
        if result is None or result.published_at is None:
            raise CommandError(f"item {item_id}: no published result (close, count and publish it first)")
        path = Path(options["file"])
        method = result.result.get("method")
        if method == "acclamation":
            raise CommandError(
                f"item {item_id}: elected by acclamation, without a ballot, so there is no ballot file; "
                f"`coopgov result --item {item_id}` shows who was elected"
            )
        suffix = ".pb" if result.method in BUDGET_METHODS else ".json"
        if path.suffix.lower() != suffix:
            what = "a participatory budget, written as a Pabulib file" if suffix == ".pb" else "a JSON file"
            raise CommandError(
                f"item {item_id}: its ballot file is {what}; give a FILE ending in {suffix}, "
                f"which `coopgov tally` reads by its extension"
            )
        try:
            path.write_text(result.ballots_file, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{path}: cannot write: {error.strerror}") from None
        majority = ""
        if result.method == "for-withhold" and '"majority"' not in result.ballots_file.split("\n", 1)[0]:
            # Files counted before the format carried the share of For: give it on the command line.
            majority = f" --majority {result.result.get('explanation', {}).get('majority', '1/2')}"
        self.stdout.write(
            f"wrote {path}: recount with "
            f"`coopgov tally --method {result.method}{majority} --seed {result.seed} {path}`"
        )
