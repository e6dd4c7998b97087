"""`coopgov sortition`: JSON on stdout for a draw, one clear line on stderr and exit 2 for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coopgov.tools.sortition import main


def _flanigan(shared_data: Path) -> list[str]:
    folder = shared_data / "sortition" / "flanigan2021" / "example_small_20"
    return [str(folder / "respondents.csv"), str(folder / "categories.csv")]


def test_it_prints_the_selected_panel_and_every_probability(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--panel", "20", "--seed", "9", *_flanigan(shared_data)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["selected"]) == 20
    assert len(out["probabilities"]) == 200
    assert out["probabilities"]["0"] == pytest.approx(0.1, abs=1e-6)
    assert out["seed"] == 9 and out["algorithm"] == "leximin" and out["convention"] == "flanigan2021"


def test_it_runs_the_legacy_greedy_on_the_sortition_foundation_files(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = shared_data / "sortition" / "sortition-algorithms-fixture"
    argv = ["--panel", "22", "--seed", "3", "--algorithm", "legacy", "--legacy-runs", "20"]
    argv += ["--address-columns", "primary_address1,primary_zip"]
    assert main([*argv, str(folder / "candidates.csv"), str(folder / "features.csv")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["selected"]) == 22 and out["selected"][0].startswith("p")
    assert out["explanation"]["probability_estimate_runs"] == 20


def test_a_malformed_file_gives_one_line_naming_file_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "features.csv").write_text("feature,value,min,max\nGender,Female,x,2\n", encoding="utf-8")
    (tmp_path / "people.csv").write_text("id,Gender\n1,Female\n", encoding="utf-8")
    code = main(["--panel", "1", "--seed", "1", str(tmp_path / "people.csv"), str(tmp_path / "features.csv")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "features.csv, line 2, column 'min': 'x' is not a whole number" in err


def test_infeasible_quotas_give_one_line_naming_the_quotas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "features.csv").write_text(
        "feature,value,min,max\nGender,Female,3,3\nGender,Male,3,3\n", encoding="utf-8"
    )
    (tmp_path / "people.csv").write_text(
        "id,Gender\n" + "".join(f"{i},{'Female' if i % 2 else 'Male'}\n" for i in range(10)), encoding="utf-8"
    )
    code = main(["--panel", "4", "--seed", "1", str(tmp_path / "people.csv"), str(tmp_path / "features.csv")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "Gender" in err and "more than the panel size 4" in err and "Traceback" not in err


def test_a_missing_file_is_reported_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--panel", "1", "--seed", "1", str(tmp_path / "nope.csv"), str(tmp_path / "none.csv")])
    err = capsys.readouterr().err
    assert code == 2 and "none.csv: cannot read the file" in err
