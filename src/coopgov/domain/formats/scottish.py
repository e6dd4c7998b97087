"""Scottish council election CSVs (mggg/scot-elex, derived from BLT files): reader.

Layout (see the data's SOURCE-README.md): first row ``candidates,seats``; then one row per distinct
ballot, ``count,first,second,…`` with candidates numbered 1…n; then one row per candidate,
``"Candidate i","Name","Party"``; last, the ward's name. BLT's ``0`` end markers are accepted.
Candidate identifiers are the numbers as in the file ("1", "2"…), names come from the candidate rows.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coopgov.domain.formats.preflib import BallotFileError
from coopgov.domain.voting.ranked_ballots import UNRANKED, Candidate, RankedProfile

__all__ = ["BallotFileError", "ScottishElection", "read_scottish_csv", "read_scottish_election"]


@dataclass(frozen=True)
class ScottishElection:
    """A Scottish CSV with what the ranked profile has no room for: each candidate's party and the ward."""

    profile: RankedProfile
    parties: tuple[str, ...]
    ward: str


def _whole(path: Path, line: int, field: str, text: str) -> int:
    value = text.strip()
    if not value.isdigit():
        raise BallotFileError(path, line, f"{field} must be a whole number, found {text!r}")
    return int(value)


def read_scottish_election(path: str | Path) -> ScottishElection:
    """Read a scot-elex CSV: the ballots with seats, the candidates' names and parties, the ward."""
    p = Path(path)
    try:
        with p.open(encoding="utf-8", newline="") as handle:
            rows = [(number, list(row)) for number, row in enumerate(csv.reader(handle), start=1)]
    except OSError as exc:
        raise BallotFileError(p, None, f"cannot read file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise BallotFileError(p, None, "not valid UTF-8 text") from None
    except csv.Error as exc:
        raise BallotFileError(p, None, f"not a readable CSV file: {exc}") from None
    # Trailing empty fields come from the rows' final commas.
    rows = [(n, [f for f in row if f.strip() != ""]) for n, row in rows]
    rows = [(n, row) for n, row in rows if row]
    if not rows:
        raise BallotFileError(p, 1, "the file is empty; expected 'candidates,seats' on the first row")
    first_line, first = rows[0]
    if len(first) != 2:
        raise BallotFileError(p, first_line, "the first row must be 'candidates,seats'")
    n = _whole(p, first_line, "the number of candidates", first[0])
    seats = _whole(p, first_line, "the number of seats", first[1])
    if n < 1 or seats < 1:
        raise BallotFileError(p, first_line, "candidates and seats must both be at least 1")
    if seats > n:
        raise BallotFileError(p, first_line, f"{seats} seats for only {n} candidates")

    ranks: list[list[int]] = []
    counts: list[float] = []
    k = 1
    while k < len(rows):
        line, row = rows[k]
        if not row[0].strip().isdigit():
            break  # the candidate rows begin
        k += 1
        count = int(row[0])
        if count == 0 and len(row) == 1:
            break  # BLT end-of-ballots marker
        prefs = row[1:]
        if prefs and prefs[-1].strip() == "0":
            prefs = prefs[:-1]  # BLT end-of-ballot marker
        rank = [UNRANKED] * n
        for position, item in enumerate(prefs):
            c = _whole(p, line, f"preference {position + 1}", item)
            if not 1 <= c <= n:
                raise BallotFileError(
                    p, line, f"preference {position + 1} names candidate {c}, outside 1…{n}"
                )
            if rank[c - 1] != UNRANKED:
                raise BallotFileError(p, line, f"candidate {c} is ranked twice")
            rank[c - 1] = position
        if not prefs:
            raise BallotFileError(p, line, "a ballot row must rank at least one candidate")
        ranks.append(rank)
        counts.append(float(count))

    names: list[str] = []
    parties: list[str] = []
    for i in range(n):
        if k >= len(rows):
            raise BallotFileError(p, rows[-1][0], f"expected {n} candidate rows, found {i}")
        line, row = rows[k]
        if len(row) < 2:
            raise BallotFileError(p, line, f"candidate row {i + 1} must be '\"Candidate i\",name,party'")
        names.append(row[1].strip())
        parties.append(row[2].strip() if len(row) > 2 else "")
        k += 1
    ward = rows[k][1][0].strip() if k < len(rows) else ""
    if k + 1 < len(rows):
        raise BallotFileError(p, rows[k + 1][0], "unexpected row after the ward's name")

    candidates = tuple(Candidate(id=str(i + 1), name=names[i]) for i in range(n))
    profile = RankedProfile.from_ranks(
        candidates,
        np.array(ranks, dtype=np.int32).reshape(len(ranks), n),
        np.array(counts, dtype=np.float64),
        seats=seats,
        validate=False,
    )
    return ScottishElection(profile=profile, parties=tuple(parties), ward=ward)


def read_scottish_csv(path: str | Path) -> RankedProfile:
    """Read a scot-elex CSV as a ranked profile with its seats (see :func:`read_scottish_election`)."""
    return read_scottish_election(path).profile
