"""Scottish STV and Meek STV: a worked example, the real Irish and Scottish elections, peers, properties."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pref_voting.profiles_with_ties import ProfileWithTies
from pref_voting.proportional_methods import stv_meek, stv_scottish

from coopgov.domain.formats.preflib import read_preflib
from coopgov.domain.formats.scottish import read_scottish_csv
from coopgov.domain.voting.ranked import irv
from coopgov.domain.voting.ranked_ballots import UNRANKED, RankedBallot, RankedProfile
from coopgov.domain.voting.stv import meek_stv, scottish_stv, stv_preferences


def _profile(groups: list[tuple[int, str]], seats: int | None = None) -> RankedProfile:
    candidates = sorted({c for _, order in groups for c in order})
    ballots = [RankedBallot(tuple((c,) for c in order), float(k)) for k, order in groups]
    return RankedProfile.from_ballots(candidates, ballots, seats=seats)


def _peer(profile: RankedProfile) -> ProfileWithTies:
    """The same ballots as pref_voting's profile with ties (unranked candidates left out)."""
    ids = profile.candidate_ids
    rankings = [{ids[c]: r + 1 for c, r in enumerate(row) if r != UNRANKED} for row in profile.ranks.tolist()]
    return ProfileWithTies(rankings, rcounts=[int(w) for w in profile.weights], candidates=list(ids))


# The classic 20-voter, 3-seat "food" example of STV (ERS and Wikipedia): Oranges, Pears, Chocolate,
# Strawberries, Hamburgers. Droop quota 6; Chocolate's surplus of 6 moves at 0.5.
FOOD = [(4, "O"), (2, "PO"), (8, "CS"), (4, "CH"), (1, "S"), (1, "H")]


def test_the_food_example_elects_chocolate_oranges_and_strawberries_stage_by_stage() -> None:
    result = scottish_stv(_profile(FOOD), 3)
    assert result.winners == ("C", "O", "S")
    ex = result.explanation
    assert ex["quota"] == 6
    stages = ex["stages"]
    assert stages[0]["totals"] == {"O": 4, "P": 2, "C": 12, "S": 1, "H": 1}
    assert stages[1] | {"totals": None} == {
        "stage": 2,
        "action": "surplus",
        "candidate": "C",
        "surplus": 6,
        "transfer_value": 0.5,
        "transfers": {"S": 4, "H": 2},
        "non_transferable": 0,
        "totals": None,
    }
    assert [s.get("candidate") for s in stages[2:]] == ["P", "H"]
    assert stages[-1]["elected_because"].endswith("(rule 52)")
    assert ex["non_transferable"] == 3


def test_meek_elects_the_same_three_in_the_food_example_with_its_keep_factors() -> None:
    result = meek_stv(_profile(FOOD), 3)
    assert set(result.winners) == {"C", "O", "S"}
    first = result.explanation["stages"][0]
    assert first["quota"] == 5  # Meek's quota is votes / (seats + 1), not rounded
    last_keep = result.explanation["stages"][-1]["keep_factors"]
    assert 0 < last_keep["C"] < 0.5


def test_the_seats_come_from_the_profile_when_not_given() -> None:
    assert scottish_stv(_profile(FOOD, seats=3)).winners == ("C", "O", "S")
    with pytest.raises(ValueError, match="number of seats"):
        scottish_stv(_profile(FOOD))


def test_scottish_transfer_values_are_truncated_to_five_decimals() -> None:
    # 7 votes, 1 seat? No: 2 seats, quota ⌊10/3⌋+1 = 4; A has 7, surplus 3, value 3/7 = 0.42857(14…).
    result = scottish_stv(_profile([(7, "AB"), (2, "C"), (1, "D")]), 2)
    surplus = result.explanation["stages"][1]
    assert surplus["transfer_value"] == 0.42857
    assert surplus["transfers"] == {"B": 2.99999}  # 7 × 0.42857, the rest is lost to truncation
    assert result.explanation["lost_to_rounding"] == 0.00001


def test_equal_preferences_end_a_ballot_there() -> None:
    profile = RankedProfile.from_ballots("abc", [["a", ("b", "c")], [("a", "b")]])
    order, weights = stv_preferences(profile)
    assert order.tolist() == [[0, -1, -1]]  # the second ballot ties its first choice: nothing counts
    assert weights.tolist() == [1.0]


def test_a_full_tie_is_settled_by_the_recorded_lottery() -> None:
    profile = _profile([(1, "A"), (1, "B"), (1, "C")])
    winners = {scottish_stv(profile, 1, seed=s).winners for s in range(20)}
    assert len(winners) > 1
    result = scottish_stv(profile, 1, seed=3)
    assert result.tie_breaks and result.tie_breaks[0].context.endswith("tie for exclusion")
    assert scottish_stv(profile, 1, seed=3).to_json() == result.to_json()


IRISH_2002 = {
    "00001-00000001.soi": (4, {"Trevor Sargent", "Jim Glennon", "Sean Ryan", "G.V. Wright"}),  # Dublin North
    "00001-00000002.soi": (3, {"Joe Higgins", "Brian Lenihan", "Joan Burton"}),  # Dublin West
    "00001-00000003.soi": (  # Meath
        5,
        {"Johnny Brady", "John Bruton", "Noel Dempsey", "Damien English", "Mary Wallace"},
    ),
}


@pytest.mark.parametrize("rule", [scottish_stv, meek_stv])
@pytest.mark.parametrize(("name", "expected"), sorted(IRISH_2002.items()))
def test_the_irish_2002_elections_elect_the_public_record_winners(
    shared_data: Path, name: str, expected: tuple[int, set[str]], rule: Any
) -> None:
    """Irish counts sample surplus papers where these rules transfer fractions; on these three
    constituencies the difference decides no seat. PrefLib names carry the party ("Sean Ryan Lab")."""
    seats, winners = expected
    profile = read_preflib(shared_data / "preflib" / "00001 - irish" / name)
    result = rule(profile, seats)
    names = {profile.name_of(w).rsplit(" ", 1)[0] for w in result.winners}
    assert names == winners
    assert result.tie_breaks == ()


def _scottish_files(shared_data: Path) -> list[Path]:
    files = sorted((shared_data / "scot-elex").glob("*/*.csv"))
    assert len(files) == 200
    return files


def test_scottish_stv_counts_all_200_scottish_council_elections(shared_data: Path) -> None:
    """Every real ward reads (as many candidates as its folder says) and fills its seats, and votes are
    conserved: final totals plus non-transferable votes and truncation losses = valid votes."""
    for path in _scottish_files(shared_data):
        profile = read_scottish_csv(path)
        assert profile.is_strict() and f"{profile.n_candidates}_cands" == path.parent.name
        result = scottish_stv(profile)
        assert len(result.winners) == profile.seats, path.name
        ex = result.explanation
        final = ex["stages"][-1]["totals"]
        kept = sum(final.values()) + ex["non_transferable"] + ex["lost_to_rounding"]
        assert kept == pytest.approx(ex["valid_votes"], abs=1e-3), path.name


def test_scottish_stv_elects_the_same_councillors_as_pref_voting_on_a_fixed_sample(shared_data: Path) -> None:
    """Peer: pref_voting's stv_scottish (SSI 2007/42). Every eighth file here (25 wards); the
    benchmark script checks all 200 (identical at the time of writing)."""
    for path in _scottish_files(shared_data)[::8]:
        profile = read_scottish_csv(path)
        ours = scottish_stv(profile)
        theirs = stv_scottish(_peer(profile), num_seats=profile.seats, rng=random.Random(0))
        assert set(ours.winners) == set(theirs), path.name


@pytest.mark.parametrize(("name", "seats"), [("00007-00000022.soi", 2), ("00007-00000035.soi", 2)])
def test_meek_agrees_with_pref_voting_on_small_real_ers_elections(
    shared_data: Path, name: str, seats: int
) -> None:
    """Peer: pref_voting's stv_meek (Hill–Wichmann–Woodall). It needs seconds to minutes on larger
    elections, so the comparison on real data is kept to small ERS files."""
    profile = read_preflib(shared_data / "preflib" / "00007 - ers" / name)
    assert set(meek_stv(profile, seats).winners) == set(stv_meek(_peer(profile), num_seats=seats))


@st.composite
def elections(draw: Any, max_candidates: int = 5, max_ballots: int = 14) -> tuple[RankedProfile, int]:
    """Small elections with truncated strict ballots and weights, and a number of seats."""
    n = draw(st.integers(2, max_candidates))
    ids = [chr(ord("a") + i) for i in range(n)]
    raw = draw(
        st.lists(
            st.tuples(st.permutations(ids), st.integers(1, n), st.integers(1, 6)),
            min_size=1,
            max_size=max_ballots,
        )
    )
    ballots = [RankedBallot(tuple((c,) for c in order[:k]), float(w)) for order, k, w in raw]
    seats = draw(st.integers(1, n - 1))
    return RankedProfile.from_ballots(ids, ballots), seats


@settings(max_examples=120, deadline=None)
@given(elections())
def test_scottish_stv_matches_pref_voting_on_generated_elections(case: tuple[RankedProfile, int]) -> None:
    """Peer: pref_voting's stv_scottish, compared where neither count needs a lottery (ours is
    seeded and recorded, theirs draws from its own generator)."""
    profile, seats = case
    ours = scottish_stv(profile, seats)
    if not ours.tie_breaks:
        theirs = stv_scottish(_peer(profile), num_seats=seats, rng=random.Random(0))
        assert set(ours.winners) == set(theirs)


@settings(max_examples=40, deadline=None)
@given(elections(max_candidates=4, max_ballots=8))
def test_meek_matches_pref_voting_on_generated_elections(case: tuple[RankedProfile, int]) -> None:
    """Peer: pref_voting's stv_meek, compared where our count needs no lottery and no candidate ends
    within a hair of the quota (floating-point tolerances differ by design)."""
    profile, seats = case
    ours = meek_stv(profile, seats)
    if ours.tie_breaks:
        return
    votes = ours.explanation["stages"][-1]["votes"]
    quota = ours.explanation["stages"][-1]["quota"]
    if any(abs(v - quota) < 1e-6 for c, v in votes.items() if c not in ours.winners):
        return
    assert set(ours.winners) == set(stv_meek(_peer(profile), num_seats=seats))


@settings(max_examples=80, deadline=None)
@given(elections(), st.randoms(use_true_random=False))
def test_stv_results_do_not_depend_on_ballot_order(
    case: tuple[RankedProfile, int], rnd: random.Random
) -> None:
    """Shuffling the ballots gives the same winners, stages and lottery draws."""
    profile, seats = case
    ballots = list(profile.ballots())
    rnd.shuffle(ballots)
    shuffled = RankedProfile.from_ballots(profile.candidate_ids, ballots)
    for rule in (scottish_stv, meek_stv):
        assert rule(profile, seats, seed=5).to_json() == rule(shuffled, seats, seed=5).to_json()


@settings(max_examples=80, deadline=None)
@given(elections())
def test_stv_fills_every_seat_and_one_seat_scottish_stv_is_instant_runoff(
    case: tuple[RankedProfile, int],
) -> None:
    """Each rule elects exactly ``seats`` distinct candidates; with one seat, Scottish STV elects the
    instant-runoff winner (same exclusions, and a majority of ballots still counting reaches the quota
    or outlasts everyone)."""
    profile, seats = case
    for rule in (scottish_stv, meek_stv):
        winners = rule(profile, seats).winners
        assert len(winners) == len(set(winners)) == seats
    single = scottish_stv(profile, 1)
    runoff = irv(profile)
    if not single.tie_breaks and not runoff.tie_breaks:
        assert single.winners == runoff.winners


@pytest.mark.parametrize("rule", [scottish_stv, meek_stv])
def test_more_seats_than_candidates_elects_everyone_standing(rule: Any) -> None:
    profile = _profile([(3, "AB"), (1, "B")])
    assert set(rule(profile, 4).winners) == {"A", "B"}


@pytest.mark.parametrize("rule", [scottish_stv, meek_stv])
def test_an_election_without_ballots_fills_its_seats_by_recorded_lottery(rule: Any) -> None:
    profile = RankedProfile.from_ballots("abc", [])
    result = rule(profile, 2)
    assert len(result.winners) == 2
    assert result.tie_breaks
