"""Board elections by For / Withhold with a majority requirement, and by acclamation when the candidates
are no more than the seats (coopgov.domain.voting.for_withhold, coopgov.decisions.counting)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopgov.audit.models import AuditEntry
from coopgov.decisions import counting, services
from coopgov.decisions.models import Ballot, Item, Option, Result
from coopgov.decisions.services import DecisionRefused
from coopgov.domain.formats.json_ballots import loads_ballot_file, score_ballots
from coopgov.domain.voting.choice import ScoreBallot
from coopgov.domain.voting.for_withhold import acclamation, confirmed, for_withhold, parse_majority
from tests.decisions.builders import assembly, cast, convene, election, members_in
from tests.members.builders import ACTOR

F, W = Fraction(1), Fraction(0)


def _b(**scores: Fraction) -> ScoreBallot:
    return ScoreBallot(scores=scores)


def test_more_than_half_is_strict_and_two_thirds_is_at_least():
    assert not confirmed(Fraction(2), Fraction(2), Fraction(1, 2))
    assert confirmed(Fraction(3), Fraction(2), Fraction(1, 2))
    assert confirmed(Fraction(2), Fraction(1), Fraction(2, 3))
    assert not confirmed(Fraction(0), Fraction(0), Fraction(1, 2))


def test_confirmed_candidates_with_the_most_for_fill_the_seats_and_others_stay_vacant():
    ballots = [
        _b(a=F, b=F, c=W),
        _b(a=F, b=W, c=W),
        _b(a=F, b=F),  # no opinion on c
        _b(a=W, b=F, c=F),
    ]
    result = for_withhold(["a", "b", "c"], ballots, seats=3, majority=Fraction(1, 2))
    # a: 3 For, 1 Withhold; b: 3 For, 1 Withhold; c: 1 For, 2 Withhold (not confirmed)
    assert set(result.winners) == {"a", "b"}
    assert result.explanation["vacant"] == 1
    rows = {r["candidate"]: r for r in result.explanation["candidates"]}
    assert rows["c"]["confirmed"] is False and rows["c"]["for"] == 1 and rows["c"]["withhold"] == 2


def test_a_tie_for_the_last_seat_is_settled_by_the_recorded_lottery():
    ballots = [_b(a=F, b=F), _b(a=F, b=F)]
    one = for_withhold(["a", "b"], ballots, seats=1, seed="x")
    again = for_withhold(["a", "b"], ballots, seats=1, seed="x")
    assert one.winners == again.winners and len(one.tie_breaks) == 1


def test_a_ballot_with_another_score_is_null():
    result = for_withhold(["a"], [_b(a=Fraction(5)), _b(a=F)], seats=1)
    assert result.explanation["null"] == 1 and result.winners == ("a",)


@pytest.mark.parametrize("text", ["0", "3/2", "abc", "1/0"])
def test_a_majority_that_is_not_a_share_is_refused(text):
    with pytest.raises(ValueError):
        parse_majority(text)


def test_acclamation_needs_no_more_candidates_than_seats():
    assert acclamation(["a", "b"], seats=3).winners == ("a", "b")
    with pytest.raises(ValueError):
        acclamation(["a", "b", "c"], seats=2)


def _fw_item(a, keys, *, seats=2, majority="1/2") -> Item:
    item = election(a, keys, method="for-withhold", seats=seats)
    item.majority = majority
    item.secret = False
    item.save(update_fields=["majority", "secret"])
    return item


def test_a_for_withhold_election_is_cast_counted_stored_and_read_back(org):
    people = members_in(org, org.be, 5)
    a = assembly(org.be)
    item = _fw_item(a, ["ann", "bob", "cid"], majority="2/3")
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    votes = [
        {"ann": 1, "bob": 1, "cid": 0},
        {"ann": 1, "bob": 0, "cid": 0},
        {"ann": 1, "bob": 1},
        {"ann": 0, "bob": 1, "cid": 1},
        {"ann": 1, "bob": 0, "cid": 1},
    ]
    for m, vote in zip(people, votes, strict=True):
        cast(item, a, m, vote)
    services.item_close(item=item, actor=ACTOR)
    result = counting.item_count(item=item, actor=ACTOR, seed="3")
    # ann 4 For of 5 (≥ 2/3): elected; bob 3 of 5 (< 2/3): not; cid 2 of 4: not. One seat stays vacant.
    assert result.result["winners"] == ["ann"]
    assert result.result["explanation"]["vacant"] == 1
    assert result.method == "for-withhold"
    # The stored file recounts to the same result with the domain rule.
    parsed = loads_ballot_file(result.ballots_file)
    again = for_withhold(
        parsed.candidates, score_ballots(parsed), seats=2, majority=Fraction(2, 3), seed="3"
    ).to_json()
    assert again["winners"] == result.result["winners"]
    assert again["explanation"] == result.result["explanation"]
    services.result_publish(item=item, actor=ACTOR)


def test_an_unreadable_majority_is_refused_at_counting_and_changes_nothing(org):
    people = members_in(org, org.be, 1)
    a = assembly(org.be)
    item = _fw_item(a, ["ann"], seats=1, majority="lots")
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    cast(item, a, people[0], {"ann": 1})
    services.item_close(item=item, actor=ACTOR)
    with pytest.raises(DecisionRefused) as refused:
        counting.item_count(item=item, actor=ACTOR)
    assert refused.value.code == "bad_majority"
    assert not Result.objects.filter(item=item).exists()


def test_candidates_no_more_than_seats_are_elected_by_acclamation_without_a_ballot(org):
    members_in(org, org.be, 2)
    a = assembly(org.be)
    item = election(a, ["ann", "bob"], method="stv-scottish", seats=2)
    convene(a)
    before = AuditEntry.objects.filter(action="item.acclaimed").count()
    result = counting.election_acclaim(item=item, actor=ACTOR)
    assert result.result["method"] == "acclamation"
    assert result.result["winners"] == ["ann", "bob"]
    assert not Ballot.objects.filter(item=item).exists()
    assert AuditEntry.objects.filter(action="item.acclaimed").count() == before + 1
    item.refresh_from_db()
    assert item.status == Item.Status.CLOSED
    published = services.result_publish(item=item, actor=ACTOR)
    assert published.published_at is not None


def test_acclamation_is_refused_with_more_candidates_than_seats_or_once_voting_opened(org):
    members_in(org, org.be, 1)
    a = assembly(org.be)
    crowded = election(a, ["ann", "bob", "cid"], seats=2)
    opened = election(a, ["dan"], order=2, seats=1)
    convene(a)
    with pytest.raises(DecisionRefused) as refused:
        counting.election_acclaim(item=crowded, actor=ACTOR)
    assert refused.value.code == "too_many_candidates"
    services.item_open(item=opened, actor=ACTOR)
    with pytest.raises(DecisionRefused) as refused:
        counting.election_acclaim(item=opened, actor=ACTOR)
    assert refused.value.code == "item_not_draft"
    Option.objects.filter(item=crowded).delete()
    with pytest.raises(DecisionRefused) as refused:
        counting.election_acclaim(item=crowded, actor=ACTOR)
    assert refused.value.code == "no_options"


@given(
    votes=st.lists(
        st.dictionaries(st.sampled_from("abcd"), st.sampled_from([F, W]), max_size=4), max_size=30
    ),
    seats=st.integers(min_value=1, max_value=4),
    majority=st.sampled_from([Fraction(1, 2), Fraction(2, 3), Fraction(3, 5)]),
)
def test_only_confirmed_candidates_are_elected_and_never_more_than_the_seats(votes, seats, majority):
    result = for_withhold("abcd", [ScoreBallot(scores=v) for v in votes], seats=seats, majority=majority)
    rows = {r["candidate"]: r for r in result.explanation["candidates"]}
    assert len(result.winners) <= seats
    assert all(rows[w]["confirmed"] for w in result.winners)
    confirmed_count = sum(1 for r in rows.values() if r["confirmed"])
    assert len(result.winners) == min(seats, confirmed_count)
    assert result.explanation["vacant"] == seats - len(result.winners)
