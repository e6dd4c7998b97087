"""coopgov demo_assemblies [--seed S]: the demo's assemblies (run after `coopgov demo --no-serve`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coopgov.decisions.demo import generate_assemblies


class Command(BaseCommand):
    help = "Add a past general assembly with published results and an upcoming one open for voting."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        created = generate_assemblies(options["seed"])
        self.stdout.write(
            f"created {created} demo assemblies" if created else "demo assemblies already exist"
        )
