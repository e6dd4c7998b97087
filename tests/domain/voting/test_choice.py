"""Plurality, approval and score voting, and the seeded lottery that settles their ties."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopgov.domain.voting.choice import (
    ApprovalBallot,
    PluralityBallot,
    ScoreBallot,
    approval,
    plurality,
    score,
)
from coopgov.domain.voting.ties import SeededLottery, elect_from_tiers, tiers_by_key

CANDS = ["ada", "bob", "cyd", "dee"]


def votes(*choices: str | None) -> list[PluralityBallot]:
    return [PluralityBallot(c) for c in choices]


def test_plurality_elects_the_candidate_with_most_votes():
    result = plurality(CANDS, votes("ada", "bob", "bob", "cyd", None))
    assert result.winners == ("bob",)
    assert result.ranking == (("bob",), ("ada", "cyd"), ("dee",))
    assert result.explanation["blank"] == 1


def test_plurality_with_two_seats_elects_the_two_first_in_order():
    result = plurality(CANDS, votes("ada", "bob", "bob", "cyd", "cyd", "cyd"), seats=2)
    assert result.winners == ("cyd", "bob")


def test_a_vote_for_an_unknown_candidate_is_null():
    result = plurality(CANDS, votes("ada", "zed"))
    assert result.explanation["null"] == 1
    assert result.winners == ("ada",)


def test_weights_count_as_that_many_votes():
    result = plurality(CANDS, [PluralityBallot("ada", Fraction(3)), *votes("bob", "bob")])
    assert result.winners == ("ada",)


def test_a_tie_for_the_seat_is_settled_by_the_seeded_lottery_and_recorded():
    result = plurality(CANDS, votes("ada", "bob"), seed=7)
    assert result.ranking[0] == ("ada", "bob")
    assert len(result.tie_breaks) == 1
    assert set(result.tie_breaks[0].tied) == {"ada", "bob"}
    assert result.winners == (result.tie_breaks[0].order[0],)
    again = plurality(CANDS, votes("bob", "ada"), seed=7)
    assert again.winners == result.winners
    assert again.to_json() == result.to_json()


def test_different_seeds_can_pick_different_winners_of_a_tie():
    winners = {plurality(CANDS, votes("ada", "bob", "cyd", "dee"), seed=s).winners for s in range(40)}
    assert len(winners) == 4


def test_a_tie_that_decides_no_seat_draws_no_lottery():
    result = plurality(CANDS, votes("ada", "ada", "bob", "cyd"))
    assert result.tie_breaks == ()


def test_lottery_order_does_not_depend_on_how_the_tied_are_listed():
    assert SeededLottery(3).order(["c", "a", "b"], "x") == SeededLottery(3).order(["b", "c", "a"], "x")


def test_elect_from_tiers_orders_only_the_straddling_tier():
    lottery = SeededLottery(1)
    winners = elect_from_tiers((("a",), ("b", "c", "d")), 2, lottery, "t")
    assert winners[0] == "a" and winners[1] in {"b", "c", "d"}
    assert len(lottery.draws) == 1


def test_tiers_by_key_groups_equal_keys_best_first():
    assert tiers_by_key("abcd", {"a": 1, "b": 3, "c": 1, "d": 0}.__getitem__) == (("b",), ("a", "c"), ("d",))


def test_approval_elects_the_most_approved():
    """Brams & Fishburn (1978): each voter approves any number of candidates; most approvals wins."""
    ballots = [ApprovalBallot(frozenset(s)) for s in (["ada", "bob"], ["bob"], ["bob", "cyd"], ["ada"])]
    result = approval(CANDS, ballots)
    assert result.winners == ("bob",)
    assert result.explanation["approvals"] == {"ada": 2, "bob": 3, "cyd": 1, "dee": 0}
    assert result.explanation["approval_share"]["bob"] == 0.75


def test_approval_ballots_outside_the_choice_limits_are_null():
    ballots = [
        ApprovalBallot(frozenset({"ada", "bob", "cyd"})),
        ApprovalBallot(frozenset()),
        ApprovalBallot(frozenset({"dee"})),
    ]
    result = approval(CANDS, ballots, min_choices=1, max_choices=2)
    assert result.winners == ("dee",)
    assert result.explanation["null"] == 2
    assert result.explanation["null_reasons"] == {"more than 2 choices": 1, "fewer than 1 choices": 1}


def test_approval_with_three_seats_fills_three():
    ballots = [ApprovalBallot(frozenset(CANDS[:3]))] * 2 + [ApprovalBallot(frozenset({"dee"}))]
    assert set(approval(CANDS, ballots, seats=3).winners) == {"ada", "bob", "cyd"}


def test_score_elects_the_highest_total_and_counts_left_out_candidates_as_lowest():
    ballots = [
        ScoreBallot({"ada": Fraction(10), "bob": Fraction(6)}),
        ScoreBallot({"bob": Fraction(8), "cyd": Fraction(9)}),
        ScoreBallot({"bob": Fraction(7)}),
    ]
    result = score(CANDS, ballots)
    assert result.winners == ("bob",)
    assert result.explanation["totals"] == {"ada": 10, "bob": 21, "cyd": 9, "dee": 0}
    assert result.explanation["averages"]["bob"] == 7


def test_a_score_outside_the_scale_spoils_the_ballot():
    result = score(CANDS, [ScoreBallot({"ada": Fraction(11)}), ScoreBallot({"bob": Fraction(1)})])
    assert result.winners == ("bob",)
    assert result.explanation["null"] == 1


@pytest.mark.parametrize("seats", [0, 5])
def test_impossible_seat_counts_are_refused(seats):
    with pytest.raises(ValueError, match="seats"):
        plurality(CANDS, votes("ada"), seats=seats)


choice_ballots = st.lists(st.sampled_from([*CANDS, None]), max_size=30)
approval_sets = st.lists(st.frozensets(st.sampled_from(CANDS)), max_size=30)


@given(choice_ballots, st.randoms(use_true_random=False), st.integers(1, 3))
def test_plurality_does_not_depend_on_ballot_order(choices, random, seats):
    """Same ballots in another order, same seed: same winners, ranking and lottery draws."""
    shuffled = list(choices)
    random.shuffle(shuffled)
    assert (
        plurality(CANDS, votes(*choices), seats=seats).to_json()
        == plurality(CANDS, votes(*shuffled), seats=seats).to_json()
    )


@given(approval_sets, st.randoms(use_true_random=False), st.integers(1, 4))
def test_approval_does_not_depend_on_ballot_order_and_fills_every_seat(sets, random, seats):
    """Order-independence, and exactly ``seats`` distinct winners."""
    shuffled = list(sets)
    random.shuffle(shuffled)
    first = approval(CANDS, [ApprovalBallot(s) for s in sets], seats=seats)
    second = approval(CANDS, [ApprovalBallot(s) for s in shuffled], seats=seats)
    assert first.to_json() == second.to_json()
    assert len(set(first.winners)) == seats


@given(
    st.lists(st.dictionaries(st.sampled_from(CANDS), st.integers(0, 10)), max_size=20),
    st.randoms(use_true_random=False),
)
def test_score_does_not_depend_on_ballot_order(rows, random):
    """Totals are sums, so order cannot matter; this checks the ranking and tie draws too."""
    ballots = [ScoreBallot({c: Fraction(v) for c, v in row.items()}) for row in rows]
    shuffled = list(ballots)
    random.shuffle(shuffled)
    assert score(CANDS, ballots).to_json() == score(CANDS, shuffled).to_json()


def test_approval_counts_of_lodz_2022_equal_the_official_figures(shared_data):
    """Pabulib Poland_Lodz_2022.pb (90,494 voters, 160 projects): every project's approval count equals
    the `votes` column the city published."""
    section, header, projects, official, ballots = "", [], [], {}, []
    with (shared_data / "pabulib" / "Poland_Lodz_2022.pb").open(encoding="utf-8") as handle:
        for line in handle:
            fields = line.rstrip("\n").split(";")
            if fields[0] in ("META", "PROJECTS", "VOTES"):
                section, header = fields[0], []
            elif not header:
                header = fields
            elif section == "PROJECTS":
                row = dict(zip(header, fields, strict=False))
                projects.append(row["project_id"])
                official[row["project_id"]] = int(row["votes"])
            elif section == "VOTES":
                vote = dict(zip(header, fields, strict=False))["vote"]
                ballots.append(ApprovalBallot(frozenset(vote.split(",")) if vote else frozenset()))
    result = approval(projects, ballots, max_choices=5)
    assert len(ballots) == 90494
    assert result.explanation["approvals"] == official
    assert result.explanation["null"] == 0
    assert result.winners == (max(official, key=official.__getitem__),)
