"""`coopgov tally` counts For / Withhold elections (score ballots with the file's majority share) and
participatory budgets from a Pabulib file (the same count as `coopgov budget`, plus ``winners``)."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from coopgov.domain.formats.json_ballots import (
    BallotFile,
    BallotFileError,
    BallotRecord,
    dumps_ballot_file,
    loads_ballot_file,
)
from coopgov.domain.voting.for_withhold import invalid_mark
from coopgov.tools import budget as budget_tool
from coopgov.tools.tally import main, tally_file

# ann 4 For / 1 Withhold (4/5), bob 3/2 (3/5), cid 2/2 with one no opinion (1/2).
VOTES = [
    {"ann": 1, "bob": 1, "cid": 0},
    {"ann": 1, "bob": 0, "cid": 0},
    {"ann": 1, "bob": 1},
    {"ann": 0, "bob": 1, "cid": 1},
    {"ann": 1, "bob": 0, "cid": 1},
]


def _file(tmp_path, *, majority: str | None = "2/3", votes=VOTES, kind: str = "score"):
    head = {"kind": kind, "candidates": ["ann", "bob", "cid"], "seats": 2, "min_score": 0, "max_score": 1}
    if majority is not None:
        head["majority"] = majority
    head["ballots"] = [{"vote": v} for v in votes]
    path = tmp_path / "fw.json"
    path.write_text(json.dumps(head), encoding="utf-8")
    return path


def test_the_files_majority_decides_who_is_confirmed(tmp_path):
    out = tally_file("for-withhold", _file(tmp_path), seed="1")
    assert out["method"] == "for-withhold"
    assert out["winners"] == ["ann"]  # only ann reaches 2/3; one seat stays vacant
    assert out["explanation"]["majority"] == "2/3" and out["explanation"]["vacant"] == 1
    # At an absolute majority (more than half), bob (3 of 5) is confirmed too; cid (2 of 4) is not.
    half = tally_file("for-withhold", _file(tmp_path, majority="1/2"), seed="1")
    assert half["winners"] == ["ann", "bob"]


def test_majority_on_the_command_line_overrides_the_file_and_defaults_to_a_half(tmp_path):
    assert tally_file("for-withhold", _file(tmp_path), majority="1/2", seed="1")["winners"] == ["ann", "bob"]
    assert tally_file("for-withhold", _file(tmp_path, majority=None), seed="1")["explanation"][
        "majority"
    ] == ("1/2")


def test_a_mark_other_than_for_or_withhold_makes_the_ballot_null(tmp_path):
    out = tally_file("for-withhold", _file(tmp_path, votes=[*VOTES, {"ann": 2}]), seed="1")
    assert out["explanation"]["null"] == 1 and out["winners"] == ["ann"]


def test_the_majority_is_written_and_read_back():
    ballots = (BallotRecord(vote={"ann": Fraction(1)}),)
    original = BallotFile(kind="score", ballots=ballots, candidates=("ann",), majority=Fraction(2, 3))
    text = dumps_ballot_file(original)
    assert '"majority": "2/3"' in text.splitlines()[0]
    assert loads_ballot_file(text).majority == Fraction(2, 3)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"majority": "3/2"}, "field majority: the share of For must be above 0 and at most 1"),
        ({"majority": [1, 2]}, 'field majority: expected a share such as "1/2" or "2/3"'),
        ({"kind": "approval"}, "field majority: only For / Withhold elections"),
    ],
)
def test_a_wrong_majority_field_is_refused_naming_line_and_field(change, message):
    head = {"kind": "score", "candidates": ["ann"], "majority": "1/2", "ballots": []}
    head.update(change)
    with pytest.raises(BallotFileError, match="line 1: " + message):
        loads_ballot_file(json.dumps(head))


def test_for_withhold_counts_only_score_ballots_and_majority_only_applies_to_it(tmp_path, capsys):
    ranked = tmp_path / "r.json"
    ranked.write_text(json.dumps({"kind": "ranked", "candidates": ["a"], "ballots": []}), encoding="utf-8")
    assert main(["--method", "for-withhold", str(ranked)]) == 2
    assert "method for-withhold cannot count ranked ballots" in capsys.readouterr().err
    assert main(["--method", "score", "--majority", "1/2", str(_file(tmp_path))]) == 2
    assert "--majority applies to for-withhold only" in capsys.readouterr().err
    assert main(["--method", "for-withhold", "--majority", "two thirds", str(_file(tmp_path))]) == 2
    assert "--majority: 'two thirds' is not a share" in capsys.readouterr().err


def test_the_help_documents_for_withhold_and_the_budget_methods(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "for-withhold" in text and "--majority" in text and '"majority"' in text
    assert "1 = For, 0 = Withhold" in text and "Pabulib .pb" in text


PABULIB = """META
key;value
description;test
num_projects;3
num_votes;4
budget;1000
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
garden;600;Garden
bikes;300;Bikes
cafe;500;Cafe
VOTES
voter_id;vote
v1;garden,bikes
v2;garden
v3;cafe,bikes
v4;cafe
"""


@pytest.mark.parametrize("method", ["greedy", "equal-shares"])
def test_a_pabulib_file_counts_as_coopgov_budget_counts_it_plus_winners(tmp_path, capsys, method):
    path = tmp_path / "budget.pb"
    path.write_text(PABULIB, encoding="utf-8")
    options = {
        "greedy": ["--tie-break", "lottery"],
        "equal-shares": ["--completion", "add1", "--tie-break", "official"],
    }[method]
    assert budget_tool.main([str(path), "--method", method, *options, "--seed", "4"]) == 0
    expected = json.loads(capsys.readouterr().out)
    assert main(["--method", method, "--seed", "4", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["winners"] == out["selected"] == expected["selected"]
    assert {k: v for k, v in out.items() if k not in ("winners", "file")} == expected


def test_budget_methods_and_pabulib_files_go_together(tmp_path, capsys):
    pb = tmp_path / "budget.pb"
    pb.write_text(PABULIB, encoding="utf-8")
    assert main(["--method", "approval", str(pb)]) == 2
    assert "a Pabulib file holds a participatory budget; count it with greedy or equal-shares" in (
        capsys.readouterr().err
    )
    assert main(["--method", "greedy", str(_file(tmp_path))]) == 2
    assert "method greedy counts a participatory budget: give a Pabulib .pb file" in capsys.readouterr().err
    assert main(["--method", "greedy", "--seats", "2", str(pb)]) == 2
    assert "--seats does not apply" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("marks", "wrong"),
    [
        ({"a": 1, "b": 0}, None),
        ({"a": "1", "b": 0.0}, None),
        ({"a": 1, "b": 2}, ("b", 2)),
        ({"a": True}, ("a", True)),
        ({"a": "for"}, ("a", "for")),
        ({"a": None}, ("a", None)),
        ({"a": 0.5}, ("a", 0.5)),
    ],
)
def test_invalid_mark_names_the_first_candidate_with_another_mark(marks, wrong):
    assert invalid_mark(marks) == wrong
