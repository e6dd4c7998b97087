"""Reading and writing Pabulib files: exact amounts, every ballot kind, and errors that name the line."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from coopgov.domain.formats.pabulib import (
    PabulibError,
    from_election,
    load_election,
    parse_pabulib,
    read_pabulib,
    to_election,
    write_pabulib,
)

SMALL = """META
key;value
description;A small example
num_projects;3
num_votes;4
budget;1000.50
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;votes;name;selected
a;600.25;3;"Bike racks; by the station";1
b;400;2;Benches;1
c;300;1;Trees;0
VOTES
voter_id;vote
v1;a,b
v2;a
v3;a,b
v4;c
"""


def parse(text: str) -> tuple[object, object]:
    pb = parse_pabulib(text, source="x.pb")
    return pb, to_election(pb, source="x.pb")


def test_it_reads_projects_ballots_and_amounts_exactly() -> None:
    pb, election = parse(SMALL)
    assert election.budget == Fraction(200100, 200)
    assert [p.id for p in election.projects] == ["a", "b", "c"]
    assert election.project("a").cost == Fraction("600.25")
    assert election.project("a").name == "Bike racks; by the station"
    assert [b.projects for b in election.ballots] == [("a", "b"), ("a",), ("a", "b"), ("c",)]
    assert pb.meta_value("rule") == "greedy"


def test_it_reads_points_of_cumulative_ballots() -> None:
    text = SMALL.replace("vote_type;approval", "vote_type;cumulative").replace(
        "voter_id;vote\nv1;a,b\nv2;a\nv3;a,b\nv4;c",
        "voter_id;vote;points\nv1;a,b;2,1\nv2;a;3\nv3;a,b;1,2\nv4;c;3",
    )
    _, election = parse(text)
    assert election.ballots[0].points == (2, 1)
    assert election.vote_type == "cumulative"


def test_writing_then_reading_gives_the_same_election() -> None:
    _, election = parse(SMALL)
    again = to_election(parse_pabulib(write_pabulib(from_election(election))))
    assert again == election


def test_writing_keeps_every_column_of_a_file_read() -> None:
    pb = parse_pabulib(SMALL)
    assert parse_pabulib(write_pabulib(pb)) == pb


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "words"),
    [
        ("budget;1000.50", "budget;lots", 6, "budget", "not a number"),
        ("b;400;2", "b;four hundred;2", 12, "cost", "not a number"),
        ("v4;c", "v4;z", 19, "vote", "'z' is not in PROJECTS"),
        ("v2;a\n", "v2;a,a\n", 17, "vote", "twice"),
        ("c;300;1", "a;300;1", 13, "project_id", "appears twice"),
        ("v3;a,b", "v3;a,b;extra", 18, None, "3 fields"),
        ("project_id;cost", "id;cost", 10, "id", "must start with 'project_id'"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_line_and_field(
    old: str, new: str, line: int, field: str | None, words: str
) -> None:
    with pytest.raises(PabulibError) as caught:
        parse(SMALL.replace(old, new))
    err = caught.value
    assert (err.line, err.field) == (line, field)
    assert words in str(err)
    assert str(err).startswith(f"x.pb, line {line}:")


def test_points_that_do_not_match_the_vote_are_refused() -> None:
    text = SMALL.replace("vote_type;approval", "vote_type;cumulative").replace(
        "voter_id;vote\nv1;a,b", "voter_id;vote;points\nv1;a,b;2"
    )
    with pytest.raises(PabulibError, match=r"line 16: field 'points': 1 points for 2 projects"):
        parse(text)


def test_a_file_without_votes_is_refused() -> None:
    with pytest.raises(PabulibError, match="VOTES section is missing"):
        parse(SMALL.split("VOTES")[0])


def test_a_file_that_is_not_utf8_is_refused_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.pb"
    path.write_bytes(SMALL.replace("Trees", "Arbres à fleurs").encode("latin-1"))
    with pytest.raises(PabulibError, match=r"line 13: not valid UTF-8"):
        read_pabulib(path)


def test_a_missing_file_is_reported_not_raised_as_oserror(tmp_path: Path) -> None:
    with pytest.raises(PabulibError, match="cannot read file"):
        read_pabulib(tmp_path / "nope.pb")


def test_every_real_pabulib_instance_reads(pabulib: Path) -> None:
    kinds: dict[str, int] = {}
    for path in sorted(pabulib.glob("*.pb")):
        if path.name == "Poland_Lodz_2022.pb":
            continue  # the largest file: read by the equal-shares tests and the benchmark
        election, pb = load_election(path)
        assert len(election.ballots) == int(pb.meta_value("num_votes"))
        assert len(election.projects) == int(pb.meta_value("num_projects"))
        kinds[election.vote_type] = kinds.get(election.vote_type, 0) + 1
    assert set(kinds) == {"approval", "choose-1", "cumulative", "ordinal"}
