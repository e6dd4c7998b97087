"""Readers of Polis conversation exports: ``comments.csv``, ``votes.csv`` and ``participants-votes.csv``.

The format is the one the Computational Democracy Project publishes (github.com/compdemocracy/openData):
in every export a vote is ``1`` (agree), ``-1`` (disagree) or ``0`` (pass) — the opposite sign of the
database inside Polis, which the export flips. Readers are all-or-nothing: the first bad line raises
:class:`PolisFormatError` naming the file, the line and the field.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = [
    "PolisComment",
    "PolisFormatError",
    "PolisVotes",
    "polis_mod_out",
    "read_comments",
    "read_participants_votes",
    "read_vote_history",
    "read_votes",
    "read_votes_file",
]

IntArray = npt.NDArray[np.int64]


class PolisFormatError(ValueError):
    """A Polis export that cannot be read, with where the problem is (file, line, field)."""

    def __init__(self, path: str | Path, line: int, field: str, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.field = field
        self.message = message
        super().__init__(f"{self.path}, line {line}, field {field!r}: {message}")


@dataclass(frozen=True)
class PolisComment:
    """One statement of a conversation. ``moderated`` is -1 (moderated out), 0 (unmoderated) or 1 (in).

    ``is_meta``: a statement about the conversation itself (the ``is-meta`` column of newer exports; False
    where the export has no such column). ``group_informed_consensus``: the value the production Polis
    computed for the statement (the ``group-informed-consensus`` column of newer exports; None where the
    export has no such column or leaves it empty) — what coopgov's own figure is checked against.
    """

    id: int
    author: int
    moderated: int
    text: str
    is_meta: bool = False
    group_informed_consensus: float | None = None


def polis_mod_out(comments: tuple[PolisComment, ...] | list[PolisComment]) -> frozenset[int]:
    """The statements Polis leaves out of the map: moderated out (-1) **or** meta.

    Polis's ``mod-update`` (compdemocracy/polis, math/src/polismath/math/conversation.clj) puts a statement
    in the conversation's ``mod-out`` when ``(or is_meta (= mod -1))``; that set is zeroed before the PCA
    and kept out of representative and consensus statements. Pass it as ``moderated_out``.
    """
    return frozenset(c.id for c in comments if c.moderated == -1 or c.is_meta)


@dataclass(frozen=True, eq=False)
class PolisVotes:
    """The reactions of a conversation, one entry per (participant, statement), the latest vote kept.

    ``participants``, ``statements`` and ``votes`` are parallel arrays. ``order`` lists participant ids
    in the order they first voted (votes.csv) or in the file's order (participants-votes.csv).
    ``group_of`` holds the groups the production Polis computed (``group-id`` in participants-votes.csv;
    absent from votes.csv). ``timestamps`` (milliseconds) come with votes.csv only.
    """

    participants: IntArray
    statements: IntArray
    votes: npt.NDArray[np.int8]
    order: IntArray
    group_of: dict[int, int] | None = None
    timestamps: IntArray | None = None


def _header(path: Path, header: list[str] | None, required: tuple[str, ...]) -> dict[str, int]:
    if header is None:
        raise PolisFormatError(path, 1, "header", "the file is empty")
    index = {name.strip(): i for i, name in enumerate(header)}
    for name in required:
        if name not in index:
            raise PolisFormatError(path, 1, name, f"missing column (expected {', '.join(required)})")
    return index


def _int(path: Path, line: int, field: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise PolisFormatError(path, line, field, f"expected an integer, found {text!r}") from None


def _float(path: Path, line: int, field: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise PolisFormatError(path, line, field, f"expected a number, found {text!r}") from None
    if not np.isfinite(value):
        raise PolisFormatError(path, line, field, f"expected a finite number, found {text!r}")
    return value


def _vote(path: Path, line: int, field: str, text: str) -> int:
    if text in ("1", "-1", "0"):
        return int(text)
    value = _int(path, line, field, text.strip())
    if value not in (-1, 0, 1):
        raise PolisFormatError(path, line, field, f"a vote is 1, -1 or 0, found {text!r}")
    return value


def read_comments(path: str | Path) -> tuple[PolisComment, ...]:
    """Read a Polis ``comments.csv`` (comment-id, author-id, moderated, comment-body; is-meta and
    group-informed-consensus where present)."""
    path = Path(path)
    comments: list[PolisComment] = []
    seen: set[int] = set()
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        index = _header(path, next(reader, None), ("comment-id", "moderated", "comment-body"))
        width = max(index.values()) + 1
        for row in reader:
            line = reader.line_num
            if not row:
                continue
            if len(row) < width:
                raise PolisFormatError(
                    path, line, "comment-body", f"expected {width} fields, found {len(row)}"
                )
            cid = _int(path, line, "comment-id", row[index["comment-id"]])
            if cid in seen:
                raise PolisFormatError(path, line, "comment-id", f"comment {cid} appears twice")
            seen.add(cid)
            moderated = _int(path, line, "moderated", row[index["moderated"]])
            if moderated not in (-1, 0, 1):
                raise PolisFormatError(path, line, "moderated", f"expected -1, 0 or 1, found {moderated}")
            author = _int(path, line, "author-id", row[index["author-id"]]) if "author-id" in index else -1
            is_meta = False
            if "is-meta" in index:
                flag = row[index["is-meta"]].strip().lower()
                if flag not in ("true", "false", "1", "0", ""):
                    raise PolisFormatError(path, line, "is-meta", f"expected true or false, found {flag!r}")
                is_meta = flag in ("true", "1")
            gic = None
            if "group-informed-consensus" in index and row[index["group-informed-consensus"]].strip():
                gic = _float(path, line, "group-informed-consensus", row[index["group-informed-consensus"]])
            comments.append(PolisComment(cid, author, moderated, row[index["comment-body"]], is_meta, gic))
    return tuple(sorted(comments, key=lambda c: c.id))


def _vote_rows(path: Path) -> tuple[IntArray, IntArray, IntArray, npt.NDArray[np.int8]]:
    """(timestamps, participants, statements, votes) of every row of a votes.csv, in time order."""
    stamps: list[int] = []
    tids: list[int] = []
    pids: list[int] = []
    values: list[int] = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        index = _header(path, next(reader, None), ("timestamp", "comment-id", "voter-id", "vote"))
        it, ic, ip, iv = (index[k] for k in ("timestamp", "comment-id", "voter-id", "vote"))
        width = max(it, ic, ip, iv) + 1
        for row in reader:
            if not row:
                continue
            line = reader.line_num
            if len(row) < width:
                raise PolisFormatError(
                    path, line, "vote", f"expected at least {width} fields, found {len(row)}"
                )
            try:
                stamps.append(int(float(row[it])))
            except ValueError:
                raise PolisFormatError(
                    path, line, "timestamp", f"expected a number, found {row[it]!r}"
                ) from None
            tids.append(_int(path, line, "comment-id", row[ic]))
            pids.append(_int(path, line, "voter-id", row[ip]))
            values.append(_vote(path, line, "vote", row[iv]))
    t = np.asarray(stamps, dtype=np.int64)
    p = np.asarray(pids, dtype=np.int64)
    c = np.asarray(tids, dtype=np.int64)
    v = np.asarray(values, dtype=np.int8)
    if (p < 0).any() or (c < 0).any():
        raise PolisFormatError(path, 2, "voter-id", "identifiers must not be negative")
    chron = np.argsort(t, kind="stable")
    return t[chron], p[chron], c[chron], v[chron]


def read_votes(path: str | Path) -> PolisVotes:
    """Read a Polis ``votes.csv`` (timestamp, comment-id, voter-id, vote), keeping each voter's latest vote.

    Rows are taken in timestamp order (ties keep file order); a later vote on the same statement replaces
    the earlier one, as in Polis's rating matrix.
    """
    t, p, c, v = _vote_rows(Path(path))
    # Keep the last vote of each (participant, statement): scan from the end for first occurrences.
    key = p * (int(c.max(initial=0)) + 1) + c
    _, last_from_end = np.unique(key[::-1], return_index=True)
    keep = np.sort(len(key) - 1 - last_from_end)
    _, first = np.unique(p, return_index=True)
    order = p[np.sort(first)]
    return PolisVotes(
        participants=p[keep], statements=c[keep], votes=v[keep], order=order, timestamps=t[keep]
    )


def read_vote_history(path: str | Path) -> PolisVotes:
    """Every row of a Polis ``votes.csv`` in time order, changed votes included, with their timestamps.

    For replaying a conversation update after update (``coopgov.domain.opinion.replay_opinion_map``).
    """
    t, p, c, v = _vote_rows(Path(path))
    _, first = np.unique(p, return_index=True)
    return PolisVotes(participants=p, statements=c, votes=v, order=p[np.sort(first)], timestamps=t)


def read_participants_votes(path: str | Path) -> PolisVotes:
    """Read a Polis ``participants-votes.csv``: one row per participant, one column per comment id.

    Empty cells are statements the participant did not see or skip; ``group-id`` (when present) is the
    group the production Polis put the participant in. Rows keep the file's order (participant id).
    """
    path = Path(path)
    pids: list[int] = []
    tids: list[int] = []
    values: list[int] = []
    order: list[int] = []
    groups: dict[int, int] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        index = _header(path, header, ("participant",))
        assert header is not None
        ipart = index["participant"]
        igroup = index.get("group-id")
        columns: list[tuple[int, int]] = []
        for i, name in enumerate(header):
            name = name.strip()
            if name.lstrip("-").isdigit():
                columns.append((i, int(name)))
        seen: set[int] = set()
        for row in reader:
            if not row:
                continue
            line = reader.line_num
            if len(row) != len(header):
                raise PolisFormatError(
                    path, line, "participant", f"expected {len(header)} fields, found {len(row)}"
                )
            pid = _int(path, line, "participant", row[ipart])
            if pid in seen:
                raise PolisFormatError(path, line, "participant", f"participant {pid} appears twice")
            seen.add(pid)
            order.append(pid)
            if igroup is not None and row[igroup].strip():
                groups[pid] = _int(path, line, "group-id", row[igroup])
            for i, tid in columns:
                cell = row[i]
                if cell:
                    pids.append(pid)
                    tids.append(tid)
                    values.append(_vote(path, line, str(tid), cell))
    return PolisVotes(
        participants=np.asarray(pids, dtype=np.int64),
        statements=np.asarray(tids, dtype=np.int64),
        votes=np.asarray(values, dtype=np.int8),
        order=np.asarray(order, dtype=np.int64),
        group_of=groups if igroup is not None else None,
    )


def read_votes_file(path: str | Path) -> PolisVotes:
    """Read either export of the votes, telling them apart by their header."""
    path = Path(path)
    with path.open(newline="", encoding="utf-8") as handle:
        first = handle.readline()
    names = [n.strip() for n in next(csv.reader([first]), [])]
    if "participant" in names:
        return read_participants_votes(path)
    if "voter-id" in names:
        return read_votes(path)
    raise PolisFormatError(
        path, 1, "header", "neither a votes.csv (voter-id) nor a participants-votes.csv header"
    )
