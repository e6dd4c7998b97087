"""The ballot-file reader's shortcuts (each distinct weight read once, plain rankings and approvals
checked with set operations) read the same values and report the same errors as the full checks."""

from __future__ import annotations

import json
import re
from fractions import Fraction

import pytest

from coopgov.domain.formats.json_ballots import BallotFileError, loads_ballot_file


def _file(kind: str, ballots: list[dict], **head) -> str:
    document = {"kind": kind, **head, "ballots": ["PLACEHOLDER"]}
    text = json.dumps(document)
    return text.replace('"PLACEHOLDER"', "\n" + ",\n".join(json.dumps(b) for b in ballots) + "\n")


def test_equal_weights_written_differently_read_as_the_same_fraction():
    ballots = [{"vote": "yes", "weight": w} for w in (1, 1.0, "1", "1/1", 0.1, "0.1", "1/10", 2, 2)]
    read = loads_ballot_file(_file("motion", ballots))
    assert [b.weight for b in read.ballots] == [
        1,
        1,
        1,
        1,
        Fraction(1, 10),
        Fraction(1, 10),
        Fraction(1, 10),
        2,
        2,
    ]
    assert all(type(b.weight) is Fraction for b in read.ballots)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (-2, "line 4: field ballots.2.weight: a weight cannot be negative"),
        (True, "line 4: field ballots.2.weight: weight must be a number, not True"),
        ([1], "line 4: field ballots.2.weight: weight must be a number"),
        ("two", "line 4: field ballots.2.weight: weight must be a number such as 2"),
    ],
)
def test_a_bad_weight_after_good_ones_is_reported_at_its_ballot(bad, message):
    ballots = [{"vote": "yes", "weight": 2}, {"vote": "no", "weight": 2}, {"vote": "no", "weight": bad}]
    with pytest.raises(BallotFileError, match=re.escape(message)):
        loads_ballot_file(_file("motion", ballots), source="f.json")


@pytest.mark.parametrize(
    ("vote", "message"),
    [
        (["a", "a"], "candidate 'a' is ranked twice"),
        (["a", "z"], "unknown candidate 'z'"),
        (["a", ["b", "a"]], "candidate 'a' is ranked twice"),
        (["a", []], "each rank is a candidate or a non-empty list of tied candidates"),
    ],
)
def test_rankings_keep_their_errors(vote, message):
    with pytest.raises(BallotFileError, match=re.escape(message)):
        loads_ballot_file(_file("ranked", [{"vote": ["a", "b"]}, {"vote": vote}], candidates=["a", "b", "c"]))


def test_rankings_read_the_same_with_and_without_ties():
    read = loads_ballot_file(
        _file(
            "ranked",
            [{"vote": ["c", "a"]}, {"vote": ["c", ["a", "b"]]}, {"vote": []}],
            candidates=["a", "b", "c"],
        )
    )
    assert [b.vote for b in read.ballots] == [(("c",), ("a",)), (("c",), ("a", "b")), ()]


@pytest.mark.parametrize(
    ("vote", "message"),
    [
        (["a", "a"], "a candidate is approved twice"),
        (["a", "z"], 'unknown candidate "z"'),
        (["a", 3], "unknown candidate 3"),
    ],
)
def test_approvals_keep_their_errors(vote, message):
    with pytest.raises(BallotFileError, match=re.escape(message)):
        loads_ballot_file(_file("approval", [{"vote": ["b"]}, {"vote": vote}], candidates=["a", "b"]))


def test_motion_votes_keep_their_error():
    with pytest.raises(BallotFileError, match=re.escape("field ballots.1.vote: expected one of yes, no")):
        loads_ballot_file(_file("motion", [{"vote": "yes"}, {"vote": "Yes"}]))


def _read_or_error(text: str) -> object:
    try:
        return repr(loads_ballot_file(text, source="f.json"))
    except BallotFileError as error:
        return str(error)


@pytest.mark.parametrize(
    ("kind", "head", "ballots"),
    [
        ("motion", {}, [{"voter": "A", "vote": "yes"}, {"voter": "B", "vote": "no"}]),
        ("motion", {}, [{"voter": "A", "vote": "yes"}, {"voter": "A", "vote": "no"}]),  # voter twice
        ("motion", {}, [{"voter": "A", "vote": "yes"}, {"voter": "A", "vote": "Yes"}]),  # the vote first
        ("motion", {}, [{"voter": "A", "vote": "yes"}, {"voter": 3, "vote": "no"}]),
        ("motion", {}, [{"voter": "A", "vote": "yes"}, {"voter": None, "vote": "no"}]),
        (
            "motion",
            {"colleges": {c: {"weight": "1/3"} for c in "abc"}},
            [{"voter": "A", "vote": "no"}],
        ),
        (
            "ranked",
            {"candidates": ["a", "b"]},
            [{"voter": "A", "vote": ["b", "a"]}, {"voter": "B", "vote": []}],
        ),
        (
            "ranked",
            {"candidates": ["a", "b"]},
            [{"voter": "A", "vote": ["a", "a"]}, {"voter": "A", "vote": []}],
        ),
        ("approval", {"candidates": ["a", "b"]}, [{"voter": "A", "vote": ["b"]}, {"voter": "B", "vote": 3}]),
        ("plurality", {"candidates": ["a", "b"]}, [{"voter": "A", "vote": "b"}, {"voter": "B", "vote": "c"}]),
    ],
)
def test_a_usual_line_reads_as_the_same_line_read_field_by_field(kind, head, ballots):
    """A line {"voter", "vote"} (read by the usual line's shortcut) gives the same ballot, or the same
    error at the same line and field, as that line with "count": 1 (read field by field)."""
    spelled_out = [{**b, "count": 1} for b in ballots]
    usual = _read_or_error(_file(kind, ballots, **head))
    assert usual == _read_or_error(_file(kind, spelled_out, **head))
    assert usual != _read_or_error(_file(kind, [], **head))  # the ballots were read, or refused
