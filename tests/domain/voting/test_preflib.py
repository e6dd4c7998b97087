"""PrefLib files: reading the real ones, writing and reading back, and clear errors for broken ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopgov.domain.formats.preflib import BallotFileError, read_preflib, write_preflib
from coopgov.domain.voting.ranked_ballots import RankedBallot, RankedProfile

HEADER = "# DATA TYPE: {kind}\n# NUMBER ALTERNATIVES: 3\n# ALTERNATIVE NAME 1: Ann\n"


def _write(tmp_path: Path, body: str, kind: str = "soi") -> Path:
    path = tmp_path / f"election.{kind}"
    path.write_text(HEADER.format(kind=kind) + body, encoding="utf-8")
    return path


def test_reading_the_debian_2002_file_gives_its_candidates_and_voters(shared_data: Path) -> None:
    profile = read_preflib(shared_data / "preflib" / "00002 - debian" / "00002-00000001.toc")
    assert profile.candidate_ids == ("1", "2", "3", "4")
    assert profile.name_of("3") == "Bdale Garbee"
    assert profile.total_weight == 475
    assert profile.is_complete()
    assert not profile.is_strict()  # "9: 3,{1,2,4}" ties the rest


def test_every_real_preflib_file_reads_and_matches_its_header_counts(shared_data: Path) -> None:
    # The Irish .toc files repeat their .soi with the unranked tied last (1 MB each; read in the STV tests).
    files = sorted(
        p
        for p in (shared_data / "preflib").glob("*/*")
        if p.suffix in {".soc", ".soi", ".toi"} or (p.suffix == ".toc" and not p.name.startswith("00001"))
    )
    assert len(files) > 100
    for path in files:
        profile = read_preflib(path)
        voters = next(
            int(line.split(":")[1])
            for line in path.read_text().splitlines()
            if line.startswith("# NUMBER VOTERS")
        )
        assert profile.total_weight == voters, path.name
        if path.suffix in {".soc", ".soi"}:
            assert profile.is_strict(), path.name
        if path.suffix in {".soc", ".toc"}:
            assert profile.is_complete(), path.name


def test_the_strict_file_path_and_the_line_by_line_path_agree(tmp_path: Path) -> None:
    """The vectorised reader is used for strict files; the same orders with braces take the other path."""
    fast = _write(tmp_path, "3: 1,2,3\n2: 3\n4 : 2 , 1\n")
    slow = tmp_path / "election.toi"
    slow.write_text(HEADER.format(kind="toi") + "3: 1,2,3\n2: 3\n4 : 2 , 1\n1: {1,2}\n", encoding="utf-8")
    a = read_preflib(fast)
    b = read_preflib(slow)
    assert {x.tiers: x.weight for x in a.ballots()}.items() <= {
        x.tiers: x.weight for x in b.ballots()
    }.items()
    assert b.total_weight == a.total_weight + 1


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        ("3: 1,2,3\n2: 1,1\n", 5, "candidate 1 appears twice"),
        ("3: 1,2,3\n2 1,2\n", 5, "no colon"),
        ("3: 1,4\n", 4, "candidate 4 is outside"),
        ("x: 1\n", 4, "count 'x' is not a whole number"),
        ("1: 1,,2\n", 4, "'' is not a candidate number"),
        ("1: 1,2,\n", 4, "ends with a comma"),
        ("1: 1 2\n", 4, "'1 2' is not a candidate number"),
        ("1:\n", 4, "empty"),
        ("1: {1,2\n", 4, "never closed"),
        ("1: 1,{2,3}\n", 4, "cannot hold ties"),
    ],
)
def test_a_malformed_order_line_is_reported_with_its_line_number(
    tmp_path: Path, body: str, line: int, reason: str
) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(BallotFileError, match=reason) as caught:
        read_preflib(path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_a_complete_type_must_rank_every_candidate(tmp_path: Path) -> None:
    path = _write(tmp_path, "3: 1,2,3\n1: 2,1\n", kind="soc")
    with pytest.raises(BallotFileError, match="must rank all 3") as caught:
        read_preflib(path)
    assert caught.value.line == 5


def test_counts_that_disagree_with_the_header_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "e.soi"
    path.write_text(
        "# DATA TYPE: soi\n# NUMBER ALTERNATIVES: 2\n# NUMBER VOTERS: 9\n3: 1,2\n", encoding="utf-8"
    )
    with pytest.raises(BallotFileError, match="add up to 3, but NUMBER VOTERS says 9"):
        read_preflib(path)


def test_a_missing_file_or_unknown_type_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BallotFileError, match="cannot read file"):
        read_preflib(tmp_path / "absent.soi")
    path = tmp_path / "e.xyz"
    path.write_text("# NUMBER ALTERNATIVES: 2\n1: 1,2\n", encoding="utf-8")
    with pytest.raises(BallotFileError, match="unknown PrefLib data type"):
        read_preflib(path)


orders = st.lists(
    st.tuples(
        st.permutations(["1", "2", "3", "4", "5"]), st.integers(1, 5), st.booleans(), st.integers(1, 9)
    ),
    min_size=1,
    max_size=20,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(orders)
def test_writing_then_reading_gives_back_the_same_profile(
    tmp_path: Path, raw: list[tuple[list[str], int, bool, int]]
) -> None:
    """Any profile, strict or with ties, complete or not, survives write_preflib → read_preflib."""
    ballots = []
    for order, k, tie, weight in raw:
        tiers = [(c,) for c in order[:k]]
        if tie and k >= 2:
            tiers = [tiers[0], (order[1], order[0]), *tiers[2:]][1:]
        ballots.append(RankedBallot(tuple(tiers), float(weight)))
    profile = RankedProfile.from_ballots([str(i) for i in range(1, 6)], ballots)
    path = tmp_path / "out.toi"
    write_preflib(profile, path, title="round trip")
    again = read_preflib(path)
    assert np.array_equal(profile.ranks, again.ranks)
    assert np.array_equal(profile.weights, again.weights)


def test_the_written_data_type_follows_the_ballots(tmp_path: Path) -> None:
    strict = RankedProfile.from_ballots("ab", [["a", "b"]])
    write_preflib(strict, tmp_path / "s.soc")
    assert "# DATA TYPE: soc" in (tmp_path / "s.soc").read_text()
    tied = RankedProfile.from_ballots("abc", [[("a", "b")]])
    write_preflib(tied, tmp_path / "t.toi")
    text = (tmp_path / "t.toi").read_text()
    assert "# DATA TYPE: toi" in text and "1: {1,2}" in text
