"""Scottish council election CSVs: the real files read, broken ones are reported by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopgov.domain.formats.scottish import BallotFileError, read_scottish_csv, read_scottish_election

EXAMPLE = """3,2,
12,1,
88,1,3,2,
14,2,3,
8,3,
"Candidate 1","Alvin the First","Party A (A)",
"Candidate 2","Becca the Second","Party B (B)",
"Candidate 3","Carrie the Third","Party C (C)",
"Wardy McWard Town",
"""


def test_the_documented_example_reads_with_seats_names_parties_and_ward(tmp_path: Path) -> None:
    path = tmp_path / "example.csv"
    path.write_text(EXAMPLE, encoding="utf-8")
    election = read_scottish_election(path)
    profile = election.profile
    assert profile.seats == 2
    assert profile.candidate_ids == ("1", "2", "3")
    assert profile.name_of("2") == "Becca the Second"
    assert election.parties == ("Party A (A)", "Party B (B)", "Party C (C)")
    assert election.ward == "Wardy McWard Town"
    assert profile.total_weight == 122
    assert {b.tiers: b.weight for b in profile.ballots()}[(("1",), ("3",), ("2",))] == 88


def test_aberdeen_2017_ward_12_has_its_candidates_names(shared_data: Path) -> None:
    profile = read_scottish_csv(shared_data / "scot-elex" / "10_cands" / "aberdeen_2017_ward12.csv")
    assert profile.seats == 4
    assert profile.name_of("9") == "Piotr Teodorowski"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("3\n", 1, "first row must be 'candidates,seats'"),
        ("3,x,\n", 1, "number of seats must be a whole number"),
        ("3,4,\n", 1, "4 seats for only 3 candidates"),
        ("3,2,\n12,1,\n5,1,4,\n", 3, "preference 2 names candidate 4, outside 1…3"),
        ("3,2,\n12,1,1,\n", 2, "candidate 1 is ranked twice"),
        ("3,2,\n12,1,a,\n", 2, "preference 2 must be a whole number"),
        ('3,2,\n12,1,\n"Candidate 1","A","P",\n', 3, "expected 3 candidate rows, found 1"),
    ],
)
def test_a_malformed_scottish_file_names_the_line_and_the_problem(
    tmp_path: Path, text: str, line: int, reason: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BallotFileError, match=reason) as caught:
        read_scottish_csv(path)
    assert caught.value.line == line
    assert str(path) in str(caught.value)


def test_blt_end_markers_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "blt.csv"
    path.write_text(
        EXAMPLE.replace("88,1,3,2,", "88,1,3,2,0,").replace("8,3,\n", "8,3,\n0,\n"), encoding="utf-8"
    )
    assert read_scottish_csv(path).total_weight == 122
