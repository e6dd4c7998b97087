"""Benchmark: coopgov's majority judgment and approval voting against whalrus, on real data.

Run with `.venv/bin/python benchmarks/bench_voting_choice.py`. Prints one JSON line per measurement:
what, data, n runs, median seconds (coopgov), peer, peer's median, same outcome (yes/no), notes.

- Majority judgment on the 33 MieuxVoter polls of 2022 (../shared/data/majority-judgment), whalrus 0.4.6
  fed the same normalised distributions as weights.
- Approval voting on Pabulib's largest approval instance, Łódź 2022 (90,494 voters, 160 projects): the
  approval counts against the file's official per-project `votes` column, and against whalrus's approval
  rule on a sample (whalrus on all 90,494 ballots takes minutes).
"""

from __future__ import annotations

import logging
import statistics
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

from benchsetup import emit

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "src"))


from coopgov.domain.formats.mj_polls import read_mj_polls  # noqa: E402
from coopgov.domain.voting.choice import ApprovalBallot, approval  # noqa: E402
from coopgov.domain.voting.majority_judgment import majority_judgment_from_profiles  # noqa: E402

RUNS = 5


def median_time(function: Callable[[], Any], runs: int = RUNS) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bench_majority_judgment() -> None:
    import whalrus

    logging.getLogger().setLevel(logging.ERROR)  # whalrus warns on every partial ballot
    polls = read_mj_polls(DATA / "majority-judgment" / "presidentielle_jm.csv")

    def ours() -> list[list[tuple[str, ...]]]:
        return [list(majority_judgment_from_profiles(p.grades, p.profiles).ranking) for p in polls]

    def theirs() -> list[list[tuple[str, ...]]]:
        out = []
        for poll in polls:
            scale = whalrus.ScaleFromList(list(reversed(poll.grades)))
            ballots, weights = [], []
            for candidate, row in poll.profiles.items():
                total = sum(row)
                for grade, mass in zip(poll.grades, row, strict=True):
                    if mass:
                        ballots.append(
                            whalrus.BallotLevels(
                                {candidate: grade}, candidates=set(poll.profiles), scale=scale
                            )
                        )
                        weights.append(mass / total)
            rule = whalrus.RuleMajorityJudgment(whalrus.Profile(ballots, weights=weights), scale=scale)
            out.append([tuple(sorted(tier)) for tier in rule.order_])
        return out

    t_ours, r_ours = median_time(ours)
    t_theirs, r_theirs = median_time(theirs)
    same = sum(1 for a, b in zip(r_ours, r_theirs, strict=True) if a == b)
    emit(
        what="majority judgment, full ranking of every poll",
        data="MieuxVoter presidentielle_jm.csv, 33 polls",
        runs=RUNS,
        median_s=round(t_ours, 4),
        peer="whalrus 0.4.6 RuleMajorityJudgment",
        peer_median_s=round(t_theirs, 4),
        same_outcome="yes" if same == len(r_ours) else "no",
        notes=f"{same}/{len(r_ours)} rankings identical; the other differs by design "
        "(whalrus ties on the majority gauge, coopgov separates by the majority value)",
    )


def read_pabulib_approvals(path: Path) -> tuple[list[str], dict[str, int], list[frozenset[str]]]:
    section, header, projects, official, ballots = "", [], [], {}, []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if line in ("META", "PROJECTS", "VOTES"):
                section, header = line, []
                continue
            fields = line.split(";")
            if not header:
                header = fields
                continue
            row = dict(zip(header, fields, strict=False))
            if section == "PROJECTS":
                projects.append(row["project_id"])
                official[row["project_id"]] = int(row["votes"])
            elif section == "VOTES":
                ballots.append(frozenset(row["vote"].split(",")) if row["vote"] else frozenset())
    return projects, official, ballots


def bench_approval() -> None:
    import whalrus

    path = DATA / "pabulib" / "Poland_Lodz_2022.pb"
    projects, official, sets = read_pabulib_approvals(path)
    ballots = [ApprovalBallot(s) for s in sets]

    t_ours, result = median_time(lambda: approval(projects, ballots, seats=1))
    counts = result.explanation["approvals"]
    matches = sum(1 for p in projects if counts[p] == official[p])
    emit(
        what="approval counts, all projects",
        data=f"Pabulib Poland_Lodz_2022.pb, {len(ballots)} voters, {len(projects)} projects",
        runs=RUNS,
        median_s=round(t_ours, 4),
        peer="official per-project votes in the file",
        peer_median_s=None,
        same_outcome="yes" if matches == len(projects) else "no",
        notes=f"{matches}/{len(projects)} project counts equal the official figures",
    )

    sample = sets[:5000]
    t_ours_s, ours_s = median_time(lambda: approval(projects, [ApprovalBallot(s) for s in sample]))
    t_theirs_s, theirs_s = median_time(
        lambda: whalrus.RuleApproval([{c: int(c in s) for c in projects} for s in sample]), runs=3
    )
    # whalrus's approval score is the average over voters (it derives from range voting): scale it back.
    their_scores = {c: Fraction(v) * len(sample) for c, v in theirs_s.scores_.items()}
    our_scores = {c: Fraction(v) for c, v in ours_s.explanation["approvals"].items()}
    emit(
        what="approval voting, winner and scores",
        data=f"Pabulib Poland_Lodz_2022.pb, first {len(sample)} voters",
        runs=RUNS,
        median_s=round(t_ours_s, 4),
        peer="whalrus 0.4.6 RuleApproval (3 runs)",
        peer_median_s=round(t_theirs_s, 4),
        same_outcome="yes" if their_scores == our_scores and theirs_s.winner_ == ours_s.winners[0] else "no",
        notes="both times include building the ballot objects (whalrus: one 0/1 level per project)",
    )


if __name__ == "__main__":
    if not DATA.is_dir():
        sys.exit(f"real data not found at {DATA}")
    emit(note="the machine is shared with other engineers' test runs: absolute times are noisy")
    bench_majority_judgment()
    bench_approval()
