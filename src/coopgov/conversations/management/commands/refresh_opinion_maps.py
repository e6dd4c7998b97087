"""coopgov refresh_opinion_maps [slug] [--enqueue]: compute the opinion maps of conversations again.

Without a slug, every conversation with reactions newer than its last map (or with no map yet); run it
from a scheduler every few minutes (docs/operations.md) so the last reactions of a quiet conversation
reach its map too. With a slug, that conversation's map, whatever its age.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopgov.conversations import selectors, services, tasks


class Command(BaseCommand):
    help = "Compute again the opinion maps that are out of date (or the map of one conversation)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "slug", nargs="?", help="address of one conversation (default: every out-of-date map)"
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="hand the work to the background workers (the refresh_map task), not do it here",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["slug"]:
            conversation = selectors.conversation_by_slug(options["slug"])
            if conversation is None:
                raise CommandError(f"no conversation has the address {options['slug']}.")
            conversations = [conversation]
        else:
            conversations = selectors.out_of_date()
        for conversation in conversations:
            if options["enqueue"]:
                result = tasks.refresh_map.enqueue(conversation.pk)
                self.stdout.write(f"{conversation.slug}: refresh_map enqueued: {result.id}")
                continue
            snapshot = services.map_refresh(conversation=conversation)
            groups = len(snapshot.result.get("groups", []))
            self.stdout.write(
                f"{conversation.slug}: {snapshot.participants} participants, "
                f"{snapshot.statements} statements, {snapshot.votes} reactions, {groups} groups"
            )
        if not conversations:
            self.stdout.write("every opinion map is up to date")
