"""`coopgov tally`: JSON out for every method, one clear error line (exit 2) for every bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coopgov.tools.tally import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict | None, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out else None), err


def write(tmp_path: Path, name: str, document: dict | str) -> Path:
    path = tmp_path / name
    path.write_text(
        document if isinstance(document, str) else json.dumps(document, indent=1), encoding="utf-8"
    )
    return path


def test_plurality_prints_winners_ranking_and_explanation(tmp_path, capsys):
    path = write(
        tmp_path,
        "p.json",
        {
            "kind": "plurality",
            "candidates": ["a", "b"],
            "ballots": [{"vote": "b", "count": 2}, {"vote": "a"}],
        },
    )
    code, out, err = run(capsys, "--method", "plurality", str(path))
    assert code == 0 and err == ""
    assert out["winners"] == ["b"]
    assert out["ranking"] == [["b"], ["a"]]
    assert out["explanation"]["votes"] == {"a": 1, "b": 2}
    assert out["seed"] == "0" and out["seats"] == 1


def test_a_motion_prints_adopted_and_per_college_tallies(tmp_path, capsys):
    document = {
        "kind": "motion",
        "rule": {"preset": "fr-scic-sa-age", "convocation": 2},
        "colleges": {
            n: {"weight": w, "electorate": 5} for n, w in (("w", "1/2"), ("u", "3/10"), ("p", "1/5"))
        },
        "ballots": [
            {"college": "w", "vote": "yes", "count": 2},
            {"college": "u", "vote": "yes"},
            {"college": "p", "vote": "no"},
        ],
    }
    code, out, _ = run(capsys, "--method", "motion", str(write(tmp_path, "m.json", document)))
    assert code == 0
    assert out["adopted"] is True  # 4/5 weighted yes, quorum 4 of 15 ≥ 1/5
    assert out["winners"] == []
    assert {c["college"] for c in out["explanation"]["colleges"]} == {"w", "u", "p"}
    assert out["explanation"]["quorum"]["quorum_reached"] is True


def test_approval_respects_the_files_choice_limits_and_seats(tmp_path, capsys):
    document = {
        "kind": "approval",
        "candidates": ["a", "b", "c"],
        "seats": 2,
        "max_choices": 2,
        "ballots": [{"vote": ["a", "b"]}, {"vote": ["a", "b", "c"]}, {"vote": ["c"]}, {"vote": ["a"]}],
    }
    code, out, _ = run(capsys, "--method", "approval", str(write(tmp_path, "a.json", document)))
    assert code == 0
    assert out["winners"][0] == "a" and len(out["winners"]) == 2
    assert out["explanation"]["null"] == 1


def test_score_and_majority_judgment_from_json(tmp_path, capsys):
    score = {
        "kind": "score",
        "candidates": ["a", "b"],
        "max_score": 5,
        "ballots": [{"vote": {"a": 5, "b": 1}}, {"vote": {"b": 3}}],
    }
    code, out, _ = run(capsys, "--method", "score", str(write(tmp_path, "s.json", score)))
    assert code == 0 and out["winners"] == ["a"]
    grades = {
        "kind": "grades",
        "candidates": ["a", "b"],
        "grades": ["Très bien", "Bien", "Passable", "À rejeter"],
        "ballots": [
            {"vote": {"a": "Bien", "b": "Très bien"}},
            {"vote": {"a": "Bien", "b": "À rejeter"}},
            {"vote": {"a": "Passable", "b": "Passable"}},
        ],
    }
    code, out, _ = run(capsys, "--method", "majority-judgment", str(write(tmp_path, "g.json", grades)))
    assert code == 0 and out["winners"] == ["a"]
    assert out["explanation"]["candidates"]["a"]["majority_grade"] == "Bien"


def test_the_same_seed_gives_the_same_tie_break_and_records_it(tmp_path, capsys):
    path = write(
        tmp_path,
        "t.json",
        {"kind": "plurality", "candidates": ["a", "b", "c"], "ballots": [{"vote": c} for c in "abc"]},
    )
    outs = [run(capsys, "--method", "plurality", "--seed", "42", str(path))[1] for _ in range(2)]
    assert outs[0] == outs[1]
    assert outs[0]["tie_breaks"][0]["tied"] == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--method", "schulze", "{plurality}"], "cannot count plurality ballots; use plurality"),
        (["--method", "plurality", "{bad}"], "line 3: field ballots.0.vote"),
        (["--method", "plurality", "{missing}"], "cannot read"),
        (["--method", "plurality", "{txt}"], "unknown file type .txt"),
        (["--method", "plurality", "--seats", "0", "{plurality}"], "--seats must be at least 1"),
        (["--method", "borda", "{plurality}"], "invalid choice: 'borda'"),
        (["{plurality}"], "--method"),
    ],
)
def test_bad_input_gives_one_line_on_stderr_and_exit_code_2(tmp_path, capsys, argv, message):
    files = {
        "plurality": write(tmp_path, "p.json", {"kind": "plurality", "candidates": ["a"], "ballots": []}),
        "bad": write(
            tmp_path,
            "bad.json",
            '{"kind": "plurality", "candidates": ["a"],\n "ballots": [\n {"vote": "z"}]}',
        ),
        "missing": tmp_path / "missing.json",
        "txt": write(tmp_path, "x.txt", "hello"),
    }
    code, out, err = run(capsys, *[a.format(**files) for a in argv])
    assert code == 2 and out is None
    assert err.startswith("coopgov tally: ") and err.count("\n") == 1, err
    assert message in err
    assert "Traceback" not in err


def test_the_command_works_through_the_coopgov_entry_point(tmp_path, capsys):
    from coopgov.cli import main as coopgov

    path = write(tmp_path, "p.json", {"kind": "plurality", "candidates": ["a"], "ballots": [{"vote": "a"}]})
    assert coopgov(["tally", "--method", "plurality", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["winners"] == ["a"]


# --- ranked methods, through the ranked engineer's rules and readers ----------------------------------

RANKED = {
    "kind": "ranked",
    "candidates": ["a", "b", "c"],
    "ballots": [
        {"vote": ["a", "b", "c"], "count": 4},
        {"vote": ["b", "c", "a"], "count": 3},
        {"vote": ["c", "b", "a"], "count": 2},
    ],
}


@pytest.mark.parametrize(
    ("method", "winner"), [("schulze", "b"), ("ranked-pairs", "b"), ("irv", "b"), ("plurality", "a")]
)
def test_ranked_json_ballots_are_counted_by_the_ranked_rules(tmp_path, capsys, method, winner):
    """b is the Condorcet winner (beats a 5–4 and c 7–2); IRV drops c, whose two ballots go to b, which
    then beats a 5–4; plurality of first choices elects a (4 against 3 and 2)."""
    pytest.importorskip("coopgov.domain.voting.ranked")
    code, out, err = run(capsys, "--method", method, str(write(tmp_path, "r.json", RANKED)))
    assert code == 0, err
    assert out["winners"] == [winner]


def test_stv_takes_seats_from_the_command_line(tmp_path, capsys):
    pytest.importorskip("coopgov.domain.voting.stv")
    code, out, err = run(
        capsys, "--method", "stv-meek", "--seats", "2", str(write(tmp_path, "r.json", RANKED))
    )
    assert code == 0, err
    assert len(out["winners"]) == 2


def test_schulze_elects_bdale_garbee_in_the_debian_2002_preflib_file(shared_data, capsys):
    pytest.importorskip("coopgov.domain.formats.preflib")
    path = shared_data / "preflib" / "00002 - debian" / "00002-00000001.soi"
    code, out, err = run(capsys, "--method", "schulze", str(path))
    assert code == 0, err
    assert out["winners"] == ["3"]  # candidate 3 is Bdale Garbee, elected in 2002


def test_plurality_on_a_preflib_file_counts_first_preferences(shared_data, capsys):
    pytest.importorskip("coopgov.domain.formats.preflib")
    path = shared_data / "preflib" / "00002 - debian" / "00002-00000001.soi"
    code, out, _ = run(capsys, "--method", "plurality", str(path))
    assert code == 0
    assert out["explanation"]["derived"] == "first preferences of the rankings"
    assert sum(out["explanation"]["votes"].values()) + out["explanation"]["null"] > 0


def test_majority_judgment_on_rankings_is_a_clear_error(shared_data, capsys):
    path = shared_data / "preflib" / "00002 - debian" / "00002-00000001.soi"
    code, _, err = run(capsys, "--method", "majority-judgment", str(path))
    assert code == 2 and "cannot count rankings" in err


def test_scottish_csv_carries_its_seats(shared_data, capsys):
    pytest.importorskip("coopgov.domain.formats.scottish")
    path = shared_data / "scot-elex" / "3_cands" / "eilean_siar_2022_ward3.csv"
    code, out, err = run(capsys, "--method", "stv-scottish", str(path))
    assert code == 0, err
    assert out["seats"] == 2 and len(out["winners"]) == 2


def test_a_single_winner_ranked_rule_refuses_several_seats(tmp_path, capsys):
    pytest.importorskip("coopgov.domain.voting.ranked")
    code, _, err = run(capsys, "--method", "schulze", "--seats", "2", str(write(tmp_path, "r.json", RANKED)))
    assert code == 2 and "use stv-scottish or stv-meek" in err
