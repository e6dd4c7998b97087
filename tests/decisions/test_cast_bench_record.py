"""The HTTP ballot benchmark's own logic (benchmarks/http_ballots_record.py): its plan, the reading of
wrk's record, and the reconciliation that finds lost, duplicated or stale ballots. No server, no wrk."""

from __future__ import annotations

import pytest
from benchmarks import http_ballots_record as rec


def test_the_plan_casts_every_voter_once_and_changes_come_after_the_first_cast(tmp_path):
    credentials = [f"t:token{i}" for i in range(100)]
    plans = rec.make_plan(credentials, threads=4, change_every=10)
    steps = [s for plan in plans for s in plan]
    assert len(steps) == 112  # 25 voters per thread, of whom the 1st, 11th and 21st change
    assert sorted({s.voter for s in steps}) == list(range(100))
    for plan in plans:
        assert len({s.voter % 4 for s in plan}) == 1  # a voter's casts share one thread (one connection)
        seen: dict[int, str] = {}
        for s in plan:
            if s.voter in seen:
                assert (s.voter // 4) % 10 == 0 and s.vote != seen[s.voter]
            seen[s.voter] = s.vote
    # Every thread has as much to do as the others (changes included), so none finishes long before.
    assert max(len(p) for p in plans) - min(len(p) for p in plans) <= 2
    rec.write_plan(plans, tmp_path)
    assert rec.read_plan(tmp_path, 4) == plans


def _record(tmp_path, lines):
    path = tmp_path / "record-1.txt"
    path.write_text("".join(line + "\n" for line in lines), encoding="ascii")
    return path


def test_a_record_is_read_in_order_with_its_end(tmp_path):
    responses, finished = rec.read_record(
        _record(tmp_path, ["1 0 yes 200 AAAA-BBBB-CCCC", "2 1 no 422 -", "END"]), 1
    )
    assert finished
    assert responses == [
        rec.Response(1, 1, 0, "yes", 200, "AAAA-BBBB-CCCC"),
        rec.Response(1, 2, 1, "no", 422, None),
    ]


@pytest.mark.parametrize("bad", ["2 0 yes 200 R1", "1 0 yes OK R1", "1 0 yes 200"])
def test_a_garbled_or_out_of_order_record_is_refused(tmp_path, bad):
    with pytest.raises(ValueError, match=r"record-1\.txt: line 1"):
        rec.read_record(_record(tmp_path, [bad]), 1)


def _seen():
    plans = [
        [
            rec.Step(0, "t:a", "yes"),
            rec.Step(1, "t:b", "no"),
            rec.Step(0, "t:a", "no"),
            rec.Step(2, "t:c", "yes"),
        ]
    ]
    records = [
        [
            rec.Response(1, 1, 0, "yes", 200, "R1"),
            rec.Response(1, 2, 1, "no", 200, "R2"),
            rec.Response(1, 3, 0, "no", 200, "R3"),
            rec.Response(1, 4, 2, "yes", 500, None),
        ]
    ]
    return rec.what_the_tool_saw(plans, records)


def test_a_database_matching_the_record_has_no_problem():
    stored = {0: rec.StoredVoter(2, (("R3", "no"),)), 1: rec.StoredVoter(1, (("R2", "no"),))}
    assert rec.reconcile(_seen(), stored, ballots_in_item=2) == []


@pytest.mark.parametrize(
    ("stored", "in_item", "problem"),
    [
        ({1: rec.StoredVoter(1, (("R2", "no"),))}, 1, "voter 0: 2 casts accepted, participation says None"),
        (
            {0: rec.StoredVoter(2, (("R1", "yes"),)), 1: rec.StoredVoter(1, (("R2", "no"),))},
            2,
            "voter 0: stored ballot ('R1', 'yes') is not the last accepted ('R3', 'no')",
        ),
        (
            {0: rec.StoredVoter(2, (("R3", "no"), ("R1", "yes"))), 1: rec.StoredVoter(1, (("R2", "no"),))},
            3,
            "voter 0: 2 ballots stored, expected 1",
        ),
        (
            {
                0: rec.StoredVoter(2, (("R3", "no"),)),
                1: rec.StoredVoter(1, (("R2", "no"),)),
                2: rec.StoredVoter(1, ()),
            },
            2,
            "voter 2: no cast accepted, yet the database holds a vote",
        ),
        (
            {0: rec.StoredVoter(2, (("R3", "no"),)), 1: rec.StoredVoter(1, (("R2", "no"),))},
            3,
            "the item holds 3 ballots, expected 2",
        ),
    ],
    ids=["lost", "stale", "duplicated", "refused-but-stored", "extra-row"],
)
def test_each_kind_of_mismatch_is_reported(stored, in_item, problem):
    assert problem in rec.reconcile(_seen(), stored, ballots_in_item=in_item)


def test_a_record_that_does_not_follow_its_plan_is_not_trusted():
    plans = [[rec.Step(0, "t:a", "yes"), rec.Step(1, "t:b", "no")]]
    records = [[rec.Response(1, 1, 1, "no", 200, "R2")]]
    with pytest.raises(ValueError, match="the plan says voter 0"):
        rec.what_the_tool_saw(plans, records)
