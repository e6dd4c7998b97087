"""A conversation in Polis's export format: comments.csv, votes.csv, participants-votes.csv and
summary.csv, as Polis writes them and as ``coopgov.domain.formats.polis`` reads them back, so anyone can
recount the map (``coopgov opinions``, Polis's tools, red-dwarf) and a cooperative can leave with its data
(docs/adr/0016-opinion-conversations.md, "Export in Polis's format").

No member is named: participants are numbered 0, 1, 2, … in their order of arrival (the map's own row
order, ``selectors.reactions_by_arrival``); authors of statements get numbers of their own after the
participants', so a statement never leads to its author's reactions. The numbers hold within one export.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

import numpy as np
from django.conf import settings

from coopgov.conversations import selectors
from coopgov.conversations.models import Conversation, Statement

FILES = ("votes.csv", "comments.csv", "participants-votes.csv", "summary.csv")
# Polis's moderation codes: -1 moderated out, 0 not moderated yet, 1 accepted.
MODERATED: dict[str, int] = {
    Statement.Status.ACCEPTED: 1,
    Statement.Status.PENDING: 0,
    Statement.Status.REJECTED: -1,
}
COMMENTS_HEADER = (
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "is-meta",
    "is-seed",
    "comment-body",
)
VOTES_HEADER = ("timestamp", "datetime", "comment-id", "voter-id", "vote")
PARTICIPANTS_HEADER = ("participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree")
VOTE_TEXT = {1: "1", -1: "-1", 0: "0"}
# The `datetime` column as Polis's exports write it (Java's Date.toString), in UTC and in English
# whatever the server's locale.
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

Opener = Callable[[str], AbstractContextManager[IO[str]]]


class ExportRefused(Exception):
    """An export that cannot be written where asked; the message says what and where."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ExportSummary:
    """What an export holds, for the command's and the page's report."""

    participants: int
    statements: int
    reactions: int
    groups: int
    map_computed_at: datetime | None
    reactions_after_map: int


def polis_datetime(ms: int) -> str:
    """Polis's ``datetime`` column for a timestamp in milliseconds, e.g. ``Wed Apr 27 07:51:33 UTC 2022``."""
    t = selectors.EPOCH + timedelta(milliseconds=ms)
    return f"{DAYS[t.weekday()]} {MONTHS[t.month - 1]} {t.day:02d} {t:%H:%M:%S} UTC {t.year}"


def _ms(when: datetime) -> int:
    return (when - selectors.EPOCH) // selectors.MILLISECOND


def _writer(handle: IO[str]) -> Any:
    # Polis ends its lines with a bare newline.
    return csv.writer(handle, lineterminator="\n")


def polis_export(conversation: Conversation, open_file: Opener) -> ExportSummary:
    """Write the conversation's four files, one after the other, each through ``open_file(name)``.

    One query reads every reaction (a consistent set, in time linear in the reactions); the statements
    are read after it, so every statement reacted to is among them. Statements are numbered in their
    order of creation; every reaction is in votes.csv (those to statements since rejected too, which
    ``moderated = -1`` takes out of the map, as Polis does).
    """
    reactions = selectors.reactions_by_arrival(conversation, with_times=True)
    assert reactions.updated_ms is not None
    statements = list(
        conversation.statements.order_by("created_at", "pk").values_list(
            "pk", "author_id", "text", "status", "is_seed", "created_at"
        )
    )
    snapshot = selectors.latest_snapshot(conversation)
    n, m = len(reactions.users), len(statements)

    # comment-id of each reaction: the statement's rank in the order of creation.
    pks = np.fromiter((s[0] for s in statements), dtype=np.int64, count=m)
    by_pk = np.argsort(pks)
    columns = by_pk[np.searchsorted(pks[by_pk], reactions.statements)] if m else reactions.statements
    votes = reactions.votes
    participants = reactions.participants

    with open_file("votes.csv") as handle:
        writer = _writer(handle)
        writer.writerow(VOTES_HEADER)
        order = np.lexsort((reactions.reaction_ids, reactions.updated_ms))
        last_second, text = -1, ""
        for t, c, p, v in zip(
            reactions.updated_ms[order].tolist(),
            columns[order].tolist(),
            participants[order].tolist(),
            votes[order].tolist(),
            strict=True,
        ):
            if t // 1000 != last_second:  # rows come in time order: one formatting a second
                last_second, text = t // 1000, polis_datetime(t)
            writer.writerow((t, text, c, p, VOTE_TEXT[v]))

    # Authors: numbers after the participants', one per author (one per statement whose author's
    # account is gone), in the order of their first statement.
    author_number: dict[int, int] = {}
    authors: list[int] = []
    next_number = n
    for _pk, author, *_rest in statements:
        if author is not None and author in author_number:
            authors.append(author_number[author])
            continue
        authors.append(next_number)
        if author is not None:
            author_number[author] = next_number
        next_number += 1
    agrees = np.bincount(columns[votes == 1], minlength=m)
    disagrees = np.bincount(columns[votes == -1], minlength=m)
    with open_file("comments.csv") as handle:
        writer = _writer(handle)
        writer.writerow(COMMENTS_HEADER)
        for cid, (_pk, _author, text, status, is_seed, created_at) in enumerate(statements):
            ms = _ms(created_at)
            writer.writerow(
                (
                    ms,
                    polis_datetime(ms),
                    cid,
                    authors[cid],
                    int(agrees[cid]),
                    int(disagrees[cid]),
                    MODERATED[status],
                    "false",
                    "true" if is_seed else "false",
                    text,
                )
            )

    points: dict[str, list[float]] = snapshot.result.get("points", {}) if snapshot else {}
    group_of = {int(user): int(point[2]) for user, point in points.items() if int(point[2]) >= 0}
    with open_file("participants-votes.csv") as handle:
        writer = _writer(handle)
        writer.writerow((*PARTICIPANTS_HEADER, *(str(c) for c in range(m))))
        order = np.lexsort((columns, participants))
        bounds = np.searchsorted(participants[order], np.arange(n + 1)).tolist()
        row_columns, row_votes = columns[order].tolist(), votes[order].tolist()
        for p, user in enumerate(reactions.users.tolist()):
            cells = [""] * m
            mine = row_votes[bounds[p] : bounds[p + 1]]
            for c, v in zip(row_columns[bounds[p] : bounds[p + 1]], mine, strict=True):
                cells[c] = VOTE_TEXT[v]
            group = group_of.get(user)
            writer.writerow(
                (p, "" if group is None else group, 0, len(mine), mine.count(1), mine.count(-1), *cells)
            )

    groups = len(snapshot.result.get("groups", [])) if snapshot else 0
    description = conversation.question + (
        f"\n\n{conversation.description}" if conversation.description else ""
    )
    with open_file("summary.csv") as handle:
        writer = _writer(handle)
        writer.writerows(
            (
                ("topic", conversation.title),
                ("url", settings.COOPGOV_BASE_URL.rstrip("/") + conversation.get_absolute_url()),
                ("voters", n),
                ("voters-in-conv", len(points) if snapshot else ""),
                ("commenters", next_number - n),
                ("comments", m),
                ("groups", groups if snapshot else ""),
                ("conversation-description", description),
            )
        )
    after = 0
    if snapshot is not None:
        after = int((reactions.updated_ms > _ms(snapshot.computed_at)).sum())
    return ExportSummary(
        participants=n,
        statements=m,
        reactions=len(reactions),
        groups=groups,
        map_computed_at=snapshot.computed_at if snapshot else None,
        reactions_after_map=after,
    )


def export_to_directory(conversation: Conversation, directory: Path) -> ExportSummary:
    """Write the four files into ``directory`` (created if its parent exists; it must not hold them yet).

    All or nothing: the files are written in a hidden folder inside ``directory``, then moved into
    place; if anything fails, that folder (and ``directory``, if this call created it) is removed."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ExportRefused(f"{directory} is a file, not a directory; nothing was written")
    if not directory.parent.is_dir():
        raise ExportRefused(f"{directory.parent} does not exist; nothing was written")
    there = [name for name in FILES if (directory / name).exists()]
    if there:
        raise ExportRefused(
            f"{directory} already holds {', '.join(there)}: give a new or empty directory; "
            "nothing was written"
        )
    created = not directory.exists()
    try:
        directory.mkdir(exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".coopgov-export-", dir=directory))
    except OSError as error:
        if created:
            shutil.rmtree(directory, ignore_errors=True)
        raise ExportRefused(
            f"cannot write in {directory}: {error.strerror or error}; nothing was written"
        ) from None

    moved: list[Path] = []

    def undo() -> None:
        shutil.rmtree(work, ignore_errors=True)
        for path in moved:
            path.unlink(missing_ok=True)
        if created:
            shutil.rmtree(directory, ignore_errors=True)

    try:
        summary = polis_export(
            conversation, lambda name: (work / name).open("w", encoding="utf-8", newline="")
        )
        for name in FILES:
            os.replace(work / name, directory / name)
            moved.append(directory / name)
        work.rmdir()
    except OSError as error:
        undo()
        raise ExportRefused(
            f"cannot write in {directory}: {error.strerror or error}; nothing was written"
        ) from None
    except BaseException:
        undo()
        raise
    return summary


def export_to_zip(conversation: Conversation, out: IO[bytes], folder: str) -> ExportSummary:
    """Write the four files into a zip archive on ``out``, in ``folder``/ (what the page's download is)."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        @contextmanager
        def open_file(name: str) -> Iterator[IO[str]]:
            with archive.open(f"{folder}/{name}", "w", force_zip64=True) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                yield text
                text.flush()
                text.detach()

        return polis_export(conversation, open_file)
