"""Participatory budgeting: coopgov against pabutools on the real Pabulib data, and a sweep of all 84 files.

Run: .venv/bin/python benchmarks/bench_budgeting.py [--runs 5] [--peer-runs 3] [--quick] [--lodz-only]
(``--peer-runs 0`` skips pabutools on Lodz, which takes about a minute a run on an idle machine.)

Prints one JSON line per measurement or check:
- ``what=equal-shares`` on Poland_Lodz_2022.pb (160 projects, 90,494 voters), cost utilities, no
  completion: coopgov and pabutools side by side in one run, medians, same outcome yes/no;
- ``what=equal-shares/add1`` on Lodz: coopgov alone (pabutools would need ~60 fixed-budget runs);
- ``what=verify-*``: every instance against pabutools and against the official ``selected`` column.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchsetup import emit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.domain.budgeting import peer  # noqa: E402

from coopgov.domain.budgeting import equal_shares, greedy  # noqa: E402
from coopgov.domain.formats.pabulib import load_election  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "pabulib"
LODZ = "Poland_Lodz_2022.pb"


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any, float]:
    """Median wall-clock seconds, the last result, and median CPU seconds of this process."""
    walls, cpus, out = [], [], None
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), out, statistics.median(cpus)


def official(pb: Any) -> set[str]:
    return {row["project_id"] for row in pb.project_rows() if row.get("selected") == "1"}


def lodz(runs: int, peer_runs: int) -> None:
    path = DATA / LODZ
    read_s, (election, _), _ = timed(lambda: load_election(path), runs)
    ours_s, ours, ours_cpu = timed(lambda: equal_shares(election), runs)
    peer_s = peer_cpu = None
    same = None
    if peer_runs:
        instance, profile = peer.load(path)
        peer_s, theirs, peer_cpu = timed(lambda: peer.mes(instance, profile, "cost"), peer_runs)
        same = set(ours.selected) == theirs
    emit(
        what="equal-shares",
        utility="cost",
        completion="none",
        data=LODZ,
        voters=len(election.ballots),
        projects=len(election.projects),
        runs=runs,
        median_s=round(ours_s, 4),
        cpu_median_s=round(ours_cpu, 4),
        read_file_median_s=round(read_s, 4),
        peer="pabutools 1.2.3 method_of_equal_shares(Cost_Sat)",
        peer_runs=peer_runs,
        peer_median_s=None if peer_s is None else round(peer_s, 4),
        peer_cpu_median_s=None if peer_cpu is None else round(peer_cpu, 4),
        speedup=None if peer_s is None else round(peer_s / ours_s, 1),
        same_outcome=same,
        selected=len(ours.selected),
        exact_arithmetic=ours.explanation["exact_arithmetic"],
    )
    add1_s, add1, add1_cpu = timed(lambda: equal_shares(election, completion="add1"), runs)
    emit(
        what="equal-shares/add1",
        data=LODZ,
        runs=runs,
        median_s=round(add1_s, 4),
        cpu_median_s=round(add1_cpu, 4),
        peer=None,
        final_share=add1.explanation["add1"]["final_share"],
        fixed_budget_runs=add1.explanation["add1"]["increments"] + 2,
        cost=add1.to_json()["cost"],
        budget=add1.to_json()["budget"],
    )


def sweep(quick: bool) -> None:
    mes_checked = mes_same = greedy_checked = greedy_same = official_checked = official_same = 0
    refused = 0
    for path in sorted(DATA.glob("*.pb")):
        election, pb = load_election(path)
        rule = pb.meta_value("rule")
        if "selected" in pb.project_columns and rule in ("greedy", "greedy-no-skip"):
            ok = set(greedy(election, skip=rule == "greedy").selected) == official(pb)
            official_checked, official_same = official_checked + 1, official_same + ok
            emit(what="verify-official", data=path.name, rule=rule, same_outcome=ok)
        if rule.startswith("equalshares/"):
            completion = rule.split("/", 1)[1]
            ok = set(equal_shares(election, completion=completion).selected) == official(pb)
            official_checked, official_same = official_checked + 1, official_same + ok
            emit(what="verify-official", data=path.name, rule=rule, same_outcome=ok)
        if election.vote_type == "ordinal":
            refused += 1
            continue
        if path.name == LODZ:
            continue  # compared in the timed run above
        utility = "points" if election.vote_type in ("cumulative", "scoring") else "cost"
        instance, profile = peer.load(path)
        start = time.perf_counter()
        ours = set(equal_shares(election, utility=utility).selected)
        ours_s = time.perf_counter() - start
        start = time.perf_counter()
        theirs = peer.mes(instance, profile, utility)
        peer_s = time.perf_counter() - start
        mes_checked, mes_same = mes_checked + 1, mes_same + (ours == theirs)
        emit(
            what="verify-equal-shares",
            data=path.name,
            utility=utility,
            seconds=round(ours_s, 4),
            peer_seconds=round(peer_s, 4),
            same_outcome=ours == theirs,
        )
        if utility == "cost":
            g_ours = set(greedy(election, tie_break="project-id", fund_unsupported=True).selected)
            g_theirs = peer.greedy_by_votes(instance, profile)
            greedy_checked, greedy_same = greedy_checked + 1, greedy_same + (g_ours == g_theirs)
    emit(
        what="verify-summary",
        equal_shares_vs_pabutools=f"{mes_same}/{mes_checked}",
        greedy_vs_pabutools=f"{greedy_same}/{greedy_checked}",
        official_outcomes=f"{official_same}/{official_checked}",
        ordinal_refused_by_equal_shares=refused,
    )
    for name, completion in [
        ("Netherlands_Assen_2024.pb", "add1"),
        ("Poland_Swiecie_2023.pb", "add1"),
        ("Poland_Wieliczka_2023_Green_Budget.pb", "add1"),
    ]:
        if quick and name != "Netherlands_Assen_2024.pb":
            continue
        election, pb = load_election(DATA / name)
        instance, profile = peer.load(DATA / name)
        ours = set(equal_shares(election, completion=completion).selected)
        theirs = peer.official_add1(instance, profile, "cost")
        emit(
            what="verify-add1",
            data=name,
            peer="pabutools fixed-budget MES in the official add1 loop",
            same_outcome=ours == theirs,
            official=ours == official(pb),
        )
    if not quick:
        name = "Poland_Wieliczka_2023_Green_Budget.pb"
        election, pb = load_election(DATA / name)
        instance, profile = peer.load(DATA / name)
        theirs = peer.pabutools_increment_add1(instance, profile, "cost")
        emit(
            what="verify-pabutools-increment",
            data=name,
            peer="pabutools voter_budget_increment=1",
            same_as_official=theirs == official(pb),
            differs_by=sorted(theirs ^ official(pb)),
            note="by design: pabutools starts at budget/voters, not its floor, and stops once exhaustive",
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--peer-runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="skip the slow pabutools completions")
    parser.add_argument("--lodz-only", action="store_true", help="time Lodz only, skip the 84-file sweep")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"bench_budgeting: no Pabulib data at {DATA}", file=sys.stderr)
        return 2
    emit(what="note", text="machine shared with other engineers' jobs (2 cores): timings are loaded")
    lodz(args.runs, args.peer_runs)
    if not args.lodz_only:
        sweep(args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
