"""Single and multi-choice elections: plurality, approval and score voting."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from coopgov.domain.voting.numbers import exact, json_number
from coopgov.domain.voting.result import TallyResult
from coopgov.domain.voting.ties import SeededLottery, elect_from_tiers, tiers_by_key


@dataclass(frozen=True)
class PluralityBallot:
    """One vote for one candidate, or ``None`` for a blank ballot; ``weight`` voters or voting weight."""

    choice: str | None
    weight: Fraction = Fraction(1)


@dataclass(frozen=True)
class ApprovalBallot:
    """The set of candidates a voter approves of (empty: blank)."""

    choices: frozenset[str]
    weight: Fraction = Fraction(1)


@dataclass(frozen=True)
class ScoreBallot:
    """A score per candidate; a candidate the voter leaves out gets the lowest score."""

    scores: Mapping[str, Fraction] = field(default_factory=dict)
    weight: Fraction = Fraction(1)


def _plain(weight: Fraction | int) -> Fraction | int:
    """A whole weight as an int: summing ints is many times faster than summing Fractions, and most
    ballots weigh 1 (a 90,000-voter approval count drops from seconds to a fraction of one)."""
    if isinstance(weight, int):
        return weight
    return weight.numerator if weight.denominator == 1 else weight


def _exact(totals: Mapping[str, Fraction | int]) -> dict[str, Fraction]:
    return {c: Fraction(v) for c, v in totals.items()}


def _check_candidates(candidates: Sequence[str], seats: int) -> tuple[str, ...]:
    cands = tuple(candidates)
    if len(set(cands)) != len(cands):
        raise ValueError("candidate identifiers must be unique")
    if not cands:
        raise ValueError("there must be at least one candidate")
    if seats < 1:
        raise ValueError(f"seats must be at least 1, not {seats}")
    if seats > len(cands):
        raise ValueError(f"{seats} seats for {len(cands)} candidates")
    return cands


def _finish(
    method: str,
    candidates: Sequence[str],
    totals: Mapping[str, Fraction],
    seats: int,
    seed: int | str,
    explanation: dict[str, Any],
) -> TallyResult:
    lottery = SeededLottery(seed)
    ranking = tiers_by_key(candidates, lambda c: totals[c])
    winners = elect_from_tiers(ranking, seats, lottery, method)
    explanation["seats"] = seats
    return TallyResult(
        method=method,
        winners=winners,
        ranking=ranking,
        explanation=explanation,
        tie_breaks=tuple(lottery.draws),
    )


def plurality(
    candidates: Sequence[str], ballots: Iterable[PluralityBallot], *, seats: int = 1, seed: int | str = 0
) -> TallyResult:
    """Elect the ``seats`` candidates with the most votes (first past the post; with several seats,
    single non-transferable vote).

    Rule: plurality, e.g. Cox, *Making Votes Count* (1997) ch. 2; the usual rule of board elections by
    relative majority (DOMAIN.md §6.9). A vote for an unknown candidate is null and reported; a ``None``
    choice is blank. Ties for the last seat are broken by the seeded lottery.
    """
    cands = _check_candidates(candidates, seats)
    known = set(cands)
    sums: dict[str, Fraction | int] = dict.fromkeys(cands, 0)
    blank: Fraction | int = 0
    null: Fraction | int = 0
    for ballot in ballots:
        weight = _plain(ballot.weight)
        if ballot.choice is None:
            blank += weight
        elif ballot.choice in known:
            sums[ballot.choice] += weight
        else:
            null += weight
    totals = _exact(sums)
    explanation: dict[str, Any] = {
        "votes": {c: json_number(totals[c]) for c in cands},
        "blank": json_number(Fraction(blank)),
        "null": json_number(Fraction(null)),
        "valid": json_number(sum(totals.values(), Fraction(0))),
    }
    return _finish("plurality", cands, totals, seats, seed, explanation)


def approval(
    candidates: Sequence[str],
    ballots: Iterable[ApprovalBallot],
    *,
    seats: int = 1,
    min_choices: int = 0,
    max_choices: int | None = None,
    seed: int | str = 0,
) -> TallyResult:
    """Elect the ``seats`` candidates approved by the most voters.

    Rule: approval voting, Brams & Fishburn, "Approval Voting", *American Political Science Review*
    72 (1978) 831–847; with several seats, "block approval". A ballot approving fewer than
    ``min_choices`` or more than ``max_choices`` candidates, or an unknown one, is null (as a paper
    ballot with too many crosses is) and reported; an empty ballot is blank when ``min_choices`` allows.
    """
    cands = _check_candidates(candidates, seats)
    if min_choices < 0 or (max_choices is not None and max_choices < max(min_choices, 1)):
        raise ValueError(f"invalid choice limits: min {min_choices}, max {max_choices}")
    known = set(cands)
    sums: dict[str, Fraction | int] = dict.fromkeys(cands, 0)
    blank: Fraction | int = 0
    null: Fraction | int = 0
    all_voters: Fraction | int = 0
    null_reasons: dict[str, int] = {}
    for ballot in ballots:
        weight = _plain(ballot.weight)
        all_voters += weight
        n = len(ballot.choices)
        reason = None
        if not ballot.choices <= known:
            reason = "unknown candidate"
        elif n < min_choices:
            reason = f"fewer than {min_choices} choices"
        elif max_choices is not None and n > max_choices:
            reason = f"more than {max_choices} choices"
        if reason is not None:
            null += weight
            null_reasons[reason] = null_reasons.get(reason, 0) + 1
            continue
        if n == 0:
            blank += weight
        for c in ballot.choices:
            sums[c] += weight
    totals = _exact(sums)
    voters = Fraction(all_voters)
    explanation: dict[str, Any] = {
        "approvals": {c: json_number(totals[c]) for c in cands},
        "approval_share": {c: json_number(totals[c] / voters) if voters else None for c in cands},
        "voters": json_number(voters),
        "blank": json_number(Fraction(blank)),
        "null": json_number(Fraction(null)),
        "null_reasons": null_reasons,
        "min_choices": min_choices,
        "max_choices": max_choices,
    }
    return _finish("approval", cands, totals, seats, seed, explanation)


def score(
    candidates: Sequence[str],
    ballots: Iterable[ScoreBallot],
    *,
    seats: int = 1,
    min_score: Fraction | int = 0,
    max_score: Fraction | int = 10,
    seed: int | str = 0,
) -> TallyResult:
    """Elect the ``seats`` candidates with the highest total score.

    Rule: score (range) voting, Smith, "Range Voting" (2000); see also Laslier & Sanver (eds.), *Handbook
    on Approval Voting* (2010) ch. 1. A candidate left off a ballot gets ``min_score`` (so totals and
    averages rank alike); a ballot with a score outside [min_score, max_score] or an unknown candidate is
    null and reported. The explanation gives each candidate's total and average.
    """
    cands = _check_candidates(candidates, seats)
    low, high = Fraction(min_score), Fraction(max_score)
    if low >= high:
        raise ValueError(f"min_score {min_score} must be below max_score {max_score}")
    known = set(cands)
    sums: dict[str, Fraction | int] = dict.fromkeys(cands, 0)
    valid: Fraction | int = 0
    null: Fraction | int = 0
    plain_low = _plain(low)
    for ballot in ballots:
        weight = _plain(ballot.weight)
        if not set(ballot.scores) <= known or any(not low <= s <= high for s in ballot.scores.values()):
            null += weight
            continue
        valid += weight
        for c in cands:
            given = ballot.scores.get(c)
            sums[c] += weight * (plain_low if given is None else _plain(given))
    totals = _exact(sums)
    voters = Fraction(valid)
    explanation: dict[str, Any] = {
        "totals": {c: json_number(totals[c]) for c in cands},
        "averages": {c: json_number(totals[c] / voters) if voters else None for c in cands},
        "valid_voters": json_number(voters),
        "null": json_number(Fraction(null)),
        "scale": [exact(low), exact(high)],
    }
    return _finish("score", cands, totals, seats, seed, explanation)
