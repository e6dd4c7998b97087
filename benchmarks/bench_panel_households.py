"""Panel benchmark: LEXIMIN with households separated on the demo register, before and after grouping
households of identical composition.

    .venv/bin/python benchmarks/bench_panel_households.py [--members 2000] [--seed 2026] [--panel 24]
        [--subsets 500,800] [--runs 3] [--timeout 600] [--skip-old-above 400] [--no-level-loop]

Generates the demo register as `coopgov demo` does (``--members`` synthetic members, ``--seed``; Smart
Belgique gets 75 %) on a temporary SQLite, reads Smart Belgique's pool as the panels app does, and draws
a panel of ``--panel`` mirroring home antenna and collège in the pool's proportions (the demo's draw),
households separated, on the whole pool and on its first N members (``--subsets``, in person order: the
subsets measured in ADR 0015 were the first 500 and 800). For each pool, JSON lines give:

- ``old``: the former formulation, each member of a shared household a type of their own, solved by the
  level loop (``build_instance(group_households=False)``, ``leximin(try_without_households=False)``);
  skipped above ``--skip-old-above`` types (then the earlier measurement stands);
- ``grouped level loop``: households grouped by composition, solved by the level loop alone — what a
  draw costs when the household constraint does move the optimum (``--no-level-loop`` skips it);
- ``new``: ``select_panel`` as the platform calls it (grouping, and the household-free LEXIMIN first);
- the largest difference between the old and new probabilities of a member, when both ran;
- finally the whole platform path on the full register: request (checks, including the type limit) and
  run (pool, LEXIMIN, candidate rows, audit), median of ``--runs`` (or the refusal, past the limit).

Times are medians of ``--runs`` runs, wall-clock and CPU, with the machine's load average. Each solver run
is a forked child stopped after ``--timeout`` seconds; a run that times out ends its series.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from benchsetup import emit, start_django

from coopgov.domain.sortition import Person, Quota, select_panel
from coopgov.domain.sortition.instance import build_instance, check_quotas
from coopgov.domain.sortition.leximin import leximin

FEATURES = ("antenna", "college")


def proportional(pool: list[Person], k: int) -> list[Quota]:
    """The panels app's default quotas: each value's share of ``k``, rounded down and up."""
    quotas = []
    for feature in FEATURES:
        for value, count in sorted(Counter(p.features[feature] for p in pool).items()):
            share = k * count / len(pool)
            quotas.append(Quota(feature, value, math.floor(share), math.ceil(share)))
    return quotas


def per_member(pool: list[Person], quotas: list[Quota], k: int, *, grouped: bool) -> dict[str, float]:
    """LEXIMIN by the level loop alone, on the grouped or the former (ungrouped) formulation."""
    inst = build_instance(pool, quotas, k, group_households=grouped)
    check_quotas(inst)
    found = leximin(inst, try_without_households=False)
    return {
        inst.pool[i].id: float(found.type_probabilities[t]) for t, g in enumerate(inst.members) for i in g
    }


def _child(job: Callable[[], Any], conn: Any) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    result = job()
    conn.send((time.perf_counter() - wall, time.process_time() - cpu, result))


def timed(job: Callable[[], Any], runs: int, timeout: float | None = None) -> dict[str, Any]:
    """Median wall and CPU seconds of ``runs`` runs of ``job`` (each in a forked child when ``timeout``
    is given, stopped after that many seconds; a run that times out ends the series)."""
    walls: list[float] = []
    cpus: list[float] = []
    result: Any = None
    for _ in range(runs):
        if timeout is None:
            wall, cpu = time.perf_counter(), time.process_time()
            result = job()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            continue
        context = multiprocessing.get_context("fork")
        parent, child = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(job, child))
        process.start()
        if not parent.poll(timeout):
            process.terminate()
            process.join()
            return {"finished": False, "timeout_seconds": timeout, "runs": len(walls) + 1}
        wall, cpu, result = parent.recv()
        process.join()
        walls.append(wall)
        cpus.append(cpu)
    return {
        "finished": True,
        "runs": runs,
        "median_seconds": round(statistics.median(walls), 2),
        "median_cpu_seconds": round(statistics.median(cpus), 2),
        "seconds": [round(w, 2) for w in walls],
        "result": result,
    }


def measure(pool: list[Person], args: argparse.Namespace, label: str) -> None:
    k = args.panel
    quotas = proportional(pool, k)
    old_types = build_instance(pool, quotas, k, group_households=False).n_types
    grouped = build_instance(pool, quotas, k)
    figures: dict[str, Any] = {
        "pool": label,
        "members": len(pool),
        "sharing_an_address": grouped.shared_members,
        "panel": k,
        "old_member_types": old_types,
        "new_member_types": grouped.n_types,
        "household_types": len(grouped.household_counts),
    }
    old: dict[str, Any] = {"finished": False, "skipped_above_types": args.skip_old_above}
    if old_types <= args.skip_old_above:
        old = timed(lambda: per_member(pool, quotas, k, grouped=False), args.runs, args.timeout)
    old_probabilities = old.pop("result", None)
    emit(step="old: one type per member of a shared household, level loop", **figures, **old)
    if args.level_loop:
        loop = timed(lambda: per_member(pool, quotas, k, grouped=True), args.runs, args.timeout)
        loop_probabilities = loop.pop("result", None)
        agreement = {}
        if old_probabilities and loop_probabilities:
            agreement["max_difference_with_old"] = max(
                abs(loop_probabilities[i] - old_probabilities[i]) for i in old_probabilities
            )
        emit(
            step="grouped level loop (the path when households move the optimum)",
            **figures,
            **loop,
            **agreement,
        )
    new = timed(lambda: select_panel(pool, quotas, k, seed=args.seed), args.runs, args.timeout)
    draw = new.pop("result", None)
    if draw is None:
        emit(step="new: select_panel (grouped, household-free LEXIMIN first)", **figures, **new)
        return
    agreement = {}
    if old_probabilities:
        agreement["max_difference_with_old"] = max(
            abs(draw.probabilities[i] - old_probabilities[i]) for i in old_probabilities
        )
    emit(
        step="new: select_panel (grouped, household-free LEXIMIN first)",
        **figures,
        **new,
        **agreement,
        households_change_the_optimum=draw.explanation["households_change_the_optimum"],
        leximin_levels=draw.explanation["leximin_levels"],
        milp_solves=draw.explanation["milp_solves"],
        min_probability=round(draw.min_probability, 6),
    )


def _silence_highs_banner() -> None:
    """HiGHS prints a banner on file descriptor 1 the first time a model is made: keep stdout JSON only."""
    import os

    import highspy

    sys.stdout.flush()
    saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def main() -> int:
    _silence_highs_banner()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--panel", type=int, default=24)
    parser.add_argument("--subsets", default="500,800")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--skip-old-above", type=int, default=400)
    parser.add_argument("--no-level-loop", dest="level_loop", action="store_false")
    args = parser.parse_args()
    start_django("", "households")

    from coopgov.accounts.models import User
    from coopgov.members.demo import generate
    from coopgov.organisation.models import Unit
    from coopgov.organisation.services import role_grant
    from coopgov.panels import selectors, services, tasks

    # The run is timed apart from the request: the request's queued task is not run here.
    tasks.run_draw = SimpleNamespace(enqueue=lambda *a, **k: None)  # type: ignore[assignment]
    started = time.perf_counter()
    generate(args.members, args.seed)
    be = Unit.objects.get(code="BE")
    members = selectors.pool(be)
    pool = [Person(str(m.person_id), m.features, m.household or None) for m in members]
    emit(
        step="demo register generated",
        members=args.members,
        seed=args.seed,
        be_pool=len(pool),
        seconds=round(time.perf_counter() - started, 1),
    )
    for n in [int(s) for s in args.subsets.split(",") if s]:
        measure(pool[:n], args, f"first {n} members")
    measure(pool, args, "Smart Belgique, whole register")

    staff = User.objects.create_user(email="bench-staff@example.org")
    role_grant(user=staff, unit=be, role="staff", actor="bench")
    requests, runs, cpus = [], [], []
    draw = None
    for n in range(args.runs):
        cpu, wall = time.process_time(), time.perf_counter()
        request = services.DrawRequest(
            title=f"Bench {n}", panel_size=args.panel, features=FEATURES, separate_households=True, seed=n
        )
        try:
            draw = services.draw_request(unit=be, request=request, actor=staff)
        except services.PanelRefused as refused:
            emit(step="platform: request refused", code=refused.code, message=refused.message)
            return 0
        requests.append(time.perf_counter() - wall)
        wall = time.perf_counter()
        draw = services.draw_run(draw_id=draw.pk, actor="bench")
        runs.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        assert draw.status == "drawn", draw.error
    assert draw is not None
    emit(
        step="platform: request and run a draw with households separated (whole register)",
        pool=draw.pool_size,
        panel=args.panel,
        member_types=draw.explanation.get("member_types"),
        household_types=draw.explanation.get("household_types"),
        limit=services.MAX_LEXIMIN_TYPES,
        request_median_seconds=round(statistics.median(requests), 3),
        draw_median_seconds=round(statistics.median(runs), 3),
        draw_runs=[round(r, 3) for r in runs],
        median_cpu_seconds=round(statistics.median(cpus), 3),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
