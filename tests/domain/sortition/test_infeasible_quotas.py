"""Quotas no panel can meet: a clear error naming the quotas in conflict, never a solver traceback."""

from __future__ import annotations

import pytest

from coopgov.domain.sortition import InfeasibleQuotasError, Person, Quota, SortitionError, select_panel


def _pool() -> list[Person]:
    people = []
    for i in range(10):
        people.append(Person(f"f{i}", {"gender": "female", "age": "old" if i < 8 else "young"}))
        people.append(Person(f"m{i}", {"gender": "male", "age": "young" if i < 8 else "old"}))
    return people


def test_minimums_adding_up_to_more_than_the_panel_are_named() -> None:
    quotas = [Quota("gender", "female", 3, 5), Quota("gender", "male", 3, 5), Quota("age", "old", 0, 6)]
    quotas.append(Quota("age", "young", 0, 6))
    with pytest.raises(InfeasibleQuotasError) as caught:
        select_panel(_pool(), quotas, 5, seed=1)
    assert "minimums of gender" in str(caught.value) and "more than the panel size 5" in str(caught.value)
    assert caught.value.conflicts == ("gender=female", "gender=male")


def test_a_maximum_below_its_minimum_is_named() -> None:
    quotas = [Quota("gender", "female", 3, 2), Quota("gender", "male", 0, 5)]
    with pytest.raises(InfeasibleQuotasError, match="gender=female has max 2 below min 3"):
        select_panel(_pool(), quotas, 4, seed=1)


def test_a_pool_too_small_for_a_minimum_is_named() -> None:
    quotas = [Quota("age", "young", 0, 9), Quota("age", "old", 0, 9), Quota("gender", "female", 0, 9)]
    quotas += [Quota("gender", "male", 0, 9)]
    pool = [p for p in _pool() if p.features["gender"] == "male"]
    quotas[2] = Quota("gender", "female", 1, 9)
    with pytest.raises(InfeasibleQuotasError, match="gender=female needs at least 1 but the pool has only 0"):
        select_panel(pool, quotas, 4, seed=1)


def test_quotas_conflicting_across_features_are_found_by_the_relaxation() -> None:
    """Each feature alone is satisfiable; together they are not: 3 young women are needed, there are 2."""
    quotas = [
        Quota("gender", "female", 4, 4),
        Quota("gender", "male", 0, 4),
        Quota("age", "young", 3, 4),
        Quota("age", "old", 0, 1),
    ]
    with pytest.raises(InfeasibleQuotasError) as caught:
        select_panel(_pool(), quotas, 4, seed=1)
    message = str(caught.value)
    assert "cannot all be met by a panel of 4" in message
    assert caught.value.relaxations
    assert sum(abs(r.feasible - r.current) for r in caught.value.relaxations) == 1
    assert set(caught.value.conflicts) <= {"gender=female", "age=young", "age=old", "gender=male"}
    assert "Traceback" not in message


def test_a_panel_larger_than_the_pool_is_refused() -> None:
    quotas = [Quota("gender", "female", 0, 30), Quota("gender", "male", 0, 30)]
    with pytest.raises(InfeasibleQuotasError, match="fewer than the panel size 25"):
        select_panel(_pool(), quotas, 25, seed=1)


def test_a_member_with_a_value_without_quota_is_refused() -> None:
    quotas = [Quota("gender", "female", 0, 5)]
    with pytest.raises(SortitionError, match="has gender='male', which has no quota"):
        select_panel(_pool(), quotas, 4, seed=1)


def test_an_unknown_algorithm_is_refused() -> None:
    with pytest.raises(SortitionError, match="unknown algorithm 'nash'"):
        select_panel(_pool(), [Quota("gender", "female", 0, 5)], 4, seed=1, algorithm="nash")
