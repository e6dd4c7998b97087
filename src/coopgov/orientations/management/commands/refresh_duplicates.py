"""coopgov refresh_duplicates: recompute the stored suggested duplicates of every unit with units below it.

The suggestions are recomputed by a task whenever a proposal is written, edited or translated; run this
after an import, a restore or a change of the comparison. Re-running it is safe: each unit's suggestions
are replaced.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from coopgov.organisation.models import Unit
from coopgov.orientations import services


class Command(BaseCommand):
    help = "Recompute the stored suggested duplicates of every unit that has units below it."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        for unit in Unit.objects.filter(children__isnull=False).distinct().order_by("path"):
            stored = services.duplicate_suggestions_refresh(unit=unit, now=now)
            self.stdout.write(f"{unit.code}: {stored} suggested pairs")
