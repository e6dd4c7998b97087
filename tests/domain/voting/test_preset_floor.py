"""A cooperative's own preset against the law's floor: statutes may ask more than the law, never less."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopgov.domain.voting.motion import (
    ABSOLUTE,
    PRESETS,
    SIMPLE,
    THREE_QUARTERS,
    THRESHOLDS,
    TWO_THIRDS,
    Base,
    MeetingPreset,
    MotionBallot,
    MotionChoice,
    Weakness,
    rule_from_meeting_preset,
    rule_from_preset,
    tally_motion,
    weaknesses,
)

AGE = PRESETS["fr-scic-sa-age"]  # 1/4 then 1/5, two thirds of votes cast
STATUTES = PRESETS["be-sc-statutes"]  # 1/2 then none, three quarters of votes cast


def test_a_preset_equal_to_its_floor_asks_no_less():
    assert weaknesses(AGE, AGE) == []


def test_higher_quorums_and_majority_are_allowed():
    stricter = replace(
        AGE, quorum_first=Fraction(1, 3), quorum_second=Fraction(1, 4), threshold=THREE_QUARTERS
    )
    assert weaknesses(stricter, AGE) == []


def test_a_lower_quorum_on_either_convocation_is_named_with_both_values():
    weaker = replace(AGE, quorum_first=Fraction(1, 10), quorum_second=Fraction(0))
    assert weaknesses(weaker, AGE) == [
        Weakness("quorum_first", "1/10", "1/4"),
        Weakness("quorum_second", "0", "1/5"),
    ]


def test_a_lower_majority_is_named():
    assert weaknesses(replace(STATUTES, threshold=TWO_THIRDS), STATUTES) == [
        Weakness("threshold", "2/3", "3/4")
    ]


def test_a_simple_majority_is_the_absolute_majority_of_votes_cast():
    """yes > no ⟺ yes > (yes + no) / 2: the two ask the same on the votes cast."""
    ordinary = PRESETS["be-sc-ordinary"]  # absolute majority of votes cast
    assert weaknesses(replace(ordinary, threshold=SIMPLE), ordinary) == []
    assert weaknesses(ordinary, replace(ordinary, threshold=SIMPLE)) == []
    # …but not of the ballots handed in, where abstentions weigh against.
    with_abstentions = replace(ordinary, base=Base.CAST_WITH_ABSTENTIONS)
    assert weaknesses(replace(ordinary, threshold=SIMPLE), with_abstentions) == [
        Weakness("base", "cast", "cast-with-abstentions")
    ]


def test_a_wider_base_asks_more_and_a_narrower_one_less():
    assert weaknesses(replace(AGE, base=Base.ELECTORATE), AGE) == []
    floor = replace(AGE, base=Base.CAST_WITH_ABSTENTIONS)
    assert weaknesses(AGE, floor) == [Weakness("base", "cast", "cast-with-abstentions")]


def test_at_least_half_asks_less_than_more_than_half():
    at_least_half = replace(ABSOLUTE, name="1/2-at-least", strict=False)
    assert weaknesses(replace(AGE, threshold=at_least_half), replace(AGE, threshold=ABSOLUTE)) == [
        Weakness("threshold", "1/2-at-least", "absolute")
    ]


def test_an_own_preset_gives_the_rule_of_the_convocation_held():
    own = replace(AGE, name="smart-statutes", quorum_first=Fraction(1, 3), quorum_second=Fraction(1, 4))
    first = rule_from_meeting_preset(own, convocation=1)
    second = rule_from_meeting_preset(own, convocation=2)
    assert (first.quorum, second.quorum, first.threshold, first.name) == (
        Fraction(1, 3),
        Fraction(1, 4),
        TWO_THIRDS,
        "smart-statutes (convocation 1)",
    )
    assert rule_from_preset("fr-scic-sa-age", convocation=2) == rule_from_meeting_preset(AGE, convocation=2)
    with pytest.raises(ValueError, match="convocation must be 1 or 2"):
        rule_from_meeting_preset(own, convocation=3)


# The shares statutes and the law write (and the boundaries between them), cheap to draw.
shares = st.sampled_from(
    [
        Fraction(0),
        *(Fraction(n, d) for n, d in ((1, 10), (1, 5), (1, 4), (1, 3), (1, 2), (2, 3), (3, 4), (4, 5))),
        Fraction(1),
    ]
)
presets = st.builds(
    MeetingPreset,
    name=st.just("p"),
    description=st.just(""),
    quorum_first=shares,
    quorum_second=shares,
    threshold=st.sampled_from(list(THRESHOLDS.values())),
    base=st.sampled_from(list(Base)),
    source=st.just(""),
)
counts = st.tuples(*(st.integers(min_value=0, max_value=12) for _ in range(3)), st.integers(0, 12))


@given(presets, presets, counts, st.sampled_from([1, 2]))
def test_a_preset_with_no_weakness_adopts_only_what_its_floor_adopts(own, floor, count, convocation):
    """Soundness of the comparison: whenever ``weaknesses`` finds nothing, every count the own preset
    adopts (quorum and majority) is adopted by the floor as well, on either convocation."""
    yes, no, abstain, absent = count
    ballots = [
        MotionBallot(f"{choice}-{i}", choice)
        for choice, n in ((MotionChoice.YES, yes), (MotionChoice.NO, no), (MotionChoice.ABSTAIN, abstain))
        for i in range(n)
    ]
    electorate = yes + no + abstain + absent
    if electorate == 0:
        return
    if weaknesses(own, floor):
        return
    own_result = tally_motion(
        ballots, rule_from_meeting_preset(own, convocation=convocation), electorate=electorate
    )
    floor_result = tally_motion(
        ballots, rule_from_meeting_preset(floor, convocation=convocation), electorate=electorate
    )
    assert not own_result.adopted or floor_result.adopted
