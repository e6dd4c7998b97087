"""coopgov export_conversation ID DIRECTORY: write a conversation in Polis's export format.

comments.csv, votes.csv, participants-votes.csv and summary.csv (``conversations.exporting``), which
`coopgov opinions`, Polis's tools and red-dwarf read. DIRECTORY is created if its parent exists and must not
hold those files yet; they are written in a hidden folder inside it and moved into place at the end, so a
failure leaves nothing behind.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopgov.conversations import exporting, selectors
from coopgov.conversations.models import Conversation


class Command(BaseCommand):
    help = (
        "Write a conversation in Polis's export format (comments.csv, votes.csv, participants-votes.csv, "
        "summary.csv), which `coopgov opinions` recounts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "conversation", help="the conversation's id, or its address (as in its page's URL)"
        )
        parser.add_argument("directory", help="where to write the files (a new or empty directory)")

    def handle(self, *args: Any, **options: Any) -> None:
        key = options["conversation"]
        conversation = (
            Conversation.objects.select_related("unit").filter(pk=int(key)).first()
            if key.isdigit()
            else selectors.conversation_by_slug(key)
        )
        if conversation is None:
            raise CommandError(f"no conversation has the id or address {key!r}; nothing was written")
        directory = Path(options["directory"])
        try:
            summary = exporting.export_to_directory(conversation, directory)
        except exporting.ExportRefused as refused:
            raise CommandError(refused.message) from None
        if summary.map_computed_at is None:
            groups = "no map yet, so no group-id"
        else:
            groups = (
                f"group-id from the map of {summary.map_computed_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC "
                f"({summary.groups} groups; {summary.reactions_after_map} reactions came after it)"
            )
        self.stdout.write(
            f"wrote {', '.join(exporting.FILES)} to {directory}: {summary.participants} participants, "
            f"{summary.statements} statements, {summary.reactions} reactions; {groups}. "
            f"Recount with `coopgov opinions {directory / 'comments.csv'} {directory / 'votes.csv'}`"
        )
