"""Majority judgment: every voter grades every candidate; the best majority grade wins."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cmp_to_key
from typing import Any

from coopgov.domain.voting.numbers import json_number, to_fraction
from coopgov.domain.voting.result import TallyResult
from coopgov.domain.voting.ties import SeededLottery, elect_from_tiers


@dataclass(frozen=True)
class GradeBallot:
    """One voter's grades, candidate → grade name; a candidate left out gets the lowest grade."""

    grades: Mapping[str, str] = field(default_factory=dict)
    weight: Fraction = Fraction(1)


@dataclass(frozen=True)
class MeritProfile:
    """A candidate's grade distribution as whole counts, worst grade first (index 0), over ``total``
    voters. Counts are integers so the majority value is exact; see :func:`_integer_profiles`."""

    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)

    def cumulative(self) -> list[int]:
        out, running = [], 0
        for c in self.counts:
            running += c
            out.append(running)
        return out

    def grade_at(self, position: int) -> int:
        """The grade (index, worst = 0) of the ballot at 1-based ``position`` in ascending order."""
        return bisect_left(self.cumulative(), position)

    def majority_grade(self) -> int:
        """The lower median grade (Balinski & Laraki's majority grade)."""
        return self.grade_at((self.total + 1) // 2)


def compare_majority_values(a: MeritProfile, b: MeritProfile) -> int:
    """Compare two candidates by Balinski & Laraki's majority value: 1 if ``a`` ranks above ``b``, -1
    below, 0 when their majority values are equal. Both profiles must count the same number of voters.

    The majority value is the sequence of majority grades obtained by removing, one at a time, a ballot
    at the majority (lower median) grade; candidates are ranked lexicographically by it (Balinski &
    Laraki, *Majority Judgment*, MIT Press 2011, ch. 12). In sorted order the removed positions go
    m, m−1, m+1, m−2, m+2… for an odd number of voters and m, m+1, m−1, m+2, m−2… for an even one
    (m the lower median), so the comparison only needs the grades at those positions; it jumps between
    the positions where a grade changes, so it costs O(grades), whatever the number of voters.
    """
    n = a.total
    if b.total != n:
        raise ValueError("majority values compare candidates graded by the same number of voters")
    if n == 0:
        return 0
    m = (n + 1) // 2
    ca, cb = a.cumulative(), b.cumulative()

    def grade(cum: list[int], position: int) -> int:
        return bisect_left(cum, position)

    first = grade(ca, m) - grade(cb, m)
    if first:
        return 1 if first > 0 else -1
    # Distances j at which a grade may change on either side, for either candidate.
    steps = {1}
    for cum in (ca, cb):
        for boundary in cum:
            steps.add(m - boundary)  # lower side: position m - j reaches a boundary
            steps.add(boundary + 1 - m)  # upper side: position m + j passes a boundary
    lower_first = n % 2 == 1
    for j in sorted(s for s in steps if s >= 1):
        lower_ok, upper_ok = m - j >= 1, m + j <= n
        if not lower_ok and not upper_ok:
            break
        sides = ("lower", "upper") if lower_first else ("upper", "lower")
        for side in sides:
            if side == "lower" and lower_ok:
                diff = grade(ca, m - j) - grade(cb, m - j)
            elif side == "upper" and upper_ok:
                diff = grade(ca, m + j) - grade(cb, m + j)
            else:
                continue
            if diff:
                return 1 if diff > 0 else -1
    return 0


def _integer_profiles(
    grades: Sequence[str], profiles: Mapping[str, Sequence[Fraction | int]]
) -> dict[str, MeritProfile]:
    """Scale grade masses (best first, as published) to whole counts over one common total, worst first.

    Ballot counts pass through unchanged. Weighted or percentage profiles (a poll's 16.3 %) are first
    normalised to shares of each candidate's own total (polls' rows do not all sum to exactly 100), then
    multiplied by the least common denominator, so the majority value stays exact.
    """
    masses: dict[str, list[Fraction]] = {}
    for candidate, row in profiles.items():
        if len(row) != len(grades):
            raise ValueError(f"candidate {candidate!r} has {len(row)} grade counts for {len(grades)} grades")
        values = [to_fraction(v, what=f"count of {candidate!r}") for v in row]
        if any(v < 0 for v in values):
            raise ValueError(f"candidate {candidate!r} has a negative grade count")
        masses[candidate] = list(reversed(values))
    totals = {c: sum(v, Fraction(0)) for c, v in masses.items()}
    if len(set(totals.values())) <= 1 and all(x.denominator == 1 for v in masses.values() for x in v):
        return {c: MeritProfile(tuple(int(x) for x in v)) for c, v in masses.items()}
    shares = {c: [x / totals[c] if totals[c] else Fraction(0) for x in v] for c, v in masses.items()}
    scale = math.lcm(*(x.denominator for v in shares.values() for x in v))
    return {c: MeritProfile(tuple(int(x * scale) for x in v)) for c, v in shares.items()}


def majority_judgment_from_profiles(
    grades: Sequence[str],
    profiles: Mapping[str, Sequence[Fraction | int]],
    *,
    seats: int = 1,
    seed: int | str = 0,
) -> TallyResult:
    """Rank candidates from their merit profiles (grade counts or percentages, best grade first).

    Rule: majority judgment, Balinski & Laraki, "A theory of measuring, electing, and ranking", *PNAS*
    104 (2007) 8720–8725, and *Majority Judgment* (MIT Press, 2011): the majority grade is the lower
    median; ties are broken lexicographically by the majority value (see
    :func:`compare_majority_values`). Candidates whose majority values are equal share a tier; the
    seeded lottery orders them only where a seat depends on it. The explanation gives, per candidate, the
    grade distribution, the majority grade and the majority gauge (shares above and below it).
    """
    if len(set(grades)) != len(grades) or len(grades) < 2:
        raise ValueError("grades must be at least two distinct names, best first")
    if not profiles:
        raise ValueError("there must be at least one candidate")
    if not 1 <= seats <= len(profiles):
        raise ValueError(f"{seats} seats for {len(profiles)} candidates")
    ints = _integer_profiles(grades, profiles)
    worst_first = list(reversed(grades))

    def cmp(x: str, y: str) -> int:
        return compare_majority_values(ints[x], ints[y])

    ordered = sorted(sorted(ints), key=cmp_to_key(cmp), reverse=True)
    tiers: list[list[str]] = []
    for candidate in ordered:
        if tiers and cmp(tiers[-1][0], candidate) == 0:
            tiers[-1].append(candidate)
        else:
            tiers.append([candidate])
    ranking = tuple(tuple(sorted(t)) for t in tiers)
    lottery = SeededLottery(seed)
    winners = elect_from_tiers(ranking, seats, lottery, "majority-judgment")

    details: dict[str, Any] = {}
    for candidate in ordered:
        profile = ints[candidate]
        total = profile.total
        mg = profile.majority_grade()
        above = sum(profile.counts[mg + 1 :])
        below = sum(profile.counts[:mg])
        original = [to_fraction(v) for v in profiles[candidate]]
        details[candidate] = {
            "majority_grade": worst_first[mg],
            "distribution": {g: json_number(v) for g, v in zip(grades, original, strict=True)},
            "shares": {
                worst_first[i]: json_number(Fraction(count, total)) if total else None
                for i, count in reversed(list(enumerate(profile.counts)))
            },
            "above_majority_grade": json_number(Fraction(above, total)) if total else None,
            "below_majority_grade": json_number(Fraction(below, total)) if total else None,
            "gauge_sign": "+" if above > below else "-",
        }
    explanation: dict[str, Any] = {
        "grades": list(grades),
        "candidates": details,
        "seats": seats,
        "tie_breaking": "lexicographic majority value (Balinski & Laraki 2011)",
    }
    return TallyResult(
        method="majority-judgment",
        winners=winners,
        ranking=ranking,
        explanation=explanation,
        tie_breaks=tuple(lottery.draws),
    )


def merit_profiles(
    candidates: Sequence[str], grades: Sequence[str], ballots: Iterable[GradeBallot]
) -> tuple[dict[str, list[Fraction]], Fraction]:
    """Count ballots into merit profiles (per candidate, weight per grade, best grade first).

    A candidate left off a ballot gets the lowest grade ("à rejeter"): majority judgment asks every voter
    to grade every candidate, and an ungraded candidate has earned no support. Returns the profiles and
    the weight of null ballots (unknown candidate or grade), which are left out.
    """
    index = {g: i for i, g in enumerate(grades)}
    known = set(candidates)
    worst = len(grades) - 1
    profiles = {c: [Fraction(0)] * len(grades) for c in candidates}
    null = Fraction(0)
    for ballot in ballots:
        if not set(ballot.grades) <= known or any(g not in index for g in ballot.grades.values()):
            null += ballot.weight
            continue
        for c in candidates:
            grade = ballot.grades.get(c)
            profiles[c][index[grade] if grade is not None else worst] += ballot.weight
    return profiles, null


def majority_judgment(
    candidates: Sequence[str],
    grades: Sequence[str],
    ballots: Iterable[GradeBallot],
    *,
    seats: int = 1,
    seed: int | str = 0,
) -> TallyResult:
    """Majority judgment from individual ballots (see :func:`majority_judgment_from_profiles`).

    Rule: Balinski & Laraki (2007, 2011). Grades are listed best first ("Excellent" … "À rejeter"); a
    ballot naming an unknown candidate or grade is null and reported.
    """
    if len(set(candidates)) != len(candidates):
        raise ValueError("candidate identifiers must be unique")
    profiles, null = merit_profiles(candidates, grades, ballots)
    result = majority_judgment_from_profiles(grades, profiles, seats=seats, seed=seed)
    explanation = dict(result.explanation)
    explanation["null"] = json_number(null)
    explanation["voters"] = json_number(sum(profiles[candidates[0]], Fraction(0))) if candidates else 0
    return TallyResult(
        method=result.method,
        winners=result.winners,
        ranking=result.ranking,
        explanation=explanation,
        tie_breaks=result.tie_breaks,
    )
