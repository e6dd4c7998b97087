"""Minutes benchmark: the minutes (page data and OpenDocument file) of 30,000 voters × 10 items.

No goal is set by the issue; this records what generating the procès-verbal of Smart's size costs. The
electorate is frozen through the real service (``assembly_convene``); ballots, participations and their
``ballot.cast`` audit entries are bulk-inserted as casting would leave them; items are closed, counted and
published through the services. Then ``minutes_build`` (all reads) and ``odt_bytes`` run --repeat times.

    .venv/bin/python benchmarks/bench_minutes.py [--voters 30000] [--repeat 5] [--database-url postgres://…/db]

Without --database-url it runs on a temporary SQLite file. Figures are JSON lines on stdout (medians).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

from benchsetup import admitted_members, emit, start_django

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    start_django(args.database_url, "minutes")
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from coopgov.audit.models import AuditEntry, AuditHead
    from coopgov.decisions import services
    from coopgov.decisions.minutes import minutes_build, odt_bytes
    from coopgov.decisions.models import Assembly, Ballot, ElectorateEntry, Item, Participation
    from coopgov.members.demo import setup_organisation
    from coopgov.members.models import Category

    units = setup_organisation()
    fr = units["FR"]
    rng = random.Random(2026)
    today = timezone.localdate()
    categories = list(Category.objects.filter(cooperative=fr).order_by("code"))
    admitted_members(fr, args.voters, category_of=lambda i: categories[i % len(categories)])
    a = Assembly.objects.create(
        unit=fr,
        cooperative=fr,
        kind="ordinary",
        title="Benchmark AG",
        first_convocation_at=timezone.now() + timedelta(days=20),
        record_date=today - timedelta(days=1),
        preset="fr-scic-sa-ago",
    )
    items = [
        Item.objects.create(assembly=a, order=order, kind="motion", title=f"Motion {order}", method="motion")
        for order in range(1, 11)
    ]
    services.assembly_convene(assembly=a, actor="bench")
    Item.objects.filter(assembly=a).update(status="open")
    entries = list(ElectorateEntry.objects.filter(assembly=a, eligible=True).values_list("pk", "college"))
    now = timezone.now()
    last = AuditEntry.objects.order_by("-seq").first()
    seq = last.seq if last else 0
    for item in items:
        ballots, participations = [], []
        for pk, college in entries:
            content = rng.choices(["yes", "no", "abstain"], weights=[60, 30, 10])[0]
            ballots.append(
                Ballot(item=item, receipt=services.new_receipt(), content=content, college=college)
            )
            participations.append(Participation(item=item, entry_id=pk, channel="online", cast_at=now))
        Ballot.objects.bulk_create(ballots, batch_size=5000)
        created = Participation.objects.bulk_create(participations, batch_size=5000)
        if created and created[0].pk is None:  # SQLite before 3.35 returns no ids
            created = list(Participation.objects.filter(item=item).only("pk"))
        audit = []
        for participation in created:
            seq += 1
            audit.append(
                AuditEntry(
                    seq=seq,
                    at=now,
                    actor_label="bench",
                    action="ballot.cast",
                    object_type="decisions.participation",
                    object_id=str(participation.pk),
                    prev_hash="0" * 64,
                    hash=f"{seq:064x}",
                )
            )
        AuditEntry.objects.bulk_create(audit, batch_size=5000)
        # The chain's head moves past the inserted entries, so the services' own entries follow them.
        AuditHead.objects.update_or_create(id=1, defaults={"last_seq": seq, "last_hash": f"{seq:064x}"})
    for item in items:
        services.item_close(item=item, actor="bench")
        services.result_compute(item=item, actor="bench", seed="1")
        services.result_publish(item=item, actor="bench")
    emit(step="set up", voters=args.voters, items=len(items), backend=connection.vendor)

    build, odt, sizes = [], [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        minutes = minutes_build(a, language="fr")
        t1 = time.perf_counter()
        data = odt_bytes(minutes)
        t2 = time.perf_counter()
        build.append(t1 - t0)
        odt.append(t2 - t1)
        sizes.append(len(data))
    emit(
        step="minutes of 30,000 voters × 10 items" if args.voters == 30_000 else "minutes",
        voters=args.voters,
        items=len(items),
        repeat=args.repeat,
        build_median_s=round(statistics.median(build), 3),
        odt_median_s=round(statistics.median(odt), 3),
        odt_bytes=sizes[-1],
        backend=connection.vendor,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
