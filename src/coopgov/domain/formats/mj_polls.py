"""Reader for MieuxVoter's majority-judgment poll tables (majority-judgment-tracker CSV)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from coopgov.domain.voting.numbers import to_fraction

#: Grades that say "no opinion" rather than judge: MieuxVoter leaves them out of the merit profile,
#: assuming the undecided would grade like the decided (majority-judgment-tracker README).
NO_OPINION_GRADES = frozenset(
    {"sans opinion", "ne se prononce pas", "ne la connaît pas suffisamment", "ne le connaît pas suffisamment"}
)


class PollFileError(ValueError):
    """A poll table that cannot be read; the message names the file, line and field."""


@dataclass(frozen=True)
class MajorityJudgmentPoll:
    """One poll: its grades (best first, no-opinion grades left out) and each candidate's percentages."""

    poll_id: str
    institute: str
    question: str
    population: str
    sample_size: int | None
    grades: tuple[str, ...]
    profiles: dict[str, tuple[Fraction, ...]]
    no_opinion: dict[str, Fraction]


@dataclass
class _PollRows:
    """A poll being read (mutable while the file is read, frozen into MajorityJudgmentPoll after)."""

    institute: str
    population: str
    sample_size: int | None
    names: tuple[str, ...]
    rows: dict[str, tuple[Fraction, ...]] = field(default_factory=dict)
    no_opinion: dict[str, Fraction] = field(default_factory=dict)


_REQUIRED = ("candidat", "nombre_mentions", "id", "nom_institut", "hypothese")


def read_mj_polls(path: str | Path) -> list[MajorityJudgmentPoll]:
    """Read every poll of a majority-judgment-tracker CSV (one row per candidate and poll), grouped by
    poll identifier and question, in file order.

    Format: MieuxVoter/majority-judgment-tracker ``presidentielle_jm.csv``: ``nombre_mentions`` grades
    named in ``mention_1…`` (best first) with percentages in ``intention_mention_1…``.
    """
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise PollFileError(f"{path}: cannot open: {error.strerror}") from error
    polls: dict[tuple[str, str], _PollRows] = {}
    with handle:
        reader = csv.DictReader(handle)
        missing = [f for f in _REQUIRED if f not in (reader.fieldnames or [])]
        if missing:
            raise PollFileError(f"{path}: line 1: missing column(s) {', '.join(missing)}")
        for row in reader:
            line = reader.line_num
            try:
                n = int(row["nombre_mentions"])
            except (TypeError, ValueError):
                raise PollFileError(
                    f"{path}: line {line}: field 'nombre_mentions' is not a whole number"
                ) from None
            names: list[str] = []
            values: list[Fraction] = []
            for i in range(1, n + 1):
                name = (row.get(f"mention_{i}") or "").strip()
                raw = (row.get(f"intention_mention_{i}") or "").strip()
                if not name or name == "nan":
                    raise PollFileError(f"{path}: line {line}: field 'mention_{i}' is empty")
                try:
                    value = to_fraction(raw, what=f"intention_mention_{i}")
                except ValueError as error:
                    raise PollFileError(f"{path}: line {line}: {error}") from None
                names.append(name)
                values.append(value)
            key = (row["id"], row["hypothese"])
            sample = (row.get("echantillon") or "").strip()
            poll = polls.setdefault(
                key,
                _PollRows(
                    institute=row["nom_institut"],
                    population=row.get("population") or "",
                    sample_size=int(sample) if sample.isdigit() else None,
                    names=tuple(names),
                ),
            )
            if poll.names != tuple(names):
                raise PollFileError(f"{path}: line {line}: grades differ from the poll's first row")
            candidate = row["candidat"].strip()
            kept = tuple(v for g, v in zip(names, values, strict=True) if g.lower() not in NO_OPINION_GRADES)
            undecided = sum(
                (v for g, v in zip(names, values, strict=True) if g.lower() in NO_OPINION_GRADES), Fraction(0)
            )
            if candidate in poll.rows:
                # The published table repeats some rows verbatim; only a conflicting repeat is an error.
                if poll.rows[candidate] != kept:
                    raise PollFileError(
                        f"{path}: line {line}: candidate {candidate!r} appears twice in poll {key[0]} "
                        "with different figures"
                    )
                continue
            poll.rows[candidate] = kept
            poll.no_opinion[candidate] = undecided
    out: list[MajorityJudgmentPoll] = []
    for (poll_id, question), poll in polls.items():
        out.append(
            MajorityJudgmentPoll(
                poll_id=poll_id,
                institute=poll.institute,
                question=question,
                population=poll.population,
                sample_size=poll.sample_size,
                grades=tuple(g for g in poll.names if g.lower() not in NO_OPINION_GRADES),
                profiles=dict(poll.rows),
                no_opinion=dict(poll.no_opinion),
            )
        )
    return out
