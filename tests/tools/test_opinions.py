"""`coopgov opinions`: JSON out for a real conversation, one clear error line (exit 2) for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coopgov.tools.opinions import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict | None, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out else None), err


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


COMMENTS = "comment-id,author-id,moderated,comment-body\n0,0,1,Yes\n1,0,1,No\n"


def test_a_real_conversation_prints_groups_consensus_and_coordinates(shared_data, capsys):
    folder = shared_data / "polis" / "scoop-hivemind.taxes"
    code, out, err = run(capsys, "--format", "json", str(folder / "comments.csv"), str(folder / "votes.csv"))
    assert code == 0 and err == ""
    assert len(out["groups"]) == 2
    members = [m for g in out["groups"] for m in g["members"]]
    assert len(members) == len(set(members)) == out["participants_in_groups"] == 293
    for group in out["groups"]:
        assert group["representative"] and group["representative"][0]["text"]
        assert {"statement", "direction", "p_success", "repness", "repness_test"} <= set(
            group["representative"][0]
        )
    assert set(out["consensus"]) == {"agree", "disagree"}
    assert len(out["coordinates"]) == out["participants"] == 334
    assert all(len(xy) == 2 for xy in out["coordinates"].values())


def test_participants_votes_can_stand_in_for_a_missing_votes_file(shared_data, capsys):
    folder = shared_data / "polis" / "scoop-hivemind.taxes"
    _, from_votes, _ = run(capsys, str(folder / "comments.csv"), str(folder / "votes.csv"))
    _, from_matrix, _ = run(capsys, str(folder / "comments.csv"), str(folder / "participants-votes.csv"))
    assert [g["members"] for g in from_votes["groups"]] == [g["members"] for g in from_matrix["groups"]]


def test_a_bad_vote_is_one_line_naming_file_line_and_field(tmp_path, capsys):
    comments = write(tmp_path, "comments.csv", COMMENTS)
    votes = write(
        tmp_path, "votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,3,1\n2,x,1,3,maybe\n"
    )
    code, out, err = run(capsys, str(comments), str(votes))
    assert code == 2 and out is None
    assert err.count("\n") == 1 and "votes.csv" in err and "line 3" in err and "'vote'" in err


def test_a_vote_on_an_unknown_statement_is_refused(tmp_path, capsys):
    comments = write(tmp_path, "comments.csv", COMMENTS)
    votes = write(tmp_path, "votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n1,x,9,3,1\n")
    code, _, err = run(capsys, str(comments), str(votes))
    assert code == 2 and "[9]" in err and err.count("\n") == 1


def test_a_missing_file_is_one_line(tmp_path, capsys):
    code, _, err = run(capsys, str(tmp_path / "comments.csv"), str(tmp_path / "votes.csv"))
    assert code == 2 and err.count("\n") == 1 and "comments.csv" in err


def test_a_bad_comments_file_names_its_line(tmp_path, capsys):
    comments = write(tmp_path, "comments.csv", COMMENTS + "2,0,7,Maybe\n")
    votes = write(tmp_path, "votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,3,1\n")
    code, _, err = run(capsys, str(comments), str(votes))
    assert code == 2 and "line 4" in err and "moderated" in err


def test_replay_rebuilds_the_map_from_the_history_of_votes(shared_data, capsys):
    folder = shared_data / "polis" / "scoop-hivemind.freshwater"
    comments, votes = str(folder / "comments.csv"), str(folder / "votes.csv")
    code, out, err = run(capsys, "--replay-hours", "24", comments, votes)
    assert code == 0 and err == ""
    assert out["participants"] == 117 and len(out["groups"]) >= 2


def test_replay_needs_the_timestamps_of_votes_csv(shared_data, capsys):
    folder = shared_data / "polis" / "scoop-hivemind.freshwater"
    code, out, err = run(
        capsys, "--replay-hours", "24", str(folder / "comments.csv"), str(folder / "participants-votes.csv")
    )
    assert code == 2 and out is None and "votes.csv" in err and err.count("\n") == 1


def test_the_in_conv_history_places_polis_early_participants_too(shared_data, capsys):
    folder = shared_data / "polis" / "scoop-hivemind.biodiversity"
    comments, votes = str(folder / "comments.csv"), str(folder / "votes.csv")
    code, out, err = run(capsys, comments, votes)
    assert code == 0 and out["participants_in_groups"] == 441
    code, out, err = run(capsys, "--in-conv-history", comments, votes)
    assert code == 0 and err == ""
    assert out["participants_in_groups"] == 443  # exactly the participants Polis grouped
    members = {p for g in out["groups"] for p in g["members"]}
    assert {7, 11} <= members


def test_the_in_conv_history_needs_votes_csv_and_no_replay(shared_data, capsys):
    folder = shared_data / "polis" / "scoop-hivemind.freshwater"
    comments = str(folder / "comments.csv")
    code, out, err = run(capsys, "--in-conv-history", comments, str(folder / "participants-votes.csv"))
    assert code == 2 and out is None and "votes.csv" in err and err.count("\n") == 1
    code, out, err = run(
        capsys, "--in-conv-history", "--replay-hours", "24", comments, str(folder / "votes.csv")
    )
    assert code == 2 and out is None and "not both" in err and err.count("\n") == 1
