"""Schulze, ranked pairs and instant-runoff: published examples, real elections, properties, peers."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pref_voting.iterative_methods import instant_runoff
from pref_voting.margin_based_methods import beat_path
from pref_voting.margin_based_methods import ranked_pairs as pv_ranked_pairs
from pref_voting.profiles_with_ties import ProfileWithTies

from coopgov.domain.formats.preflib import read_preflib
from coopgov.domain.voting.ranked import irv, ranked_pairs, schulze
from coopgov.domain.voting.ranked_ballots import UNRANKED, RankedBallot, RankedProfile


def _profile(groups: list[tuple[int, str]]) -> RankedProfile:
    """Ballots written as (count, "ACBED")."""
    candidates = sorted({c for _, order in groups for c in order})
    return RankedProfile.from_ballots(
        candidates, [RankedBallot(tuple((c,) for c in order), float(k)) for k, order in groups]
    )


def _peer(profile: RankedProfile) -> ProfileWithTies:
    """The same ballots as pref_voting's profile with ties (unranked candidates left out)."""
    ids = profile.candidate_ids
    rankings = [{ids[c]: r + 1 for c, r in enumerate(row) if r != UNRANKED} for row in profile.ranks.tolist()]
    return ProfileWithTies(rankings, rcounts=[int(w) for w in profile.weights], candidates=list(ids))


# Schulze 2011, §3.5 example (also the Wikipedia "Schulze method" example): 45 voters, 5 candidates.
SCHULZE_EXAMPLE = [
    (5, "ACBED"),
    (5, "ADECB"),
    (8, "BEDAC"),
    (3, "CABED"),
    (7, "CAEBD"),
    (2, "CBADE"),
    (7, "DCEBA"),
    (8, "EBADC"),
]

# The "Tennessee capital" example: Memphis 42 %, Nashville 26 %, Chattanooga 15 %, Knoxville 17 %.
TENNESSEE = [(42, "MNCK"), (26, "NCKM"), (15, "CKNM"), (17, "KCNM")]


def test_schulze_elects_e_with_the_published_strongest_paths() -> None:
    result = schulze(_profile(SCHULZE_EXAMPLE))
    assert result.winners == ("E",)
    assert result.ranking == (("E",), ("A",), ("C",), ("B",), ("D",))
    paths = result.explanation["strongest_paths"]
    assert paths["A"] == {"B": 28, "C": 28, "D": 30, "E": 24}
    assert paths["E"] == {"A": 25, "B": 28, "C": 28, "D": 31}
    assert result.explanation["pairwise"]["A"]["B"] == 20
    assert result.tie_breaks == ()


def test_nashville_wins_by_schulze_and_ranked_pairs_but_knoxville_by_instant_runoff() -> None:
    profile = _profile(TENNESSEE)
    assert schulze(profile).winners == ("N",)
    pairs = ranked_pairs(profile)
    assert pairs.winners == ("N",)
    assert pairs.ranking == (("N",), ("C",), ("K",), ("M",))
    runoff = irv(profile)
    assert runoff.winners == ("K",)
    assert [r.get("eliminated") for r in runoff.explanation["rounds"]] == ["C", "N", None]
    assert runoff.explanation["rounds"][-1]["votes"] == {"M": 42, "K": 58}


def test_ranked_pairs_skips_the_pair_that_would_close_a_cycle() -> None:
    # A>B by 3, B>C by 5, C>A by 1: lock B>C, then A>B, then skip C>A.
    profile = _profile([(4, "ABC"), (3, "BCA"), (2, "CAB")])
    result = ranked_pairs(profile)
    steps = {tuple(s["pair"]): s["locked"] for s in result.explanation["pairs"]}
    assert steps == {("B", "C"): True, ("A", "B"): True, ("C", "A"): False}
    assert result.winners == ("A",)


def test_a_tie_is_settled_by_the_seeded_lottery_and_recorded() -> None:
    profile = _profile([(1, "AB"), (1, "BA")])
    results = [schulze(profile, seed=s) for s in range(30)]
    assert {r.winners for r in results} == {("A",), ("B",)}
    for r in results:
        assert r.ranking == (("A", "B"),)
        assert len(r.tie_breaks) == 1 and r.tie_breaks[0].tied == ("A", "B")
        assert r.tie_breaks[0].order[0] == r.winners[0]
    assert schulze(profile, seed=7).to_json() == schulze(profile, seed=7).to_json()


def test_instant_runoff_breaks_a_tie_for_last_place_by_lottery() -> None:
    profile = _profile([(3, "ABC"), (2, "BAC"), (2, "CAB")])
    result = irv(profile, seed=1)
    assert result.tie_breaks[0].tied == ("B", "C")
    assert result.explanation["rounds"][0]["eliminated"] == result.tie_breaks[0].order[0]


def test_instant_runoff_counts_majorities_of_ballots_still_counting() -> None:
    # After C goes, 3 of the 5 ballots still counting are for A: a majority, though not of all 6.
    profile = _profile([(3, "A"), (2, "B"), (1, "C")])
    result = irv(profile)
    assert result.winners == ("A",)
    assert result.explanation["rounds"][1]["exhausted"] == 1


DEBIAN_LEADERS = {
    "00002-00000001.toc": "Bdale Garbee",  # 2002
    "00002-00000003.toc": "Branden Robinson",  # 2005
    "00002-00000005.toc": "Sam Hocevar",  # 2007
    "00002-00000006.toc": "Stefano Zacchiroli",  # 2010
    "00002-00000007.toc": "Stefano Zacchiroli",  # 2012
}


@pytest.mark.parametrize(("name", "leader"), sorted(DEBIAN_LEADERS.items()))
def test_schulze_elects_the_real_debian_project_leader(shared_data: Path, name: str, leader: str) -> None:
    profile = read_preflib(shared_data / "preflib" / "00002 - debian" / name)
    result = schulze(profile)
    assert [profile.name_of(w) for w in result.winners] == [leader]
    assert result.tie_breaks == ()


def test_schulze_and_ranked_pairs_agree_with_pref_voting_on_every_debian_and_ers_file(
    shared_data: Path,
) -> None:
    """Peer: pref_voting's beat_path and ranked_pairs (margins). 2003 and 2006 have mislabelled
    candidates (data README), so they serve here only to compare implementations."""
    files = sorted((shared_data / "preflib" / "00002 - debian").glob("*.toc"))
    files += sorted((shared_data / "preflib" / "00007 - ers").glob("*.toc"))
    assert len(files) > 40
    for path in files:
        profile = read_preflib(path)
        peer = _peer(profile)
        ours = schulze(profile, strength="margin")
        assert set(ours.explanation["unbeaten"]) == set(beat_path(peer)), path.name
        assert ranked_pairs(profile).winners[0] in set(pv_ranked_pairs(peer)), path.name


def strict_profiles(max_candidates: int = 5, max_voters: int = 12) -> st.SearchStrategy[RankedProfile]:
    """Elections with complete strict ballots, as hypothesis draws them."""

    @st.composite
    def build(draw: Any) -> RankedProfile:
        n = draw(st.integers(2, max_candidates))
        ids = [chr(ord("a") + i) for i in range(n)]
        ballots = draw(st.lists(st.permutations(ids), min_size=1, max_size=max_voters))
        return RankedProfile.from_ballots(ids, ballots)

    return build()


def _condorcet_winner(profile: RankedProfile) -> str | None:
    from coopgov.domain.voting.ranked_ballots import pairwise_matrix

    d = pairwise_matrix(profile)
    for i, cid in enumerate(profile.candidate_ids):
        if all(d[i, j] > d[j, i] for j in range(len(d)) if j != i):
            return cid
    return None


@settings(max_examples=150, deadline=None)
@given(strict_profiles())
def test_schulze_and_ranked_pairs_elect_the_condorcet_winner_when_one_exists(profile: RankedProfile) -> None:
    """A candidate who beats every other head to head wins under both rules, without any lottery."""
    winner = _condorcet_winner(profile)
    if winner is not None:
        assert schulze(profile).winners == (winner,)
        assert ranked_pairs(profile).winners == (winner,)


@settings(max_examples=60, deadline=None)
@given(strict_profiles(), st.randoms(use_true_random=False), st.integers(0, 3))
def test_results_do_not_depend_on_ballot_order(profile: RankedProfile, rnd: random.Random, seed: int) -> None:
    """Shuffling the ballots (same seed) gives the very same result, explanation and lottery draws."""
    ballots = [b for b in profile.ballots() for _ in range(int(b.weight))]
    rnd.shuffle(ballots)
    shuffled = RankedProfile.from_ballots(
        profile.candidate_ids, [RankedBallot(b.tiers, 1.0) for b in ballots]
    )
    for rule in (schulze, ranked_pairs, irv):
        assert rule(profile, seed=seed).to_json() == rule(shuffled, seed=seed).to_json()


@settings(max_examples=100, deadline=None)
@given(strict_profiles(max_candidates=6, max_voters=15))
def test_schulze_unbeaten_candidates_match_pref_voting_beat_path(profile: RankedProfile) -> None:
    """Peer: pref_voting's beat_path (margins); our unbeaten set is its winner set."""
    assert set(schulze(profile, strength="margin").explanation["unbeaten"]) == set(beat_path(_peer(profile)))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@settings(max_examples=60, deadline=None)
@given(strict_profiles(max_candidates=5, max_voters=12))
def test_schulze_winning_votes_matches_whalrus(profile: RankedProfile) -> None:
    """Peer: whalrus's RuleSchulze; with complete strict ballots its weighted-majority matrix ranks
    links as winning votes do, so the unbeaten sets agree."""
    from whalrus import RuleSchulze

    ballots = [" > ".join(t[0] for t in b.tiers) for b in profile.ballots()]
    rule = RuleSchulze(ballots, weights=[float(w) for w in profile.weights])
    assert set(schulze(profile).explanation["unbeaten"]) == set(rule.cowinners_)


@settings(max_examples=80, deadline=None)
@given(strict_profiles(max_candidates=5, max_voters=11))
def test_ranked_pairs_winner_is_among_pref_voting_ranked_pairs_winners(profile: RankedProfile) -> None:
    """Peer: pref_voting's ranked_pairs returns every winner some tie-breaking could give; ours, with
    the lottery's tie-breaking ranking, must be one of them, and the only one when margins differ."""
    peer = set(pv_ranked_pairs(_peer(profile), algorithm="from_stacks"))
    ours = ranked_pairs(profile)
    assert ours.winners[0] in peer
    if not ours.tie_breaks:
        assert {ours.winners[0]} == peer


@settings(max_examples=100, deadline=None)
@given(strict_profiles(max_candidates=6, max_voters=15))
def test_instant_runoff_matches_pref_voting_when_no_lottery_is_needed(profile: RankedProfile) -> None:
    """Peer: pref_voting's instant_runoff. By design it removes every last-placed candidate at once
    where we draw one by lot, so the comparison is made where no tie for last place arises."""
    ours = irv(profile)
    if not ours.tie_breaks:
        assert set(ours.winners) == set(instant_runoff(_peer(profile)))
