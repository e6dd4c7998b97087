"""The ballot-file writer's shortcuts (lines written directly, ballots given as cast without a record
each) write the same bytes as encoding each ballot object with json.dumps; merging identical rankings
before building the ranked profile gives the same profile."""

from __future__ import annotations

import json
from dataclasses import replace
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopgov.domain.formats.json_ballots import (
    BallotFile,
    BallotRecord,
    _json_fraction,
    _vote_json,
    dumps_ballot_file,
    dumps_cast_ballots,
    loads_ballot_file,
    ranked_profile,
    vote_from_json,
)
from coopgov.domain.voting.motion import MotionRule
from coopgov.domain.voting.ranked_ballots import RankedBallot, RankedProfile, RankedProfileError

CANDS = ("a", "b", "é", "c\u2028d")


def reference_dumps(ballot_file: BallotFile) -> str:
    """The writer as first written: each ballot a dict encoded by json.dumps, one per line."""
    head = dumps_ballot_file(replace(ballot_file, ballots=())).split("\n")[0]
    rows = []
    for b in ballot_file.ballots:
        row: dict[str, Any] = {}
        if b.voter is not None:
            row["voter"] = b.voter
        if b.college is not None:
            row["college"] = b.college
        if b.spoiled:
            row["spoiled"] = True
        else:
            row["vote"] = _vote_json(ballot_file.kind, b.vote)
        if b.weight != 1:
            row["weight"] = _json_fraction(b.weight)
        if b.count != 1:
            row["count"] = b.count
        rows.append("  " + json.dumps(row, ensure_ascii=False))
    lines = [head, ",\n".join(rows), "]}"]
    return "\n".join(line for line in lines if line) + "\n"


weights = st.one_of(
    st.just(Fraction(1)), st.fractions(0, 5, max_denominator=7), st.integers(0, 3).map(Fraction)
)
texts = st.text(alphabet=st.sampled_from(["a", "é", '"', "\\", "\n", "\u2028", "😀", "\x01"]), max_size=4)
voters = st.one_of(st.none(), texts)
colleges = st.one_of(st.none(), st.sampled_from(["1", "2", "é"]))

#: Votes as a member casts them in JSON: the usual shapes, ties, and odd values the writer passes on.
cast_votes = {
    "motion": st.one_of(st.sampled_from(["yes", "no", "abstain", "blank", "null"]), st.none(), st.integers()),
    "plurality": st.one_of(st.sampled_from(CANDS), st.none(), st.integers()),
    "approval": st.one_of(st.lists(st.sampled_from(CANDS), max_size=4), st.none()),
    "ranked": st.one_of(
        st.lists(st.sampled_from(CANDS), max_size=4),
        st.lists(st.one_of(st.sampled_from(CANDS), st.lists(st.sampled_from(CANDS), max_size=3)), max_size=4),
        st.none(),
    ),
    "score": st.dictionaries(
        st.sampled_from(CANDS), st.one_of(st.integers(0, 10), st.sampled_from(["1/3", 0.5]))
    ),
    "grades": st.dictionaries(st.sampled_from(CANDS), st.sampled_from(["Good", "Bad"])),
}


def head_of(kind: str) -> BallotFile:
    return BallotFile(
        kind=kind,
        ballots=(),
        candidates=() if kind == "motion" else CANDS,
        grades=("Good", "Bad") if kind == "grades" else (),
        rule=MotionRule() if kind == "motion" else None,
        title="Élection",
    )


@st.composite
def cast_files(draw: st.DrawFn) -> tuple[BallotFile, list[tuple[Any, Any, Fraction, Any]]]:
    kind = draw(st.sampled_from(sorted(cast_votes)))
    rows = draw(st.lists(st.tuples(voters, cast_votes[kind], weights, colleges), max_size=6))
    return head_of(kind), rows


@given(cast_files())
def test_ballots_written_as_cast_are_the_bytes_of_their_records(case):
    head, rows = case
    records = tuple(
        BallotRecord(vote=vote_from_json(head.kind, vote), weight=weight, voter=voter, college=college)
        for voter, vote, weight, college in rows
    )
    expected = reference_dumps(replace(head, ballots=records))
    assert dumps_cast_ballots(head, rows) == expected
    assert dumps_ballot_file(replace(head, ballots=records)) == expected


@given(
    st.sampled_from(sorted(cast_votes)).flatmap(
        lambda kind: st.tuples(
            st.just(kind),
            st.lists(
                st.builds(
                    BallotRecord,
                    vote=cast_votes[kind],
                    weight=weights,
                    voter=voters,
                    college=colleges,
                    spoiled=st.booleans(),
                    count=st.integers(0, 3),
                ),
                max_size=6,
            ),
        )
    )
)
def test_the_writer_writes_each_ballot_as_json_dumps_does(case):
    kind, records = case
    ballot_file = replace(head_of(kind), ballots=tuple(records))
    assert dumps_ballot_file(ballot_file) == reference_dumps(ballot_file)


def test_a_usual_file_is_read_back_from_the_direct_lines():
    rows = [
        ("R-1", "yes", Fraction(1), None),
        ("R-2", "no", Fraction(3, 2), "1"),
        ("R-3", "abstain", Fraction(1), None),
    ]
    text = dumps_cast_ballots(head_of("motion"), rows)
    assert text.splitlines()[1:4] == [
        '  {"voter": "R-1", "vote": "yes"},',
        '  {"voter": "R-2", "college": "1", "vote": "no", "weight": 1.5},',
        '  {"voter": "R-3", "vote": "abstain"}',
    ]
    assert [b.weight for b in loads_ballot_file(text).ballots] == [1, Fraction(3, 2), 1]


def profile_ballot_by_ballot(ballot_file: BallotFile) -> RankedProfile:
    candidates = list(ballot_file.candidates)
    ballots = [RankedBallot(tiers=b.vote, weight=float(b.weight * b.count)) for b in ballot_file.ballots]
    return RankedProfile.from_ballots(candidates, ballots, seats=ballot_file.seats)


rankings = st.lists(
    st.one_of(
        st.sampled_from(CANDS).map(lambda c: (c,)),
        st.lists(st.sampled_from(CANDS), min_size=1, unique=True).map(tuple),
    ),
    max_size=4,
    unique=True,
).filter(lambda tiers: len({c for t in tiers for c in t}) == sum(len(t) for t in tiers))


@given(
    st.lists(
        st.builds(
            BallotRecord,
            vote=rankings.map(tuple),
            weight=st.one_of(st.integers(0, 4).map(Fraction), st.fractions(0, 3, max_denominator=5)),
            count=st.integers(0, 3),
        ),
        max_size=12,
    )
)
def test_merging_identical_rankings_first_gives_the_same_profile(records):
    ballot_file = BallotFile(kind="ranked", ballots=tuple(records), candidates=CANDS, seats=2)
    merged, one_by_one = ranked_profile(ballot_file), profile_ballot_by_ballot(ballot_file)
    assert np.array_equal(merged.ranks, one_by_one.ranks)
    assert merged.weights.tolist() == one_by_one.weights.tolist()
    assert merged.seats == one_by_one.seats == 2


def test_an_invalid_ranking_is_still_named_by_its_place_in_the_file():
    ballots = (*[BallotRecord(vote=(("a",),))] * 4, BallotRecord(vote=(("a",), ("zed",))))
    with pytest.raises(RankedProfileError, match="ballot 5: unknown candidate 'zed'"):
        ranked_profile(BallotFile(kind="ranked", ballots=ballots, candidates=CANDS))
