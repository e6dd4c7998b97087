"""The Method of Equal Shares: a worked example, the three real Equal Shares elections, pabutools."""

from __future__ import annotations

import random
import tempfile
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopgov.domain.budgeting import Ballot, BudgetingError, Election, Project, equal_shares
from coopgov.domain.formats.pabulib import load_election
from tests.domain.budgeting import peer
from tests.domain.budgeting.strategies import elections, write


def ballots(*sets: str) -> tuple[Ballot, ...]:
    return tuple(Ballot(projects=tuple(s)) for s in sets)


# Worked by hand. Budget 100, four voters: each holds 25. C (cost 40) is wanted by all four: each
# would pay 10, so 4 effective votes. A (cost 60) by three: 20 each, 3 effective votes. B (cost 40)
# by voter d alone, who holds only 25. Round 1 funds C; everyone has 15 left; A's three supporters
# now hold 45 < 60, B's 15 < 40: nothing else is affordable. Greedy would fund C then A.
HAND = Election(
    budget=Fraction(100),
    projects=(Project("A", Fraction(60)), Project("B", Fraction(40)), Project("C", Fraction(40))),
    ballots=ballots("AC", "AC", "AC", "BC"),
)


def test_equal_shares_funds_what_each_group_can_pay_for_with_its_own_share() -> None:
    result = equal_shares(HAND)
    assert result.selected == ("C",)
    assert result.cost == 40
    first = result.explanation["rounds"][0]
    assert first["project"] == "C"
    assert first["max_payment"] == 10
    assert first["effective_support"] == 4
    assert first["payments"] == [[10, 4]]
    assert first["runner_up"] == {"project": "A", "effective_support": 3}
    reasons = {e["project"]: e["reason"] for e in result.explanation["not_funded"]}
    assert reasons == {
        "A": "its supporters' remaining money could not cover its cost",
        "B": "its supporters' remaining money could not cover its cost",
    }


def test_the_result_is_json_ready_in_the_shape_of_tally_results() -> None:
    out = equal_shares(HAND).to_json()
    assert set(out) == {"method", "selected", "cost", "budget", "explanation", "tie_breaks"}
    assert out["selected"] == ["C"] and out["cost"] == 40 and out["tie_breaks"] == []


def test_a_voter_who_cannot_pay_a_full_share_pays_all_she_has() -> None:
    # Budget 30, three voters with 10 each. X (cost 24) is wanted by all three: 8 each. Y (cost 10)
    # by a and b: 5 each, 2 effective votes against X's 3. X first; a, b, c keep 2 each. Y is then
    # out of reach (4 < 10).
    election = Election(
        budget=Fraction(30),
        projects=(Project("X", Fraction(24)), Project("Y", Fraction(10))),
        ballots=ballots("XY", "XY", "X"),
    )
    result = equal_shares(election)
    assert result.selected == ("X",)
    assert result.explanation["rounds"][0]["voters_money_left"] == 6


@pytest.mark.parametrize(
    ("name", "completion"),
    [
        ("Netherlands_Assen_2024.pb", "add1"),
        ("Poland_Swiecie_2023.pb", "add1"),
        ("Poland_Wieliczka_2023_Green_Budget.pb", "add1-comparison"),
    ],
)
def test_the_real_equal_shares_elections_select_exactly_their_official_projects(
    pabulib: Path, name: str, completion: str
) -> None:
    election, pb = load_election(pabulib / name)
    assert pb.meta_value("rule") == f"equalshares/{completion}"
    official = {row["project_id"] for row in pb.project_rows() if row["selected"] == "1"}
    result = equal_shares(election, completion=completion)
    assert set(result.selected) == official
    assert result.cost <= election.budget
    if completion == "add1-comparison":  # Wieliczka: more voters prefer equal shares, so it stands
        verdict = result.explanation["comparison"]
        assert verdict["outcome"] == "equal shares"
        assert verdict["prefer_equal_shares"] > verdict["prefer_greedy"]


def test_stopping_add1_as_soon_as_the_outcome_is_exhaustive_misses_the_official_wieliczka_result(
    pabulib: Path,
) -> None:
    """The compute tool's later "exhaustive" option stops at share 302; Wieliczka went on to 315."""
    election, pb = load_election(pabulib / "Poland_Wieliczka_2023_Green_Budget.pb")
    official = {row["project_id"] for row in pb.project_rows() if row["selected"] == "1"}
    early = equal_shares(election, completion="add1", stop_when_exhaustive=True)
    assert set(early.selected) != official
    assert early.explanation["add1"]["final_share"] == 302


SAMPLE = [
    ("Netherlands_Amsterdam_588.pb", "cost"),
    ("Poland_Gdynia_2022_Chylonia__small.pb", "cost"),
    ("Poland_Warszawa_2018_rejon_3.pb", "cost"),
    ("Poland_Warszawa_2017_Wysokie_Okecie.pb", "approval"),
    ("Poland_Zabrze_2021_Guido.pb", "cost"),
    ("Poland_Katowice_2020_Dab.pb", "points"),
    ("Switzerland_Zurich_D10.pb", "points"),
    ("US_Stanford_Dataset_PB_Adler_2021_Students_vote_knapsacks.pb", "cost"),
]


@pytest.mark.parametrize(("name", "utility"), SAMPLE)
def test_equal_shares_selects_what_pabutools_selects_on_real_instances(
    pabulib: Path, name: str, utility: str
) -> None:
    election, _ = load_election(pabulib / name)
    ours = equal_shares(election, utility=utility)
    instance, profile = peer.load(pabulib / name)
    assert set(ours.selected) == peer.mes(instance, profile, utility)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    election=st.sampled_from(["approval", "choose-1", "cumulative"]).flatmap(elections),
    seed=st.integers(0, 3),
)
def test_equal_shares_agrees_with_pabutools_on_generated_elections(election: Election, seed: int) -> None:
    """On random small elections with many ties, both libraries fund the same projects.

    Ties are broken alike: pabutools is given coopgov's official order (cheaper, more voters, then
    the same seeded lottery hash).
    """
    utility = "points" if election.vote_type == "cumulative" else "cost"
    ours = equal_shares(election, utility=utility, seed=seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "e.pb"
        write(election, path)
        instance, profile = peer.load(path)
        theirs = peer.mes(instance, profile, utility, seed)
    assert set(ours.selected) == theirs


@settings(max_examples=80, deadline=None)
@given(
    election=st.sampled_from(["approval", "cumulative"]).flatmap(elections),
    completion=st.sampled_from(["none", "add1", "add1-comparison"]),
)
def test_equal_shares_never_spends_more_than_the_budget(election: Election, completion: str) -> None:
    """Whatever the ballots and completion, the funded projects cost at most the budget."""
    result = equal_shares(election, completion=completion)
    costs = {p.id: p.cost for p in election.projects}
    assert result.cost == sum(costs[p] for p in result.selected) <= election.budget


@settings(max_examples=60, deadline=None)
@given(election=elections(), data=st.data())
def test_the_outcome_does_not_depend_on_the_order_of_the_ballots(
    election: Election, data: st.DataObject
) -> None:
    """Shuffling ballots changes nothing: same projects, same rounds, same lottery draws."""
    order = data.draw(st.permutations(range(len(election.ballots))))
    shuffled = Election(
        budget=election.budget,
        projects=election.projects,
        ballots=tuple(election.ballots[k] for k in order),
        vote_type=election.vote_type,
    )
    a = equal_shares(election, completion="add1")
    b = equal_shares(shuffled, completion="add1")
    assert (a.selected, a.tie_breaks, a.explanation["rounds"]) == (
        b.selected,
        b.tie_breaks,
        b.explanation["rounds"],
    )


def twins(seed: int | str) -> tuple[str, ...]:
    election = Election(
        budget=Fraction(10),
        projects=(Project("left", Fraction(10)), Project("right", Fraction(10))),
        ballots=ballots(["left", "right"], ["left", "right"]),
    )
    result = equal_shares(election, seed=seed)
    assert len(result.tie_breaks) == 1
    assert result.tie_breaks[0].tied == ("left", "right")
    return result.selected


def test_a_perfect_tie_is_settled_by_the_recorded_seeded_lottery() -> None:
    assert twins(7) == twins(7)
    assert {twins(s)[0] for s in range(12)} == {"left", "right"}


def test_a_tie_goes_to_the_cheaper_project_before_any_lottery() -> None:
    # Both would be bought at the same price per unit of cost (effective support 2): the cheaper wins.
    election = Election(
        budget=Fraction(12),
        projects=(Project("big", Fraction(8)), Project("small", Fraction(4))),
        ballots=ballots(["big", "small"], ["big", "small"]),
    )
    result = equal_shares(election)
    assert result.selected[0] == "small"
    assert result.tie_breaks == ()


def test_project_id_tie_breaking_follows_pabutools_default() -> None:
    election = Election(
        budget=Fraction(10),
        projects=(Project("b", Fraction(10)), Project("a", Fraction(10))),
        ballots=ballots("ab", "ab"),
    )
    assert equal_shares(election, tie_break="project-id").selected == ("a",)


def test_near_ties_are_decided_in_exact_arithmetic() -> None:
    """Prices that agree to 1e-15 are told apart exactly; floating point would call them equal."""
    big = 10**17
    election = Election(
        budget=Fraction(2 * big + 1),
        projects=(Project("x", Fraction(big)), Project("y", Fraction(big + 1))),
        ballots=ballots("xy", "xy"),
    )
    result = equal_shares(election, utility="approval")
    assert result.selected[0] == "x"
    assert result.explanation["exact_arithmetic"] is True


def test_ranked_ballots_are_refused_with_a_clear_message() -> None:
    election = Election(
        budget=Fraction(5), projects=HAND.projects, ballots=ballots("AB"), vote_type="ordinal"
    )
    with pytest.raises(BudgetingError, match="ranked"):
        equal_shares(election)


def test_points_utility_is_refused_on_approval_ballots() -> None:
    with pytest.raises(BudgetingError, match="give no points"):
        equal_shares(HAND, utility="points")


def test_lodz_2022_runs_on_the_full_city(pabulib: Path) -> None:
    election, _ = load_election(pabulib / "Poland_Lodz_2022.pb")
    result = equal_shares(election)
    assert 0 < result.cost <= election.budget
    assert result.explanation["exact_arithmetic"] is False


def test_shuffled_real_ballots_give_the_same_outcome(pabulib: Path) -> None:
    election, _ = load_election(pabulib / "Poland_Swiecie_2023.pb")
    shuffled = list(election.ballots)
    random.Random(1).shuffle(shuffled)
    other = Election(election.budget, election.projects, tuple(shuffled), election.vote_type)
    assert equal_shares(election).selected == equal_shares(other).selected


def test_pabutools_voter_budget_increment_is_not_the_official_add1(tmp_path: Path) -> None:
    """The README caveat, on a small election found by random search.

    Official add1 starts each of the 7 voters at ⌊119 / 7⌋ = 17 and adds 1 while the outcome fits;
    pabutools' ``voter_budget_increment=1`` starts at 119 / 7 and stops once the outcome is exhaustive.
    pabutools' own fixed-budget rule, run in the official loop, agrees with coopgov.
    """
    costs = {"a": 30, "b": 60, "c": 30, "d": 60, "e": 60}
    election = Election(
        budget=Fraction(119),
        projects=tuple(Project(p, Fraction(c)) for p, c in costs.items()),
        ballots=ballots("d", "ab", "c", "abcd", "abcde", "abd", "b"),
    )
    path = tmp_path / "e.pb"
    write(election, path)
    instance, profile = peer.load(path)
    ours = set(equal_shares(election, completion="add1").selected)
    assert ours == {"a", "b"}
    assert peer.official_add1(instance, profile, "cost") == ours
    assert peer.pabutools_increment_add1(instance, profile, "cost") == {"b", "c"}
