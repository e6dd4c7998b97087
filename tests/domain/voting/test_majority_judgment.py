"""Majority judgment: majority grade, lexicographic tie-breaking, and the MieuxVoter polls of 2022."""

from __future__ import annotations

import logging
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopgov.domain.formats.mj_polls import PollFileError, read_mj_polls
from coopgov.domain.voting.majority_judgment import (
    GradeBallot,
    MeritProfile,
    compare_majority_values,
    majority_judgment,
    majority_judgment_from_profiles,
)

SCALE = ["Excellent", "Very Good", "Good", "Acceptable", "Poor", "To Reject"]


def test_the_whalrus_documentation_example():
    """whalrus RuleMajorityJudgment docstring: a gets Excellent, Good, Good, Poor (majority grade Good);
    b gets Excellent, Very Good, Acceptable, To Reject (lower median: Acceptable). a wins."""
    ballots = [
        GradeBallot({"a": "Excellent", "b": "Excellent"}),
        GradeBallot({"a": "Good", "b": "Very Good"}),
        GradeBallot({"a": "Good", "b": "Acceptable"}),
        GradeBallot({"a": "Poor", "b": "To Reject"}),
    ]
    result = majority_judgment(["a", "b"], SCALE, ballots)
    assert result.winners == ("a",)
    assert result.explanation["candidates"]["a"]["majority_grade"] == "Good"
    assert result.explanation["candidates"]["b"]["majority_grade"] == "Acceptable"
    assert result.explanation["candidates"]["b"]["above_majority_grade"] == 0.5


def test_the_majority_grade_is_the_lower_median():
    """Balinski & Laraki (2011): with an even number of grades the lower of the two middle ones."""
    assert MeritProfile((1, 1)).majority_grade() == 0
    assert MeritProfile((0, 2, 1)).majority_grade() == 1


def test_equal_majority_grades_are_separated_by_removing_median_grades():
    """Both candidates' majority grade is Good (three voters). Removing one Good leaves a's {Very Good,
    Poor} (lower median Poor) and b's {Good, Acceptable} (Acceptable): b ranks first."""
    ballots = [
        GradeBallot({"a": "Very Good", "b": "Good"}),
        GradeBallot({"a": "Good", "b": "Good"}),
        GradeBallot({"a": "Poor", "b": "Acceptable"}),
    ]
    result = majority_judgment(["a", "b"], SCALE, ballots)
    assert result.ranking == (("b",), ("a",))


def test_an_ungraded_candidate_gets_the_lowest_grade():
    ballots = [GradeBallot({"a": "Good"}), GradeBallot({"a": "Good", "b": "Excellent"})]
    result = majority_judgment(["a", "b"], SCALE, ballots)
    assert result.explanation["candidates"]["b"]["majority_grade"] == "To Reject"
    assert result.winners == ("a",)


def test_a_ballot_with_an_unknown_grade_is_null():
    result = majority_judgment(["a"], SCALE, [GradeBallot({"a": "Superb"}), GradeBallot({"a": "Good"})])
    assert result.explanation["null"] == 1


def test_identical_profiles_tie_and_the_lottery_decides_the_seat():
    ballots = [GradeBallot({"a": "Good", "b": "Good"})]
    result = majority_judgment(["a", "b"], SCALE, ballots, seed=4)
    assert result.ranking == (("a", "b"),)
    assert len(result.tie_breaks) == 1


def _majority_value(counts: tuple[int, ...]) -> list[int]:
    """The definition, literally: remove the lower median one ballot at a time."""
    grades = sorted(g for g, c in enumerate(counts) for _ in range(c))
    out = []
    while grades:
        out.append(grades.pop((len(grades) + 1) // 2 - 1))
    return out


@st.composite
def profile_pairs(draw: st.DrawFn) -> tuple[tuple[int, ...], tuple[int, ...]]:
    n_grades = draw(st.integers(2, 6))
    n = draw(st.integers(1, 25))

    def one() -> tuple[int, ...]:
        cuts = sorted(draw(st.lists(st.integers(0, n), min_size=n_grades - 1, max_size=n_grades - 1)))
        bounds = [0, *cuts, n]
        return tuple(bounds[i + 1] - bounds[i] for i in range(n_grades))

    return one(), one()


@given(profile_pairs())
def test_the_fast_comparison_equals_the_definition(pair):
    """Jumping between grade boundaries gives the same order as removing medians one by one."""
    a, b = pair
    expected = (_majority_value(a) > _majority_value(b)) - (_majority_value(a) < _majority_value(b))
    assert compare_majority_values(MeritProfile(a), MeritProfile(b)) == expected


@given(
    st.lists(st.fixed_dictionaries({"a": st.sampled_from(SCALE), "b": st.sampled_from(SCALE)}), max_size=25),
    st.randoms(use_true_random=False),
)
def test_majority_judgment_does_not_depend_on_ballot_order(rows, random):
    """Merit profiles are counts, so shuffled ballots give the same ranking and explanation."""
    ballots = [GradeBallot(row) for row in rows]
    shuffled = list(ballots)
    random.shuffle(shuffled)
    assert (
        majority_judgment(["a", "b"], SCALE, ballots).to_json()
        == majority_judgment(["a", "b"], SCALE, shuffled).to_json()
    )


def test_percentages_and_counts_of_the_same_shares_rank_alike():
    counts = {"a": [1, 2, 3, 4, 0, 0], "b": [0, 3, 3, 3, 1, 0]}
    shares = {c: [Fraction(v * 10) for v in row] for c, row in counts.items()}
    assert (
        majority_judgment_from_profiles(SCALE, counts).ranking
        == majority_judgment_from_profiles(SCALE, shares).ranking
    )


# --- the MieuxVoter polls of the 2022 French presidential election ------------------------------------


@pytest.fixture(scope="module")
def polls(shared_data):
    return read_mj_polls(shared_data / "majority-judgment" / "presidentielle_jm.csv")


def _ranking(poll) -> list[str]:
    result = majority_judgment_from_profiles(poll.grades, poll.profiles)
    assert all(len(tier) == 1 for tier in result.ranking)
    return [tier[0] for tier in result.ranking]


def test_the_tracker_file_holds_thirty_three_polls(polls):
    assert len(polls) == 33
    assert {p.institute for p in polls} == {"Opinion Way", "IFOP", "ELABE"}


def test_opinion_way_march_2022_ranking_matches_mieux_voter_publication(polls):
    """MieuxVoter's tracker README, poll of 30–31 March 2022: Macron first, Le Pen second, Pécresse
    third, Mélenchon fourth, Roussel fifth, Zemmour twelfth and last; grades Passable / Insuffisant."""
    poll = next(p for p in polls if p.poll_id == "20220330_0331_ow")
    ranking = _ranking(poll)
    assert ranking[:5] == [
        "Emmanuel Macron",
        "Marine Le Pen",
        "Valérie Pécresse",
        "Jean-Luc Mélenchon",
        "Fabien Roussel",
    ]
    assert ranking[-1] == "Eric Zemmour" and len(ranking) == 12
    result = majority_judgment_from_profiles(poll.grades, poll.profiles)
    assert result.explanation["candidates"]["Emmanuel Macron"]["majority_grade"] == "Passable"
    assert result.explanation["candidates"]["Eric Zemmour"]["majority_grade"] == "A rejeter"


def test_opinion_way_first_polls_put_pecresse_then_macron_first(polls):
    """Same README: Pécresse first in December 2021, Macron first "since our second poll"."""
    assert _ranking(next(p for p in polls if p.poll_id == "20211208_1209_ow"))[0] == "Valérie Pécresse"
    february = _ranking(next(p for p in polls if p.poll_id == "20220209_0210_ow"))
    assert february[:2] == ["Emmanuel Macron", "Valérie Pécresse"]


def test_zemmour_is_rejected_by_a_majority_in_every_poll_that_names_him(polls):
    """README: "toujours rejeté par plus de 50 % des électeurs" (Opinion Way) and "plus de 50 % … une
    mention négative" (ELABE): majority grade the worst; IFOP: "plus de 75 % … négative ou très négative",
    so a negative majority grade; last in every IFOP and Opinion Way poll."""
    for poll in polls:
        if "Eric Zemmour" not in poll.profiles:
            continue
        result = majority_judgment_from_profiles(poll.grades, poll.profiles)
        grade = result.explanation["candidates"]["Eric Zemmour"]["majority_grade"]
        worst = poll.grades[-2:] if poll.institute == "IFOP" else poll.grades[-1:]
        assert grade in worst, poll.poll_id
        if poll.institute in ("IFOP", "Opinion Way"):
            assert result.ranking[-1] == ("Eric Zemmour",), poll.poll_id


def test_whalrus_ranks_the_polls_alike_except_where_its_majority_gauge_ties(polls, caplog):
    """whalrus 0.4.6 breaks ties with the majority gauge (median, then p or q); coopgov with the full
    lexicographic majority value. Of 33 polls, 32 rankings are identical; in IFOP December 2021, Ciotti
    and Hollande have equal shares above (45.8 %) and below (16.7 %) their majority grade, so whalrus
    ties them; the majority value puts Ciotti first (more "excellente opinion": 5.6 % against 5.2 %)."""
    whalrus = pytest.importorskip("whalrus")
    caplog.set_level(logging.ERROR)
    differences = []
    for poll in polls:
        scale = whalrus.ScaleFromList(list(reversed(poll.grades)))
        ballots, weights = [], []
        for candidate, row in poll.profiles.items():
            total = sum(row)
            for grade, mass in zip(poll.grades, row, strict=True):
                if mass:
                    ballots.append(
                        whalrus.BallotLevels({candidate: grade}, candidates=set(poll.profiles), scale=scale)
                    )
                    weights.append(mass / total)
        rule = whalrus.RuleMajorityJudgment(whalrus.Profile(ballots, weights=weights), scale=scale)
        theirs = [tuple(sorted(tier)) for tier in rule.order_]
        ours = list(majority_judgment_from_profiles(poll.grades, poll.profiles).ranking)
        if theirs != ours:
            differences.append((poll.poll_id, [t for t in theirs if len(t) > 1]))
    assert differences == [("20211208_1209_ifp", [("Eric Ciotti", "François Hollande")])]


def test_a_malformed_poll_file_names_the_line(tmp_path):
    path = tmp_path / "polls.csv"
    path.write_text(
        "candidat,nombre_mentions,mention_1,mention_2,intention_mention_1,intention_mention_2,id,nom_institut,hypothese\n"
        "A,2,Bien,Mal,60,40,p1,X,q\n"
        "B,2,Bien,Mal,sixty,40,p1,X,q\n",
        encoding="utf-8",
    )
    with pytest.raises(PollFileError, match=r"line 3: intention_mention_1"):
        read_mj_polls(path)


@pytest.mark.parametrize(
    ("electorate", "first"),
    [("macron", "Emmanuel Macron"), ("lepen", "Marine Le Pen"), ("melenchonistes", "Emmanuel Macron")],
)
def test_second_round_polls_by_electorate(shared_data, electorate, first):
    """The second-round tables by electorate: each candidate's own voters put them first, and 2017
    Mélenchon voters graded Macron above Le Pen in all three Opinion Way polls."""
    polls = read_mj_polls(shared_data / "majority-judgment" / f"presidentielle_2nd_tour_jm_{electorate}.csv")
    assert len(polls) == 3
    for poll in polls:
        assert majority_judgment_from_profiles(poll.grades, poll.profiles).winners == (first,), poll.poll_id
