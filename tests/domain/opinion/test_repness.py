"""Representative statements, consensus and group-informed consensus: Polis's formulas on worked examples."""

from __future__ import annotations

import math

import numpy as np
import pytest

from coopgov.domain.opinion.repness import (
    group_informed_consensus,
    prop_test,
    select_consensus,
    select_divisive,
    select_representative,
    two_prop_test,
)

STATEMENTS = np.array([10, 11, 12])
# Two groups of 10 participants who all saw the three statements (rows: groups; columns: statements).
# Statement 10 splits them (8 vs 2 agree), 11 unites them (9 and 9 agree), 12 is disliked by group 1.
AGREE = np.array([[8.0, 9.0, 5.0], [2.0, 9.0, 1.0]])
DISAGREE = np.array([[1.0, 1.0, 4.0], [6.0, 0.0, 9.0]])
SEEN = np.array([[10.0, 10.0, 10.0], [10.0, 10.0, 10.0]])


def test_the_one_proportion_test_is_polis_formula_with_its_plus_one_prior():
    # 2·√(n+1)·((s+1)/(n+1) − ½) with s = 8, n = 10 (stats.clj, prop-test).
    assert prop_test(np.array([8.0]), np.array([10.0]))[0] == pytest.approx(
        2 * math.sqrt(11) * (9 / 11 - 0.5)
    )


def test_the_two_proportion_test_worked_by_hand():
    # (9/11 − 3/11) / √(p̂(1−p̂)(1/11 + 1/11)) with p̂ = 12/22 (stats.clj, two-prop-test).
    pooled = 12 / 22
    expected = (9 / 11 - 3 / 11) / math.sqrt(pooled * (1 - pooled) * (2 / 11))
    got = two_prop_test(np.array([8.0]), np.array([2.0]), np.array([10.0]), np.array([10.0]))[0]
    assert got == pytest.approx(expected) and got == pytest.approx(2.5690, abs=1e-4)


def test_the_two_proportion_test_is_zero_when_everyone_agrees():
    assert two_prop_test(np.array([5.0]), np.array([5.0]), np.array([4.0]), np.array([4.0]))[0] == 0.0


def test_a_statement_that_splits_the_groups_represents_the_group_that_agrees():
    group0, group1 = select_representative(STATEMENTS, AGREE, DISAGREE, SEEN)
    first = group0[0]
    assert first.statement == 10 and first.direction == "agree"
    # pa = 9/12, rest = 3/12: repness 3.0 (repness.clj, add-comparitive-stats).
    assert first.p_success == pytest.approx(0.75) and first.repness == pytest.approx(3.0)
    assert first.repness_test == pytest.approx(2.5690, abs=1e-4)
    # Group 1 is set apart by disagreeing with 12 (6/10 disagreeing with 10 is not significant: the
    # group's own test is 2·√11·(7/11 − ½) = 0.90); Polis also shows first the statement the group agrees
    # with best (11, repness.clj beats-best-agr?), even though everyone agrees with it.
    assert [(r.statement, r.direction, r.best_agree) for r in group1] == [
        (11, "agree", True),
        (12, "disagree", False),
    ]
    assert [r.statement for r in group0] == [10]


def test_agreements_come_before_disagreements_and_at_most_five_are_kept():
    rng = np.random.default_rng(3)
    seen = np.full((2, 40), 30.0)
    agree = rng.integers(0, 30, size=(2, 40)).astype(float)
    disagree = np.minimum(30 - agree, rng.integers(0, 30, size=(2, 40))).astype(float)
    for reps in select_representative(np.arange(40), agree, disagree, seen):
        assert 1 <= len(reps) <= 5
        directions = [r.direction for r in reps]
        assert directions == sorted(directions)  # "agree" < "disagree"


def test_a_group_with_no_significant_statement_still_gets_its_best_one():
    agree = np.array([[3.0, 2.0], [3.0, 2.0]])
    seen = np.array([[6.0, 6.0], [6.0, 6.0]])
    reps = select_representative(np.array([1, 2]), agree, 6 - agree - 1, seen)
    assert all(len(r) == 1 for r in reps)


def test_moderated_out_statements_are_never_representative():
    reps = select_representative(STATEMENTS, AGREE, DISAGREE, SEEN, excluded=frozenset({10}))
    assert all(r.statement != 10 for group in reps for r in group)


def test_consensus_needs_more_than_half_and_significance():
    agree, disagree, seen = AGREE.sum(axis=0), DISAGREE.sum(axis=0), SEEN.sum(axis=0)
    result = select_consensus(STATEMENTS, agree, disagree, seen)
    # 11: 18 of 20 agree, p = 19/22, z = 2·√21·(19/21 − ½).
    assert [c.statement for c in result["agree"]] == [11]
    assert result["agree"][0].p_test == pytest.approx(2 * math.sqrt(21) * (19 / 21 - 0.5))
    # 10 is split 10/7 and is neither; 12 is disagreed by 13 of 20 (p = 14/22 > ½, z = 1.309 > 1.2816).
    assert [c.statement for c in result["disagree"]] == [12]


def test_group_informed_consensus_is_the_product_of_group_agreement():
    gac_agree, gac_disagree = group_informed_consensus(AGREE, DISAGREE, SEEN)
    assert gac_agree[0] == pytest.approx((9 / 12) * (3 / 12))
    assert gac_agree[1] == pytest.approx((10 / 12) ** 2)
    assert gac_disagree[2] == pytest.approx((5 / 12) * (10 / 12))
    # A statement both groups agree with ranks above one that only one group likes.
    assert gac_agree.argmax() == 1


def test_divisive_statements_are_those_with_the_widest_significant_gap():
    result = select_divisive(STATEMENTS, AGREE, SEEN)
    # 10: 9/12 vs 3/12 (gap ½); 12: 6/12 vs 2/12 (gap ⅓, z = 1.77); 11 has no gap.
    assert [d.statement for d in result] == [10, 12]
    assert result[0].most_agreeing_group == 0 and result[0].gap == pytest.approx(0.5)
