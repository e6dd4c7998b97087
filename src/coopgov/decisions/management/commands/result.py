"""coopgov result --item ID [--format json|text]: the stored result of an item."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopgov.decisions.models import Result
from coopgov.decisions.selectors import result_json


class Command(BaseCommand):
    help = "Print the stored result of an item (winners or adopted, quorum, explanation)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--item", type=int, required=True, help="item id (see coopgov list_assemblies)")
        parser.add_argument("--format", choices=("json", "text"), default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        result = Result.objects.filter(item_id=options["item"]).first()
        if result is None:
            raise CommandError(f"item {options['item']}: no result yet (close and count the item first)")
        out = result_json(result)
        if options["format"] == "json":
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        if out.get("adopted") is not None:
            self.stdout.write(f"item {out['item']}: {'adopted' if out['adopted'] else 'rejected'}")
        else:
            self.stdout.write(f"item {out['item']}: elected {', '.join(out['winners']) or '(none)'}")
        self.stdout.write(
            f"quorum reached: {out['quorum_reached']}; method {out['tally_method']}, seed {out['seed']}"
        )
