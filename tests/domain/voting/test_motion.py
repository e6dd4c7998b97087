"""Motions: thresholds and bases, quorum presets, collège weighting and per-person caps."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopgov.domain.voting.motion import (
    ABSOLUTE,
    CNC_CAP,
    FOUR_FIFTHS,
    PRESETS,
    SIMPLE,
    THREE_QUARTERS,
    TWO_THIRDS,
    Base,
    CollegeBounds,
    InvalidCollegeWeights,
    MotionBallot,
    MotionChoice,
    MotionRule,
    apply_cap,
    rule_from_preset,
    tally_motion,
    validate_college_weights,
    weighted_motion_ballots,
)

Y, N, A, B, X = (
    MotionChoice.YES,
    MotionChoice.NO,
    MotionChoice.ABSTAIN,
    MotionChoice.BLANK,
    MotionChoice.NULL,
)


def ballots(**counts: int) -> list[MotionBallot]:
    """yes=3, no=2 … → that many one-vote ballots with distinct voters."""
    out = []
    for name, n in counts.items():
        out += [MotionBallot(f"{name}{i}", MotionChoice(name)) for i in range(n)]
    return out


def test_simple_majority_needs_more_yes_than_no():
    assert tally_motion(ballots(yes=3, no=2)).adopted is True
    assert tally_motion(ballots(yes=2, no=2)).adopted is False


def test_abstentions_do_not_count_as_votes_cast_under_french_law_since_2019():
    """Code de commerce L225-96: 2/3 of the votes cast, abstentions, blanks and nulls excluded.
    20 yes, 10 no, 15 abstentions: 20/30 reaches 2/3; counting abstentions, 20/45 does not."""
    votes = ballots(yes=20, no=10, abstain=10, blank=3, null=2)
    cast = tally_motion(votes, MotionRule(threshold=TWO_THIRDS, base=Base.CAST))
    assert cast.adopted is True
    assert cast.explanation["decision"]["base"] == 30
    with_abstentions = tally_motion(votes, MotionRule(threshold=TWO_THIRDS, base=Base.CAST_WITH_ABSTENTIONS))
    assert with_abstentions.adopted is False
    assert with_abstentions.explanation["decision"]["base"] == 45


def test_exactly_two_thirds_is_enough_but_exactly_half_is_not_an_absolute_majority():
    assert tally_motion(ballots(yes=2, no=1), MotionRule(threshold=TWO_THIRDS)).adopted is True
    assert tally_motion(ballots(yes=1, no=1), MotionRule(threshold=ABSOLUTE)).adopted is False


@pytest.mark.parametrize(
    ("threshold", "yes", "no", "adopted"),
    [
        (THREE_QUARTERS, 3, 1, True),
        (THREE_QUARTERS, 74, 26, False),
        (FOUR_FIFTHS, 4, 1, True),
        (FOUR_FIFTHS, 79, 21, False),
    ],
)
def test_reinforced_majorities_of_the_belgian_code(threshold, yes, no, adopted):
    """CSA art. 6:85–6:86: 3/4 for statute changes, 4/5 for the object, of votes cast."""
    assert tally_motion(ballots(yes=yes, no=no), MotionRule(threshold=threshold)).adopted is adopted


def test_electorate_base_counts_every_member_including_absent_ones():
    rule = MotionRule(threshold=ABSOLUTE, base=Base.ELECTORATE)
    assert tally_motion(ballots(yes=40, no=1), rule, electorate=100).adopted is False
    assert tally_motion(ballots(yes=51), rule, electorate=100).adopted is True


def test_electorate_base_without_an_electorate_is_refused():
    with pytest.raises(ValueError, match="electorate"):
        tally_motion(ballots(yes=1), MotionRule(base=Base.ELECTORATE))


def test_french_extraordinary_meeting_fails_quorum_on_first_convocation_and_passes_on_second():
    """C. com. L225-96: a quarter of the electorate on first convocation, a fifth on the second."""
    votes = ballots(yes=18, no=2)  # 20 of 90 members take part: 22 %
    first = tally_motion(votes, rule_from_preset("fr-scic-sa-age", convocation=1), electorate=90)
    assert first.adopted is False
    assert first.explanation["quorum"]["quorum_reached"] is False
    assert first.explanation["why"] == "quorum not reached"
    second = tally_motion(votes, rule_from_preset("fr-scic-sa-age", convocation=2), electorate=90)
    assert second.adopted is True


def test_abstentions_count_towards_the_quorum():
    votes = ballots(yes=5, abstain=20)
    result = tally_motion(votes, rule_from_preset("fr-scic-sa-ago"), electorate=100)
    assert result.explanation["quorum"]["quorum_reached"] is True
    assert result.adopted is True


def test_every_preset_is_data_with_a_source():
    for preset in PRESETS.values():
        assert preset.source and preset.quorum_second <= preset.quorum_first


def test_unknown_preset_names_the_known_ones():
    with pytest.raises(ValueError, match="fr-scic-sa-ago"):
        rule_from_preset("nope")


SCIC = {"workers": Fraction(1, 2), "users": Fraction(3, 10), "partners": Fraction(1, 5)}


def test_each_college_is_tallied_apart_and_then_weighted():
    """DOMAIN.md §6.6: result = Σ weight × yes-share within the collège. Workers 50 % (2 yes, 1 no),
    users 30 % (1 yes, 3 no), partners 20 % (0 yes, 1 no): weighted yes = 1/2·2/3 + 3/10·1/4 = 49/120,
    weighted no = 1/2·1/3 + 3/10·3/4 + 1/5·1 = 71/120: rejected."""
    votes = [
        MotionBallot("w1", Y, college="workers"),
        MotionBallot("w2", Y, college="workers"),
        MotionBallot("w3", N, college="workers"),
        MotionBallot("u1", Y, college="users"),
        *[MotionBallot(f"u{i}", N, college="users") for i in range(2, 5)],
        MotionBallot("p1", N, college="partners"),
    ]
    result = tally_motion(votes, MotionRule(college_weights=SCIC))
    assert result.explanation["decision"]["weighted_yes_exact"] == "49/120"
    assert result.adopted is False
    assert [c["college"] for c in result.explanation["colleges"]] == ["partners", "users", "workers"]


def test_college_weighting_can_adopt_what_a_head_count_rejects():
    """Ten partners vote no and two workers yes: by heads 2 against 10, by collèges 1/2 against 1/5."""
    votes = [MotionBallot(f"w{i}", Y, college="workers") for i in range(2)]
    votes += [MotionBallot(f"p{i}", N, college="partners") for i in range(10)]
    votes += [MotionBallot("u1", Y, college="users")]
    assert tally_motion(votes).adopted is False
    assert tally_motion(votes, MotionRule(college_weights=SCIC)).adopted is True


def test_a_college_where_nobody_voted_gives_its_weight_to_the_others():
    votes = [MotionBallot("w1", Y, college="workers"), MotionBallot("u1", N, college="users")]
    result = tally_motion(votes, MotionRule(college_weights=SCIC))
    partners = next(c for c in result.explanation["colleges"] if c["college"] == "partners")
    assert partners["applied_weight"] == "0"
    applied = [Fraction(c["applied_weight"]) for c in result.explanation["colleges"]]
    assert sum(applied) == 1
    assert result.adopted is True  # workers 5/8 yes against users 3/8 no


@pytest.mark.parametrize(
    ("weights", "problem"),
    [
        ({"a": Fraction(6, 10), "b": Fraction(2, 10), "c": Fraction(2, 10)}, "above the ceiling"),
        ({"a": Fraction(1, 2), "b": Fraction(45, 100), "c": Fraction(5, 100)}, "below the floor"),
        ({"a": Fraction(1, 2), "b": Fraction(1, 2)}, "at least 3"),
        ({"a": Fraction(1, 3), "b": Fraction(1, 3), "c": Fraction(333, 1000)}, "add up to"),
    ],
)
def test_invalid_scic_college_weights_are_refused(weights, problem):
    """Loi 47-1775 art. 19 octies: each collège between 10 % and 50 %, at least three, summing to 1."""
    with pytest.raises(InvalidCollegeWeights, match=problem):
        validate_college_weights(weights)
    with pytest.raises(InvalidCollegeWeights):
        tally_motion([MotionBallot("x", Y, college="a")], MotionRule(college_weights=weights))


def test_other_bounds_can_be_given_or_the_check_switched_off():
    weights = {"a": Fraction(7, 10), "b": Fraction(3, 10)}
    validate_college_weights(weights, CollegeBounds(floor=Fraction(0), ceiling=Fraction(1), min_colleges=2))
    rule = MotionRule(college_weights=weights, college_bounds=None)
    assert tally_motion([MotionBallot("x", Y, college="a")], rule).adopted is True


def test_a_ballot_from_an_undeclared_college_is_refused():
    with pytest.raises(ValueError, match="has no weight"):
        tally_motion([MotionBallot("x", Y, college="ghosts")], MotionRule(college_weights=SCIC))


def test_cnc_cap_limits_a_big_proxy_holder_to_a_tenth_of_the_votes_present():
    """AR 8 janvier 1962 (CNC): nobody votes for more than 1/10 of the votes present or represented.
    One holder with 30 votes (own + proxies) against 70 single members: counted for 10, not 30."""
    votes = [MotionBallot("holder", N, weight=Fraction(30))]
    votes += [MotionBallot(f"m{i}", Y) for i in range(45)] + [MotionBallot(f"n{i}", N) for i in range(25)]
    uncapped = tally_motion(votes, MotionRule(threshold=TWO_THIRDS))
    capped = tally_motion(votes, MotionRule(threshold=TWO_THIRDS, cap=CNC_CAP))
    assert uncapped.adopted is False  # 45 yes of 100
    assert capped.explanation["cap"]["capped"] == [{"voter": "holder", "weight": 30, "counted": 10}]
    assert capped.explanation["counts"]["no"] == 35
    assert capped.adopted is False  # 45 of 80: still short of 2/3
    assert tally_motion(votes, MotionRule(threshold=ABSOLUTE, cap=CNC_CAP)).adopted is True


def test_a_grouped_ballot_is_capped_voter_by_voter_not_as_a_block():
    """An anonymised file groups identical ballots: 60 members voting yes are 60 voters of weight 1, and
    the cap (1/10 of 100 present = 10) does not touch them; the one holder of 40 votes is capped."""
    votes = [MotionBallot("group", Y, count=60), MotionBallot("holder", N, weight=Fraction(40))]
    result = tally_motion(votes, MotionRule(cap=CNC_CAP))
    assert result.explanation["counts"]["yes"] == 60 and result.explanation["counts"]["no"] == 10
    assert result.explanation["ballots"] == 61
    assert result.explanation["quorum"]["present_or_represented"] == 100


def test_a_per_college_quorum_must_be_reached_in_every_college():
    """Overall 12 of 30 take part (40 %), but partners send 1 of 10: with a 1/5 quorum per collège the
    motion cannot pass, and the explanation says which collège fell short."""
    votes = [MotionBallot(f"w{i}", Y, college="workers") for i in range(8)]
    votes += [MotionBallot(f"u{i}", N, college="users") for i in range(3)]
    votes += [MotionBallot("p0", Y, college="partners")]
    electorate = dict.fromkeys(SCIC, 10)
    rule = MotionRule(college_weights=SCIC, quorum=Fraction(1, 5), college_quorum=Fraction(1, 5))
    result = tally_motion(votes, rule, electorate=electorate)
    assert result.adopted is False
    assert result.explanation["quorum"]["colleges"]["partners"]["quorum_reached"] is False
    assert result.explanation["quorum"]["colleges"]["workers"]["quorum_reached"] is True
    assert tally_motion(
        votes, MotionRule(college_weights=SCIC, quorum=Fraction(1, 5)), electorate=electorate
    ).adopted


def test_proxy_weights_flow_into_the_motion_and_the_explanation():
    """Proxies resolved by the weights module become ballot weights; the explanation sums them up
    without tying a weight to a choice."""
    from coopgov.domain.voting.weights import Member, Proxy, resolve_proxies

    members = [Member(m) for m in ("ana", "ben", "cleo", "dan")]
    weights = resolve_proxies(members, [Proxy("cleo", "ana"), Proxy("dan", "ana")], voters=["ana", "ben"])
    votes = weighted_motion_ballots({"ana": Y, "ben": N}, weights)
    result = tally_motion(votes, MotionRule(threshold=TWO_THIRDS))
    assert result.explanation["counts"]["yes"] == 3
    assert result.adopted is True
    assert result.explanation["weights"] == {"total": 4, "ballots_weighing_other_than_1": 1, "largest": 3}
    with pytest.raises(ValueError, match="no weight for voter"):
        weighted_motion_ballots({"cleo": Y}, weights)


def test_a_voter_cannot_vote_twice():
    with pytest.raises(ValueError, match="more than one ballot"):
        tally_motion([MotionBallot("a", Y), MotionBallot("a", N)])


def test_the_explanation_lists_all_five_choices():
    result = tally_motion(ballots(yes=1, no=1, abstain=1, blank=1, null=1))
    assert result.explanation["counts"] == {"yes": 1, "no": 1, "abstain": 1, "blank": 1, "null": 1}
    assert result.to_json()["adopted"] is False


choices = st.sampled_from(list(MotionChoice))
colleges = st.sampled_from(sorted(SCIC))
weights = st.fractions(min_value=0, max_value=20, max_denominator=6)
ballot_lists = st.lists(st.tuples(choices, colleges, weights, st.integers(1, 3)), max_size=40).map(
    lambda rows: [MotionBallot(f"v{i}", c, w, college, n) for i, (c, college, w, n) in enumerate(rows)]
)
rules = st.builds(
    MotionRule,
    threshold=st.sampled_from([SIMPLE, ABSOLUTE, TWO_THIRDS, THREE_QUARTERS, FOUR_FIFTHS]),
    base=st.sampled_from([Base.CAST, Base.CAST_WITH_ABSTENTIONS]),
    quorum=st.fractions(0, 1, max_denominator=5),
    college_weights=st.sampled_from([None, SCIC]),
    cap=st.sampled_from([None, CNC_CAP, Fraction(1, 20)]),
)


@given(ballot_lists, rules, st.randoms(use_true_random=False))
def test_the_outcome_does_not_depend_on_ballot_order(votes, rule, random):
    """Shuffling the ballots changes neither the decision nor its explanation."""
    shuffled = list(votes)
    random.shuffle(shuffled)
    electorate = dict.fromkeys(SCIC, 50)
    first = tally_motion(votes, rule, electorate=electorate)
    second = tally_motion(shuffled, rule, electorate=electorate)
    assert first.to_json() == second.to_json()


@given(ballot_lists)
def test_applied_college_weights_sum_to_one_whenever_a_college_voted(votes):
    """Renormalising the weights of collèges with votes keeps the total at exactly 1."""
    result = tally_motion(votes, MotionRule(college_weights=SCIC))
    applied = sum(Fraction(c["applied_weight"]) for c in result.explanation["colleges"])
    voted = any(b.choice in (Y, N) and b.weight > 0 for b in votes)
    assert applied == (1 if voted else 0)


@given(
    st.dictionaries(st.text(min_size=1, max_size=3), weights, max_size=30),
    st.sampled_from([CNC_CAP, Fraction(1, 20)]),
)
def test_a_cap_is_never_exceeded(raw, cap):
    """After capping, nobody counts for more than the cap's share of the votes present."""
    capped, limit, _ = apply_cap(raw, cap)
    present = sum(raw.values(), Fraction(0))
    assert limit == cap * present
    assert all(w <= cap * present for w in capped.values())
    assert all(capped[v] == min(w, limit) for v, w in raw.items())
