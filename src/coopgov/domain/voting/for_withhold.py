"""Board elections by For / Withhold with a majority requirement, and acclamation.

Rule (DOMAIN.md §6.9; docs/methods/for-withhold.md): each voter answers For or Withhold on each candidate,
or leaves them out (no opinion). A candidate is *confirmed* when For reaches the required share of
For + Withhold: more than half for 1/2 (an absolute majority of the opinions given), at least the share for
any other (2/3: "at least two thirds"). The confirmed candidates with the most For fill the seats; a tie
for the last seat is settled by the seeded lottery; seats no confirmed candidate fills stay vacant.

Acclamation: when there are no more candidates than seats, the statutes may declare them elected
without a ballot; the result says so and lists them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from coopgov.domain.voting.choice import ScoreBallot
from coopgov.domain.voting.numbers import json_number
from coopgov.domain.voting.result import TallyResult
from coopgov.domain.voting.ties import SeededLottery, elect_from_tiers

FOR = Fraction(1)
WITHHOLD = Fraction(0)


def parse_majority(text: str) -> Fraction:
    """A majority requirement written as ``1/2``, ``2/3``, ``0.6``…: above 0, at most 1."""
    try:
        value = Fraction(text.strip() or "1/2")
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{text!r} is not a share such as 1/2 or 2/3") from None
    if not 0 < value <= 1:
        raise ValueError(f"the share of For must be above 0 and at most 1, not {text}")
    return value


def invalid_mark(marks: Mapping[str, object]) -> tuple[str, object] | None:
    """The first candidate whose mark is neither For (1) nor Withhold (0), with that mark, or None.
    A candidate left out is "no opinion"; a JSON true/false is not a mark."""
    for candidate, mark in marks.items():
        if isinstance(mark, bool) or not isinstance(mark, int | float | str):
            return candidate, mark
        try:
            value = Fraction(mark)
        except (ValueError, ZeroDivisionError, OverflowError):
            return candidate, mark
        if value not in (FOR, WITHHOLD):
            return candidate, mark
    return None


def confirmed(votes_for: Fraction, votes_withhold: Fraction, majority: Fraction) -> bool:
    """Whether For reaches the majority: strictly more than half for 1/2, at least the share otherwise."""
    opinions = votes_for + votes_withhold
    if opinions <= 0:
        return False
    if majority == Fraction(1, 2):
        return votes_for > majority * opinions
    return votes_for >= majority * opinions


def for_withhold(
    candidates: Sequence[str],
    ballots: Iterable[ScoreBallot],
    *,
    seats: int = 1,
    majority: Fraction = Fraction(1, 2),
    seed: int | str = 0,
) -> TallyResult:
    """Count For / Withhold ballots (score 1 = For, 0 = Withhold, absent = no opinion) and elect up to
    ``seats`` confirmed candidates, the most For first. A ballot with any other score, or an unknown
    candidate, is null (reported) and counts for no candidate."""
    cands = tuple(candidates)
    if len(set(cands)) != len(cands) or not cands:
        raise ValueError("candidate identifiers must be unique, and at least one")
    if seats < 1:
        raise ValueError(f"seats must be at least 1, not {seats}")
    if not 0 < majority <= 1:
        raise ValueError("the share of For must be above 0 and at most 1")
    known = set(cands)
    votes_for = dict.fromkeys(cands, Fraction(0))
    votes_withhold = dict.fromkeys(cands, Fraction(0))
    null = Fraction(0)
    voters = Fraction(0)
    for ballot in ballots:
        weight = Fraction(ballot.weight)
        voters += weight
        if not set(ballot.scores) <= known or any(s not in (FOR, WITHHOLD) for s in ballot.scores.values()):
            null += weight
            continue
        for candidate, score in ballot.scores.items():
            if score == FOR:
                votes_for[candidate] += weight
            else:
                votes_withhold[candidate] += weight
    rows = []
    ok = []
    for c in cands:
        yes, no = votes_for[c], votes_withhold[c]
        passed = confirmed(yes, no, majority)
        if passed:
            ok.append(c)
        rows.append(
            {
                "candidate": c,
                "for": json_number(yes),
                "withhold": json_number(no),
                "share_for": json_number(yes / (yes + no)) if yes + no else None,
                "confirmed": passed,
            }
        )
    levels = sorted({votes_for[c] for c in ok}, reverse=True)
    tiers = tuple(tuple(sorted(c for c in ok if votes_for[c] == level)) for level in levels)
    lottery = SeededLottery(seed)
    winners = elect_from_tiers(tiers, seats, lottery, "for-withhold")
    return TallyResult(
        method="for-withhold",
        winners=winners,
        ranking=tiers,
        explanation={
            "majority": str(majority),
            "strict": majority == Fraction(1, 2),
            "seats": seats,
            "vacant": seats - len(winners),
            "voters": json_number(voters),
            "null": json_number(null),
            "candidates": rows,
        },
        tie_breaks=tuple(lottery.draws),
    )


def acclamation(candidates: Sequence[str], *, seats: int) -> TallyResult:
    """Every candidate elected without a ballot, allowed only when they are no more than the seats."""
    cands = tuple(candidates)
    if not cands:
        raise ValueError("there must be at least one candidate")
    if len(cands) > seats:
        raise ValueError(f"{len(cands)} candidates for {seats} seats: a ballot is needed")
    return TallyResult(
        method="acclamation",
        winners=cands,
        ranking=(cands,),
        explanation={"seats": seats, "candidates": len(cands), "vacant": seats - len(cands)},
    )
