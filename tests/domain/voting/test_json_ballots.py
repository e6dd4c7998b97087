"""The JSON ballot format: reading, writing, conversion, and errors that name the line and field."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopgov.domain.formats.json_ballots import (
    BallotFile,
    BallotFileError,
    BallotRecord,
    approval_ballots,
    dumps_ballot_file,
    loads_ballot_file,
    motion_ballots,
    ranked_profile,
    read_ballot_file,
    spoiled_weight,
    write_ballot_file,
)
from coopgov.domain.voting.motion import TWO_THIRDS, Base, MotionChoice, MotionRule, tally_motion

MOTION = """{
  "format": "coopgov-ballots/1",
  "kind": "motion",
  "rule": {"threshold": "2/3", "base": "cast", "quorum": "1/4", "college_quorum": "1/10"},
  "colleges": {
    "workers": {"weight": "1/2", "electorate": 10},
    "users": {"weight": "3/10", "electorate": 10},
    "partners": {"weight": "1/5", "electorate": 5}
  },
  "ballots": [
    {"voter": "m1", "college": "workers", "vote": "yes", "weight": 2},
    {"voter": "m2", "college": "users", "vote": "no"},
    {"voter": "m3", "college": "partners", "vote": "abstain"},
    {"college": "workers", "vote": "yes", "count": 3}
  ]
}
"""


def test_a_motion_file_carries_its_rule_colleges_and_electorate():
    ballot_file = loads_ballot_file(MOTION)
    assert ballot_file.rule is not None
    assert ballot_file.rule.threshold is TWO_THIRDS and ballot_file.rule.quorum == Fraction(1, 4)
    assert ballot_file.rule.college_quorum == Fraction(1, 10)
    assert ballot_file.electorate == {"workers": 10, "users": 10, "partners": 5}
    ballots = motion_ballots(ballot_file)
    assert [b.voter for b in ballots] == ["m1", "m2", "m3", "#4"]
    assert (ballots[3].weight, ballots[3].count) == (1, 3)
    result = tally_motion(ballots, ballot_file.rule, electorate=ballot_file.electorate)
    # Partners only abstained, so workers weigh 5/8 and users 3/8: 5/8 yes falls short of 2/3.
    assert result.explanation["decision"]["weighted_yes_exact"] == "5/8"
    assert result.adopted is False


def test_a_preset_can_name_the_rule():
    text = '{"kind": "motion", "rule": {"preset": "be-sc-statutes", "convocation": 2}, "ballots": []}'
    rule = loads_ballot_file(text).rule
    assert rule is not None and rule.quorum == 0 and rule.base is Base.CAST


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        (
            '{"kind": "motion",\n "ballots": [\n  {"vote": "yes"},\n  {"vote": "maybe"}\n]}',
            4,
            "ballots.1.vote",
            "yes, no",
        ),
        (
            '{"kind": "plurality",\n "candidates": ["a"],\n "ballots": [\n {"vote": "b"}]}',
            4,
            "ballots.0.vote",
            "unknown",
        ),
        (
            '{"kind": "ranked", "candidates": ["a", "b"], "ballots": [\n{"vote": ["a", "a"]}]}',
            2,
            "ballots.0.vote",
            "twice",
        ),
        (
            '{"kind": "grades", "candidates": ["a"], "grades": ["Good", "Bad"],\n'
            '"ballots": [\n{"vote": {"a": "Meh"}}]}',
            3,
            "ballots.0.vote.a",
            "unknown grade",
        ),
        (
            '{"kind": "score", "candidates": ["a"], "ballots": [\n{"vote": {"a": "ten"}}]}',
            2,
            "ballots.0.vote.a",
            "score",
        ),
        (
            '{"kind": "approval", "candidates": ["a"], "ballots": [{"vote": ["a"], "weight": -1}]}',
            1,
            "ballots.0.weight",
            "negative",
        ),
        (
            '{"kind": "motion",\n "colleges": {"a": {"weight": 0.9}, "b": {"weight": 0.1}},\n "ballots": []}',
            2,
            "colleges",
            "invalid collège weights",
        ),
        (
            '{"kind": "motion", "rule": {"quorum": "1/5"}, "ballots": []}',
            1,
            "electorate",
            "needs the electorate",
        ),
        ('{"kind": "poll", "ballots": []}', 1, "kind", "not one of"),
        ('{"kind": "motion", "ballots": [], "colour": 1}', 1, "colour", "unknown field"),
        (
            '{"kind": "motion", "ballots": [\n{"vote": "yes", "voter": "x"},\n{"vote": "no", "voter": "x"}]}',
            3,
            "ballots.1.voter",
            "more than one",
        ),
    ],
)
def test_malformed_files_get_one_clear_line_naming_line_and_field(text, line, field, message):
    with pytest.raises(BallotFileError) as caught:
        loads_ballot_file(text, source="f.json")
    text_of_error = str(caught.value)
    assert text_of_error.startswith(f"f.json: line {line}: field {field}: "), text_of_error
    assert message in text_of_error
    assert "\n" not in text_of_error


def test_invalid_json_names_its_line():
    with pytest.raises(BallotFileError, match=r"f.json: line 3: invalid JSON"):
        loads_ballot_file('{"kind": "motion",\n"ballots": [\n  {"vote": "yes",}]}', source="f.json")


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(BallotFileError, match="cannot read"):
        read_ballot_file(tmp_path / "nope.json")


def test_grouped_anonymous_ballots_are_capped_voter_by_voter():
    """The Belgian example of the format page: 2,100 members voting yes in one grouped row are 2,100
    voters of weight 1, so the CNC cap (1/10 of 3,300 votes present = 330) bites only the big holder."""
    text = """{"kind": "motion", "rule": {"preset": "be-sc-statutes"}, "cap": "1/10", "electorate": 5000,
      "ballots": [{"voter": "h", "vote": "no", "weight": 900}, {"vote": "yes", "count": 2100},
                  {"vote": "no", "count": 300}]}"""
    ballot_file = loads_ballot_file(text)
    assert ballot_file.rule is not None
    result = tally_motion(motion_ballots(ballot_file), ballot_file.rule, electorate=ballot_file.electorate)
    assert result.explanation["cap"]["capped"] == [{"voter": "h", "weight": 900, "counted": 330}]
    assert result.explanation["counts"]["yes"] == 2100 and result.explanation["counts"]["no"] == 630
    assert result.explanation["quorum"]["present_or_represented"] == 3300
    # 2,100 of 2,730 = 76.9 % reaches 3/4; without the cap, 2,100 of 3,300 = 63.6 % would not.
    assert result.adopted is True


def test_spoiled_ballots_are_kept_apart():
    text = '{"kind": "approval", "candidates": ["a", "b"], "ballots": [{"spoiled": true}, {"vote": ["a"]}]}'
    ballot_file = loads_ballot_file(text)
    assert spoiled_weight(ballot_file) == 1
    assert len(approval_ballots(ballot_file)) == 1


def test_ranked_ballots_become_the_ranked_rules_profile():
    text = """{"kind": "ranked", "seats": 2,
      "candidates": [{"id": "a", "name": "Ada"}, "b", "c"],
      "ballots": [{"vote": ["a", ["b", "c"]], "count": 2}, {"vote": ["c"]}]}"""
    profile = ranked_profile(loads_ballot_file(text))
    assert profile.seats == 2
    assert profile.candidate_ids == ("a", "b", "c")
    assert profile.name_of("a") == "Ada"
    assert profile.total_weight == 3
    tiers = {b.tiers: b.weight for b in profile.ballots()}
    assert tiers == {(("a",), ("b", "c")): 2.0, (("c",),): 1.0}


def test_writing_then_reading_gives_the_same_motion_file(tmp_path):
    original = loads_ballot_file(MOTION)
    path = tmp_path / "motion.json"
    write_ballot_file(path, original)
    again = read_ballot_file(path)
    assert again == original
    assert path.read_text(encoding="utf-8").count("\n") >= len(original.ballots) + 1


def test_the_writer_puts_one_ballot_per_line_so_errors_point_at_it():
    ballot_file = BallotFile(
        kind="plurality",
        candidates=("a", "b"),
        ballots=(BallotRecord("a"), BallotRecord("b"), BallotRecord(None)),
    )
    text = dumps_ballot_file(ballot_file).replace('"vote": "b"', '"vote": "zed"')
    with pytest.raises(BallotFileError, match=r"line 3: field ballots.1.vote"):
        loads_ballot_file(text)


def test_an_exact_weight_that_is_no_decimal_is_written_as_a_fraction():
    ballot_file = BallotFile(
        kind="motion", ballots=(BallotRecord("yes", weight=Fraction(1, 3), voter="v"),), rule=MotionRule()
    )
    assert '"weight": "1/3"' in dumps_ballot_file(ballot_file)
    assert loads_ballot_file(dumps_ballot_file(ballot_file)).ballots[0].weight == Fraction(1, 3)


CANDS = ("a", "b", "c")
votes_by_kind = {
    "plurality": st.sampled_from([*CANDS, None]),
    "approval": st.frozensets(st.sampled_from(CANDS)),
    "score": st.dictionaries(st.sampled_from(CANDS), st.fractions(0, 10, max_denominator=4)),
    "grades": st.dictionaries(st.sampled_from(CANDS), st.sampled_from(["Good", "Fair", "Bad"])),
    "ranked": st.permutations(CANDS).map(lambda p: tuple((c,) for c in p)),
    "motion": st.sampled_from([c.value for c in MotionChoice]),
}


@st.composite
def ballot_files(draw: st.DrawFn) -> BallotFile:
    kind = draw(st.sampled_from(sorted(votes_by_kind)))
    records = draw(
        st.lists(
            st.builds(
                BallotRecord,
                vote=votes_by_kind[kind],
                weight=st.fractions(0, 5, max_denominator=3),
                count=st.integers(0, 3),
                spoiled=st.booleans() if kind != "motion" else st.just(False),
            ),
            max_size=8,
        )
    )
    records = [BallotRecord(None, r.weight, spoiled=True, count=r.count) if r.spoiled else r for r in records]
    return BallotFile(
        kind=kind,
        ballots=tuple(records),
        candidates=() if kind == "motion" else CANDS,
        grades=("Good", "Fair", "Bad") if kind == "grades" else (),
        rule=MotionRule() if kind == "motion" else None,
    )


@given(ballot_files())
def test_any_ballot_file_survives_a_round_trip_through_the_writer(ballot_file):
    """dumps then loads gives back an equal file, and the text is valid JSON."""
    text = dumps_ballot_file(ballot_file)
    json.loads(text)
    assert loads_ballot_file(text) == ballot_file


DOC = Path(__file__).resolve().parents[3] / "docs" / "methods" / "ballot-format-json.md"


def test_every_example_in_the_format_documentation_reads_and_counts(tmp_path):
    """The documentation's examples are real files: each parses and is counted by `coopgov tally`."""
    from coopgov.tools.tally import KIND_METHODS, tally_file

    examples = re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(examples) == 5
    for i, text in enumerate(examples):
        ballot_file = loads_ballot_file(text, source=f"example {i}")
        path = tmp_path / f"example{i}.json"
        path.write_text(text, encoding="utf-8")
        out = tally_file(KIND_METHODS[ballot_file.kind][0], path)
        assert "explanation" in out
