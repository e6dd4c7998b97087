"""Greedy by votes: the skip and stop variants, real Pabulib outcomes, pabutools, and seeded ties."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings

from coopgov.domain.budgeting import Ballot, Election, Project, greedy, scores
from coopgov.domain.formats.pabulib import load_election
from tests.domain.budgeting import peer
from tests.domain.budgeting.strategies import elections

# Budget 100. Votes: A 4 (cost 70), B 3 (cost 40), C 2 (cost 20), D 0 (cost 5).
# Skipping: A (70, 30 left), B does not fit, C (20, 10 left); D has no votes. Stopping: A, then stop at B.
SHOP = Election(
    budget=Fraction(100),
    projects=(
        Project("A", Fraction(70)),
        Project("B", Fraction(40)),
        Project("C", Fraction(20)),
        Project("D", Fraction(5)),
    ),
    ballots=tuple(Ballot(projects=tuple(s)) for s in ["ABC", "ABC", "AB", "A"]),
)


def test_greedy_skips_a_project_that_does_not_fit_and_funds_cheaper_ones_below_it() -> None:
    result = greedy(SHOP)
    assert result.selected == ("A", "C")
    assert result.cost == 90
    decisions = {s["project"]: s["decision"] for s in result.explanation["steps"]}
    assert decisions["B"] == "skipped: does not fit the money left"
    assert decisions["D"] == "not funded: no support"


def test_greedy_without_skipping_stops_at_the_first_project_that_does_not_fit() -> None:
    result = greedy(SHOP, skip=False)
    assert result.selected == ("A",)
    assert result.method == "greedy-no-skip"
    assert result.explanation["steps"][2]["decision"] == "not reached: funding stopped earlier"


def test_a_project_without_votes_is_funded_only_when_asked() -> None:
    assert greedy(SHOP, fund_unsupported=True).selected == ("A", "C", "D")


def test_ordinal_ballots_score_by_place_as_pabulib_does_for_krakow(pabulib: Path) -> None:
    election, pb = load_election(pabulib / "Poland_Krakow_2019_Swoszowice.pb")
    ours = scores(election)
    assert all(ours[row["project_id"]] == int(row["score"]) for row in pb.project_rows())


def test_equal_votes_are_settled_by_the_recorded_seeded_lottery() -> None:
    election = Election(
        budget=Fraction(10),
        projects=(Project("x", Fraction(10)), Project("y", Fraction(10))),
        ballots=(Ballot(projects=("x", "y")),),
    )
    runs = {greedy(election, seed=s).selected for s in range(10)}
    assert runs == {("x",), ("y",)}
    result = greedy(election, seed=3)
    assert result == greedy(election, seed=3)
    assert result.tie_breaks[0].tied == ("x", "y")


OFFICIAL = [
    "Poland_Warszawa_2017_Brodno.pb",
    "Poland_Warszawa_2019_Saska_Kepa.pb",
    "Poland_Gdynia_2021.pb",
    "Poland_Gdynia_2022_Chylonia__small.pb",
    "Poland_Krakow_2019_Mistrzejowice.pb",
    "Poland_Wroclaw_2017_Rejon_nr_10_250.pb",
]


@pytest.mark.parametrize("name", OFFICIAL)
def test_greedy_reproduces_the_official_outcome_of_pabulib_greedy_elections(pabulib: Path, name: str) -> None:
    election, pb = load_election(pabulib / name)
    rule = pb.meta_value("rule")
    official = {row["project_id"] for row in pb.project_rows() if row["selected"] == "1"}
    assert set(greedy(election, skip=rule != "greedy-no-skip").selected) == official


def test_gdynia_2021_shows_why_the_no_skip_variant_matters(pabulib: Path) -> None:
    election, pb = load_election(pabulib / "Poland_Gdynia_2021.pb")
    official = {row["project_id"] for row in pb.project_rows() if row["selected"] == "1"}
    assert set(greedy(election, skip=True).selected) != official
    assert set(greedy(election, skip=False).selected) == official


@pytest.mark.parametrize("name", ["Poland_Warszawa_2017_Zacisze.pb", "Poland_Zabrze_2021_Guido.pb"])
def test_greedy_selects_what_pabutools_greedy_welfare_selects_with_cost_utilities(
    pabulib: Path, name: str
) -> None:
    """The one difference by design: pabutools also funds projects nobody voted for, so we ask for that."""
    election, _ = load_election(pabulib / name)
    instance, profile = peer.load(pabulib / name)
    ours = greedy(election, tie_break="project-id", fund_unsupported=True)
    assert set(ours.selected) == peer.greedy_by_votes(instance, profile)


@settings(max_examples=40, deadline=None)
@given(election=elections())
def test_greedy_never_overspends_and_leaves_no_fitting_supported_project_out(election: Election) -> None:
    """Skipping greedy is exhaustive among supported projects: nothing supported still fits."""
    result = greedy(election)
    assert result.cost <= election.budget
    support = scores(election)
    left = election.budget - result.cost
    assert all(p.id in result.selected or p.cost > left or support[p.id] == 0 for p in election.projects)
