"""`coopgov budget`: JSON out, one clear line and exit code 2 on bad input, no Django needed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coopgov.tools.budget import main

FILE = """META
key;value
num_projects;3
num_votes;4
budget;100
vote_type;approval
PROJECTS
project_id;cost;name
A;70;Playground
B;40;Benches
C;20;Trees
VOTES
voter_id;vote
1;A,B,C
2;A,B,C
3;A,B
4;A
"""


@pytest.fixture
def pb(tmp_path: Path) -> Path:
    path = tmp_path / "small.pb"
    path.write_text(FILE, encoding="utf-8")
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_greedy_prints_selected_projects_cost_and_explanation(
    pb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["--method", "greedy", str(pb)], capsys)
    data = json.loads(out)
    assert code == 0
    assert data["selected"] == ["A", "C"] and data["cost"] == 90
    assert data["explanation"]["steps"][1]["decision"].startswith("skipped")


def test_greedy_no_skip_stops_at_the_first_project_that_does_not_fit(
    pb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(["--method", "greedy", "--no-skip", str(pb)], capsys)
    assert json.loads(out)["selected"] == ["A"]


def test_equal_shares_prints_its_rounds(pb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--method", "equal-shares", "--completion", "add1", str(pb)], capsys)
    data = json.loads(out)
    assert code == 0
    assert data["method"] == "equal-shares/add1"
    assert data["explanation"]["rounds"][0]["project"] == data["selected"][0]
    assert set(data) >= {"selected", "cost", "explanation", "tie_breaks"}


def test_a_malformed_file_gives_one_line_naming_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.pb"
    bad.write_text(FILE.replace("B;40;Benches", "B;forty;Benches"), encoding="utf-8")
    code, out, err = run(["--method", "greedy", str(bad)], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert f"{bad}, line 10: field 'cost': 'forty' is not a number" in err


def test_equal_shares_on_ranked_ballots_is_refused_with_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ranked = tmp_path / "ranked.pb"
    ranked.write_text(FILE.replace("vote_type;approval", "vote_type;ordinal"), encoding="utf-8")
    code, _, err = run(["--method", "equal-shares", str(ranked)], capsys)
    assert code == 2
    assert "ranked (ordinal) ballots" in err and "Traceback" not in err


def test_an_unknown_option_is_a_usage_error_with_exit_code_2(
    pb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--method", "lottery", str(pb)])
    assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_the_command_runs_without_django_settings_or_database(pb: Path) -> None:
    code = (
        "import sys, os; os.environ.pop('DJANGO_SETTINGS_MODULE', None);"
        "from coopgov.cli import main;"
        f"rc = main(['budget', '--method', 'equal-shares', {str(pb)!r}]);"
        "assert 'django' not in sys.modules, 'django was imported'; sys.exit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["selected"]


def test_the_official_add1_completion_on_a_real_election(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = shared_data / "pabulib" / "Poland_Swiecie_2023.pb"
    code, out, _ = run(["--method", "equal-shares", "--completion", "add1", str(path)], capsys)
    assert code == 0
    assert json.loads(out)["explanation"]["add1"]["final_share"] == 662
