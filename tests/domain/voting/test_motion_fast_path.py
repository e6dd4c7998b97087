"""The whole-number fast path of motion counting gives exactly the exact-fraction path's result.

``tally_motion`` counts whole weights as ints (30,000 voters × 10 items must count in seconds); the
reference is the same tally with every weight a Fraction (``number=_as_fraction``). Random profiles mix
whole and fractional weights, grouped ballots, collèges, caps, quorums and every threshold and base.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopgov.domain.voting.motion import (
    THRESHOLDS,
    Base,
    MotionBallot,
    MotionChoice,
    MotionRule,
    _as_fraction,
    _tally_motion,
    apply_cap,
    tally_motion,
)

COLLEGES = ("A", "B", "C")

whole = st.integers(min_value=0, max_value=40).map(Fraction)
fractional = st.fractions(min_value=0, max_value=40, max_denominator=12)
weights = st.one_of(whole, whole, fractional)  # mostly whole, as in a real assembly
shares = st.fractions(min_value=0, max_value=1, max_denominator=20)


@st.composite
def profiles(draw: Any) -> tuple[list[MotionBallot], MotionRule, Any]:
    by_college = draw(st.booleans())
    n = draw(st.integers(min_value=0, max_value=40))
    ballots = [
        MotionBallot(
            voter=f"v{i}",
            choice=draw(st.sampled_from(list(MotionChoice))),
            weight=draw(weights),
            college=draw(st.sampled_from(COLLEGES)) if by_college else None,
            count=draw(st.sampled_from([1, 1, 1, 0, 2, 7])),
        )
        for i in range(n)
    ]
    college_weights = None
    if by_college:
        raw = [draw(st.integers(min_value=1, max_value=9)) for _ in COLLEGES]
        college_weights = {c: Fraction(w, sum(raw)) for c, w in zip(COLLEGES, raw, strict=True)}
    base = draw(st.sampled_from(list(Base)))
    rule = MotionRule(
        threshold=draw(st.sampled_from(list(THRESHOLDS.values()))),
        base=base,
        quorum=draw(shares),
        college_weights=college_weights,
        college_bounds=None,
        cap=draw(st.none() | st.fractions(min_value=Fraction(1, 50), max_value=1, max_denominator=50)),
        college_quorum=draw(st.none() | shares) if by_college else None,
    )
    if by_college:
        electorate: Any = {c: draw(st.integers(min_value=0, max_value=400)) for c in COLLEGES}
    else:
        electorate = draw(st.integers(min_value=0, max_value=400) | fractional)
    return ballots, rule, electorate


def _outcome(ballots: list[MotionBallot], rule: MotionRule, electorate: Any, *, fast: bool) -> Any:
    try:
        if fast:
            result = tally_motion(ballots, rule, electorate=electorate)
        else:
            result = _tally_motion(ballots, rule, electorate, number=_as_fraction)
    except ValueError as error:
        return ("error", str(error))
    # As text, so an int where a float was (or the reverse) would show.
    return json.dumps(result.to_json(), sort_keys=True)


@settings(max_examples=400, deadline=None)
@given(profiles())
def test_the_fast_path_gives_the_exact_paths_result(profile):
    ballots, rule, electorate = profile
    assert _outcome(ballots, rule, electorate, fast=True) == _outcome(ballots, rule, electorate, fast=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=30), shares)
def test_a_whole_weight_is_capped_exactly_when_it_exceeds_the_limit(raw, cap):
    ballots = [MotionBallot(f"v{i}", MotionChoice.YES, Fraction(w)) for i, w in enumerate(raw)]
    rule = MotionRule(cap=cap)
    fast = tally_motion(ballots, rule).explanation["cap"]
    exact = _tally_motion(ballots, rule, None, number=_as_fraction).explanation["cap"]
    assert fast == exact
    limit = cap * sum(raw)
    assert [r["voter"] for r in fast["capped"]] == sorted(f"v{i}" for i, w in enumerate(raw) if w > limit)


@pytest.mark.parametrize(("weight", "capped"), [(3, False), (4, True)])
def test_a_weight_equal_to_a_whole_limit_is_not_capped(weight, capped):
    # 30 votes present, cap 1/10: the limit is exactly 3.
    ballots = [MotionBallot("big", MotionChoice.NO, Fraction(weight))] + [
        MotionBallot(f"v{i}", MotionChoice.YES) for i in range(30 - weight)
    ]
    result = tally_motion(ballots, MotionRule(cap=Fraction(1, 10)))
    assert bool(result.explanation["cap"]["capped"]) is capped
    assert result.explanation["counts"]["no"] == (3 if capped else weight)


def test_apply_cap_still_returns_fractions():
    capped, limit, records = apply_cap({"a": Fraction(5), "b": Fraction(1)}, Fraction(1, 2))
    assert capped == {"a": Fraction(3), "b": Fraction(1)}
    assert all(isinstance(w, Fraction) for w in capped.values())
    assert limit == 3
    assert records == [{"voter": "a", "weight": 5, "counted": 3}]


def test_thirty_thousand_voters_count_the_same_on_both_paths():
    ballots = [
        MotionBallot(
            f"v{i:05}",
            (MotionChoice.YES, MotionChoice.NO, MotionChoice.ABSTAIN)[i % 3],
            Fraction(1 + (i % 17 == 0)) if i % 101 else Fraction(3, 2),
            COLLEGES[i % 3],
        )
        for i in range(30_000)
    ]
    rule = MotionRule(
        threshold=THRESHOLDS["2/3"],
        quorum=Fraction(1, 4),
        college_weights={"A": Fraction(1, 2), "B": Fraction(3, 10), "C": Fraction(1, 5)},
        cap=Fraction(1, 10),
        college_quorum=Fraction(1, 10),
    )
    electorate = {"A": 12_000, "B": 12_000, "C": 12_000}
    assert _outcome(ballots, rule, electorate, fast=True) == _outcome(ballots, rule, electorate, fast=False)
