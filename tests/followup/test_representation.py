"""The arithmetic of "who is heard" (coopgov.domain.governance.representation), without a database."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from coopgov.domain.governance.representation import (
    Act,
    UnderRepresentationRule,
    fold_acts,
    group_participation,
    month_of,
    months_between,
)


def test_months_between_spans_a_year_end_and_includes_both_ends() -> None:
    assert months_between(date(2025, 11, 30), date(2026, 2, 1)) == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
    assert months_between(date(2026, 3, 1), date(2026, 2, 1)) == []
    assert month_of(date(2026, 1, 31)) == "2026-01"


def test_a_college_with_40_percent_of_members_and_15_percent_of_participants_is_flagged() -> None:
    # 40 members in collège A, 60 in B; 3 of A and 17 of B took part: A has 15 % of the participants.
    groups = {p: ["A"] for p in range(40)} | {p: ["B"] for p in range(40, 100)}
    acts = [Act(p, date(2026, 1, 5), "comment") for p in (*range(3), *range(40, 57))]
    figures = group_participation(groups, acts, ["2026-01"])
    rows = {row.group: row for row in figures.rows}
    assert rows["A"].register_share == Fraction(2, 5)
    assert rows["A"].participant_share == Fraction(3, 20)
    assert rows["A"].under_represented
    assert not rows["B"].under_represented
    assert [row.group for row in figures.flagged] == ["A"]
    assert rows["A"].ratio == Fraction(3, 8)


def test_a_group_heard_at_exactly_half_its_weight_is_not_flagged() -> None:
    groups = {p: ["A"] for p in range(50)} | {p: ["B"] for p in range(50, 100)}
    acts = [Act(p, date(2026, 1, 5), "support") for p in (*range(1), *range(50, 53))]
    # A: 1 of 4 participants = 25 %, exactly half of its 50 %: not below the floor.
    assert not {r.group: r for r in group_participation(groups, acts, ["2026-01"]).rows}[
        "A"
    ].under_represented


def test_small_groups_are_never_flagged() -> None:
    groups = {p: ["big"] for p in range(100)} | {p: ["small"] for p in range(100, 105)}
    acts = [Act(p, date(2026, 1, 5), "vote") for p in range(30)]
    rows = {r.group: r for r in group_participation(groups, acts, ["2026-01"]).rows}
    assert rows["small"].participants == 0 and not rows["small"].under_represented
    rule = UnderRepresentationRule(min_size=5)
    assert {r.group: r for r in group_participation(groups, acts, ["2026-01"], rule).rows}[
        "small"
    ].under_represented


def test_months_count_distinct_participants_and_acts_outside_the_period_are_ignored() -> None:
    groups = {1: ["A"], 2: ["A"], 3: ["B"]}
    acts = [
        Act(1, date(2026, 1, 2), "comment"),
        Act(1, date(2026, 1, 9), "comment"),  # the same person twice in January: one participant
        Act(2, date(2026, 2, 1), "proposal"),
        Act(3, date(2025, 12, 31), "support"),  # before the period
        Act(99, date(2026, 1, 3), "support"),  # not in the register of this scope
    ]
    figures = group_participation(groups, acts, ["2026-01", "2026-02"])
    a = {r.group: r for r in figures.rows}["A"]
    assert a.participants_by_month == (1, 1)
    assert a.acts_by_kind == {"comment": 2, "proposal": 1}
    assert a.acts == 3
    assert figures.participants == 2
    assert figures.acts_outside_register == 1
    counted = group_participation(groups, [Act(1, date(2026, 1, 2), "comment", times=5)], ["2026-01"])
    assert {r.group: r for r in counted.rows}["A"].acts_by_kind == {"comment": 5}
    assert {r.group: r for r in figures.rows}["B"].participants == 0


def test_a_person_with_two_profiles_counts_in_both() -> None:
    figures = group_participation(
        {1: ["entrepreneur", "client"], 2: ["client"]}, [Act(1, date(2026, 1, 1), "x")], ["2026-01"]
    )
    rows = {r.group: r for r in figures.rows}
    assert rows["entrepreneur"].participants == rows["client"].participants == 1
    assert rows["client"].size == 2
    assert [r.group for r in figures.rows] == ["client", "entrepreneur"]  # largest first


def test_nobody_took_part_gives_zero_shares_and_flags_every_big_group() -> None:
    figures = group_participation({p: ["A"] for p in range(20)}, [], ["2026-01"])
    assert figures.rows[0].participant_share == 0
    assert figures.rows[0].under_represented


people = st.dictionaries(st.integers(0, 60), st.lists(st.sampled_from("ABCD"), max_size=2), max_size=60)
acts_strategy = st.lists(
    st.builds(
        Act, st.integers(0, 80), st.dates(date(2025, 12, 1), date(2026, 3, 31)), st.sampled_from(["c", "s"])
    ),
    max_size=200,
)


@given(people, acts_strategy)
def test_shares_and_counts_are_consistent_whatever_the_acts(
    groups: dict[int, list[str]], acts: list[Act]
) -> None:
    """Every group's participants are at most its size; the order of the acts does not matter; a group
    with no member has no row."""
    months = months_between(date(2026, 1, 1), date(2026, 3, 1))
    figures = group_participation(groups, acts, months)
    assert figures == group_participation(groups, list(reversed(acts)), months)
    assert figures == group_participation(groups, fold_acts(acts, months), months)
    for row in figures.rows:
        assert 0 <= row.participants <= row.size
        assert max(row.participants_by_month, default=0) <= row.participants
        assert 0 <= row.participant_share <= 1
    assert {r.group for r in figures.rows} == {g for gs in groups.values() for g in gs}
    assert figures.participants <= figures.members


def test_acts_folded_over_other_months_are_refused() -> None:
    import pytest

    folded = fold_acts([Act(1, date(2026, 1, 1), "x")], ["2026-01"])
    with pytest.raises(ValueError, match="other months"):
        group_participation({1: ["A"]}, folded, ["2026-01", "2026-02"])
