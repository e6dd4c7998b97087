"""Assembly results benchmark: close and count 10 items voted by 30,000 members (goal: counting ≤ 5 s).

Goal (issue "general assemblies, board elections and ballots"): results of 30,000 voters × 10 items in
≤ 5 s. The electorate is frozen through the real service (``assembly_convene``); ballots and participations
are bulk-inserted as the casting service would leave them (secret, one per member per item), then each
item is closed (proxies applied, seals erased) and counted through ``result_compute``, which writes the
anonymised ballot file and counts it with the `coopgov tally` code path.

    .venv/bin/python benchmarks/bench_results.py [--voters 30000] [--database-url postgres://…/db]

Without --database-url it runs on a temporary SQLite file. Figures are JSON lines on stdout: wall seconds,
and for counting also the process's CPU seconds (comparable across runs on a shared machine).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

from benchsetup import admitted_members, emit, start_django

ROOT = Path(__file__).resolve().parent.parent
GOAL_COUNT_S = 5.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=30_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="count on PostgreSQL's statistics from before the ballots were loaded (autovacuum off)",
    )
    args = parser.parse_args()
    start_django(args.database_url, "results")
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from coopgov.decisions import services
    from coopgov.decisions.models import Assembly, Ballot, ElectorateEntry, Item, Option, Participation
    from coopgov.members.demo import setup_organisation
    from coopgov.members.models import Category

    units = setup_organisation()
    be = units["BE"]
    rng = random.Random(2026)
    today = timezone.localdate()
    category = Category.objects.get(cooperative=be, code="A")
    admitted_members(be, args.voters, category_of=lambda i: category)
    a = Assembly.objects.create(
        unit=be,
        cooperative=be,
        kind="ordinary",
        title="Benchmark AG",
        first_convocation_at=timezone.now() + timedelta(days=20),
        record_date=today - timedelta(days=1),
        preset="be-sc-ordinary",
    )
    candidates = ["a", "b", "c", "d", "e"]
    specs = [("motion", None)] * 6 + [
        ("stv-scottish", 3),
        ("stv-scottish", 2),
        ("approval", 2),
        ("plurality", 1),
    ]
    items = []
    for order, (method, seats) in enumerate(specs, start=1):
        item = Item.objects.create(
            assembly=a,
            order=order,
            kind="motion" if method == "motion" else "election",
            title=f"Item {order}",
            method=method,
            seats=seats,
        )
        if method != "motion":
            Option.objects.bulk_create(
                [Option(item=item, key=k, label=k.upper(), order=i) for i, k in enumerate(candidates)]
            )
        items.append(item)
    started = time.perf_counter()
    services.assembly_convene(assembly=a, actor="bench")
    emit(
        step="convene (freeze electorate)",
        voters=args.voters,
        seconds=round(time.perf_counter() - started, 3),
        backend=connection.vendor,
    )
    Item.objects.filter(assembly=a).update(status="open")
    entries = list(ElectorateEntry.objects.filter(assembly=a, eligible=True).values_list("pk", "college"))
    now = timezone.now()
    for item in items:
        ballots, participations = [], []
        for pk, college in entries:
            if item.method == "motion":
                content: Any = rng.choices(["yes", "no", "abstain"], weights=[60, 30, 10])[0]
            elif item.method == "approval":
                content = rng.sample(candidates, k=rng.randint(1, 3))
            elif item.method == "plurality":
                content = rng.choice(candidates)
            else:
                content = rng.sample(candidates, k=rng.randint(1, 5))
            ballots.append(
                Ballot(item=item, receipt=services.new_receipt(), content=content, college=college)
            )
            participations.append(Participation(item=item, entry_id=pk, channel="online", cast_at=now))
        Ballot.objects.bulk_create(ballots, batch_size=5000)
        Participation.objects.bulk_create(participations, batch_size=5000)
    autovacuum = "n/a"
    if connection.vendor == "postgresql" and not args.no_analyze:
        # Statistics as autovacuum would have kept them over the voting window (this machine's PostgreSQL
        # runs with autovacuum off).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("SHOW autovacuum")
            autovacuum = cursor.fetchone()[0]
    emit(step="ballots loaded", voters=args.voters, items=len(items), autovacuum=autovacuum)
    started = time.perf_counter()
    for item in items:
        services.item_close(item=item, actor="bench")
    emit(step="close 10 items (proxies, seals erased)", seconds=round(time.perf_counter() - started, 3))
    per_item = []
    started = time.perf_counter()
    cpu_started = time.process_time()
    for item in items:
        t0, c0 = time.perf_counter(), time.process_time()
        result = services.result_compute(item=item, actor="bench", seed="1")
        per_item.append(
            {
                "method": item.method,
                "seconds": round(time.perf_counter() - t0, 3),
                "cpu_seconds": round(time.process_time() - c0, 3),
                "winners": result.result["winners"],
                "adopted": result.result.get("adopted"),
            }
        )
    total = time.perf_counter() - started
    emit(
        step="count 10 items",
        voters=args.voters,
        items=len(items),
        seconds=round(total, 3),
        # CPU time of this process (on SQLite, the database work included): the figure to compare when
        # the machine is shared and wall time follows its load.
        cpu_seconds=round(time.process_time() - cpu_started, 3),
        goal_s=GOAL_COUNT_S,
        met=total <= GOAL_COUNT_S,
        per_item=per_item,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
