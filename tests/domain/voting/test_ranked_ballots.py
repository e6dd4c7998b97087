"""The ranked profile: construction, aggregation, rank encoding and the pairwise matrix."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopgov.domain.voting.ranked_ballots import (
    UNRANKED,
    Candidate,
    RankedBallot,
    RankedProfile,
    RankedProfileError,
    dense_ranks,
    pairwise_matrix,
)


def test_identical_ballots_are_aggregated_with_their_weights_summed() -> None:
    profile = RankedProfile.from_ballots(
        "abc", [["a", "b"], ["c"], ["a", "b"], RankedBallot((("a",), ("b",)), 2.5)]
    )
    assert profile.n_rows == 2
    assert profile.total_weight == 5.5
    weights = {b.tiers: b.weight for b in profile.ballots()}
    assert weights == {(("a",), ("b",)): 4.5, (("c",),): 1.0}


def test_a_tier_holds_tied_candidates_and_unranked_candidates_are_marked_unranked() -> None:
    profile = RankedProfile.from_ballots("abcd", [["a", ("b", "c")]])
    assert profile.ranks.tolist() == [[0, 1, 1, UNRANKED]]
    assert not profile.is_strict()
    assert not profile.is_complete()
    assert next(profile.ballots()).tiers == (("a",), ("b", "c"))


def test_ranks_are_renumbered_densely_keeping_ties() -> None:
    assert dense_ranks([[5, 2, 2, UNRANKED]]).tolist() == [[1, 0, 0, UNRANKED]]
    profile = RankedProfile.from_ranks("abc", [[5, 2, 2], [1, 0, 0]])
    assert profile.n_rows == 1
    assert profile.weights.tolist() == [2.0]


def test_candidates_keep_ids_and_names() -> None:
    profile = RankedProfile.from_ballots([Candidate("7", "Ada"), Candidate("9", "Bo")], [["9", "7"]], seats=1)
    assert profile.candidate_ids == ("7", "9")
    assert profile.name_of("9") == "Bo"
    assert profile.seats == 1
    assert profile.with_seats(2).seats == 2


@pytest.mark.parametrize(
    ("ballot", "message"),
    [
        (["a", "z"], "unknown candidate 'z'"),
        (["a", "a"], "ranked twice"),
        (["a", ("b", "a")], "ranked twice"),
    ],
)
def test_a_ballot_naming_an_unknown_or_repeated_candidate_is_refused(ballot: list[str], message: str) -> None:
    with pytest.raises(RankedProfileError, match=message):
        RankedProfile.from_ballots("abc", [ballot])


def test_repeated_candidate_ids_negative_weights_and_bad_shapes_are_refused() -> None:
    with pytest.raises(RankedProfileError, match="unique"):
        RankedProfile.from_ballots(["a", "a"], [])
    with pytest.raises(RankedProfileError, match="non-negative"):
        RankedProfile.from_ranks("ab", [[0, 1]], [-1.0])
    with pytest.raises(RankedProfileError, match="one column per candidate"):
        RankedProfile.from_ranks("abc", [[0, 1]])
    with pytest.raises(RankedProfileError, match="seats"):
        RankedProfile.from_ballots("ab", [], seats=0)


def test_the_arrays_are_read_only() -> None:
    profile = RankedProfile.from_ballots("ab", [["a", "b"]])
    with pytest.raises(ValueError, match="read-only"):
        profile.ranks[0, 0] = 1


def test_pairwise_matrix_counts_unranked_candidates_below_ranked_ones() -> None:
    profile = RankedProfile.from_ballots("abc", [["a"], ["b", "a"], ["c", ("a", "b")]])
    d = pairwise_matrix(profile)
    # a ≻ c on the first two ballots (c unranked there); a and b are tied on the third.
    assert d.tolist() == [[0, 1, 2], [1, 0, 1], [1, 1, 0]]


def test_preference_lists_give_each_ballot_in_order_with_tiers() -> None:
    profile = RankedProfile.from_ballots("abc", [["c", ("a", "b")]])
    order, tier = profile.preference_lists()
    assert order[0, 0] == 2 and set(order[0, 1:].tolist()) == {0, 1}
    assert tier.tolist() == [[0, 1, 1]]


ballots_strategy = st.lists(
    st.tuples(st.permutations(["a", "b", "c", "d"]), st.integers(0, 4), st.integers(1, 3)), max_size=25
)


@settings(max_examples=60, deadline=None)
@given(ballots_strategy)
def test_profile_survives_a_round_trip_through_readable_ballots(
    raw: list[tuple[list[str], int, int]],
) -> None:
    """Writing the profile out as tiers and building it again gives the same rows and weights."""
    ballots = [RankedBallot(tuple((c,) for c in order[:k]), float(w)) for order, k, w in raw]
    profile = RankedProfile.from_ballots("abcd", ballots)
    again = RankedProfile.from_ballots("abcd", list(profile.ballots()))
    assert np.array_equal(profile.ranks, again.ranks)
    assert np.array_equal(profile.weights, again.weights)
    assert profile.total_weight == sum(w for _, _, w in raw)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(0, 3), min_size=6, max_size=6), min_size=1, max_size=30))
def test_aggregation_does_not_depend_on_row_order(rows: list[list[int]]) -> None:
    """Aggregated rows come out in a canonical order, so shuffling the input changes nothing."""
    a = RankedProfile.from_ranks("abcdef", rows)
    b = RankedProfile.from_ranks("abcdef", rows[::-1])
    assert np.array_equal(a.ranks, b.ranks)
    assert np.array_equal(a.weights, b.weights)


def test_many_candidates_aggregate_through_the_row_path() -> None:
    """Over 15 candidates a row no longer packs into one integer: aggregation still merges duplicates."""
    ids = [str(i) for i in range(20)]
    rows = np.tile(np.arange(20), (3, 1))
    profile = RankedProfile.from_ranks(ids, rows)
    assert profile.n_rows == 1
    assert profile.weights.tolist() == [3.0]
