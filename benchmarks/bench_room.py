"""Room voting benchmark: recording presence, counting hands, and closing a motion whose rooms hold
thousands of members (the room's ballots are written at closing, see docs/adr/0007).

No speed goal is set by the issue for this path; the figures tell whether the room adds noticeably to the
closing of an item measured in bench_results.py. The electorate is frozen by ``assembly_convene``; a share
of the members vote online (bulk-inserted as the casting service leaves them), others are present in the
rooms (bulk-inserted presence rows, plus a sample recorded through ``presence_record`` to time it), each
site's collège A votes by a show of hands (``hands_record``), and the motion is closed and counted.

    .venv/bin/python benchmarks/bench_room.py [--members 30000] [--runs 3] [--database-url postgres://…/db]

Without --database-url it runs on a temporary SQLite file. Figures are JSON lines on stdout, medians of
``--runs`` runs of each timed step.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from benchsetup import admitted_members, emit, start_django

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    start_django(args.database_url, "room")
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from coopgov.decisions import room, services
    from coopgov.decisions.models import (
        Assembly,
        AssemblySite,
        Ballot,
        ElectorateEntry,
        Item,
        Participation,
        Presence,
    )
    from coopgov.members.demo import setup_organisation
    from coopgov.members.models import Category
    from coopgov.organisation.models import Unit

    units = setup_organisation()
    be = units["BE"]
    today = timezone.localdate()
    category = Category.objects.get(cooperative=be, code="A")
    admitted_members(be, args.members, category_of=lambda i: category)
    antennas = list(Unit.objects.filter(parent=be, kind=Unit.Kind.ANTENNA).order_by("pk"))
    closing: dict[str, list[float]] = {"with rooms": [], "without rooms": []}
    recording: list[float] = []
    hands: list[float] = []
    present_total = 0
    for run in range(args.runs):
        for with_rooms in (True, False):
            a = Assembly.objects.create(
                unit=be,
                cooperative=be,
                kind="ordinary",
                title=f"Benchmark AG {run} {with_rooms}",
                first_convocation_at=timezone.now() + timedelta(days=20),
                record_date=today - timedelta(days=1),
                preset="be-sc-ordinary",
            )
            item = Item.objects.create(
                assembly=a, order=1, kind="motion", title="Motion", method="motion", secret=False
            )
            services.assembly_convene(assembly=a, actor="bench")
            services.item_open(item=item, actor="bench")
            entries = list(ElectorateEntry.objects.filter(assembly=a, eligible=True).order_by("pk"))
            online, rest = entries[: len(entries) // 10], entries[len(entries) // 10 :]
            now = timezone.now()
            Ballot.objects.bulk_create(
                [
                    Ballot(
                        item=item, receipt=services.new_receipt(), content="yes", college=e.college, entry=e
                    )
                    for e in online
                ],
                batch_size=5000,
            )
            Participation.objects.bulk_create(
                [Participation(item=item, entry=e, channel="online", cast_at=now) for e in online],
                batch_size=5000,
            )
            if with_rooms:
                sites = [AssemblySite.objects.create(assembly=a, antenna=antenna) for antenna in antennas]
                in_room = rest[: len(rest) // 5]
                timed, bulk = in_room[:50], in_room[50:]
                Presence.objects.bulk_create(
                    [
                        Presence(site=sites[i % len(sites)], entry=e, recorded_at=now)
                        for i, e in enumerate(bulk)
                    ],
                    batch_size=5000,
                )
                for e in timed:
                    t0 = time.perf_counter()
                    room.presence_record(site=sites[0], entry=e, actor="bench")
                    recording.append(time.perf_counter() - t0)
                present_total = len(in_room)
                for site in sites:
                    present = len(room.present_without_vote(item, site).get("A", []))
                    t0 = time.perf_counter()
                    room.hands_record(
                        item=item,
                        site=site,
                        college="A",
                        votes_for=present * 6 // 10,
                        votes_against=present * 3 // 10,
                        votes_abstain=0,
                        actor="bench",
                    )
                    hands.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            services.item_close(item=item, actor="bench")
            closing["with rooms" if with_rooms else "without rooms"].append(time.perf_counter() - t0)
            result = services.result_compute(item=item, actor="bench", seed="1")
            if with_rooms and run == 0:
                emit(
                    step="room motion counted",
                    present_or_represented=result.participation["present_or_represented"],
                    counts=result.result["explanation"]["counts"],
                )
    emit(
        step="presence_record (one member, median)",
        ms=round(1000 * statistics.median(recording), 2),
        calls=len(recording),
        backend=connection.vendor,
    )
    emit(step="hands_record (one collège at one site, median)", ms=round(1000 * statistics.median(hands), 2))
    for label, times in closing.items():
        emit(
            step=f"item_close of a motion, {label} (median)",
            members=args.members,
            online=args.members // 10,
            present_in_rooms=present_total if label == "with rooms" else 0,
            sites=len(antennas) if label == "with rooms" else 0,
            seconds=round(statistics.median(times), 3),
            runs=len(times),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
