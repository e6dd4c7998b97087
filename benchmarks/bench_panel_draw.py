"""Member panel benchmark: a panel drawn by lot from a large register, through the platform.

    .venv/bin/python benchmarks/bench_panel_draw.py [--members 30000] [--panel 100] [--runs 3]
        [--database-url postgres://…/db]

Builds Smart Belgium's register with ``--members`` admitted members spread over its antennas and four
collèges (bulk-inserted), then requests and carries out draws of ``--panel`` members mirroring home antenna
and collège (the pool's proportions) with LEXIMIN, as staff would from the page: reading the pool from the
register, checking the quotas, computing the probabilities, writing one candidate row per pool member and
the audit entries. JSON lines: median seconds of ``--runs`` draws (request and run apart), the process's CPU
seconds, the number of member types and the lowest probability. Without --database-url: a temporary SQLite.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from benchsetup import admitted_members, emit, start_django

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=30_000)
    parser.add_argument("--panel", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    start_django(args.database_url, "panel")

    from django.db import connection

    from coopgov.accounts.models import User
    from coopgov.members.demo import setup_organisation
    from coopgov.members.models import Category
    from coopgov.organisation.models import Unit
    from coopgov.organisation.services import role_grant
    from coopgov.panels import services, tasks

    # The draw is timed apart from the request: the request's queued task is not run here.
    tasks.run_draw = SimpleNamespace(enqueue=lambda *a, **k: None)  # type: ignore[assignment]

    units = setup_organisation()
    be = units["BE"]
    antennas = list(Unit.objects.filter(parent=be, kind=Unit.Kind.ANTENNA).order_by("pk"))
    categories = list(Category.objects.filter(cooperative=be).order_by("code"))
    rng = random.Random(2026)
    started = time.perf_counter()
    admitted_members(
        be,
        args.members,
        category_of=lambda i: rng.choices(categories, weights=[70, 15, 10, 5][: len(categories)])[0],
        person_of=lambda i: {
            "home_antenna": rng.choices(antennas, weights=range(len(antennas), 0, -1))[0],
            "language": rng.choice(["fr", "fr", "nl"]),
            "profiles": ["entrepreneur"],
        },
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    staff = User.objects.create_user(email="bench-staff@example.org")
    role_grant(user=staff, unit=be, role="staff", actor="bench")
    emit(
        step="register loaded",
        backend=connection.vendor,
        members=args.members,
        antennas=len(antennas),
        colleges=len(categories),
        seconds=round(time.perf_counter() - started, 1),
    )
    requests, runs, cpus = [], [], []
    draw = None
    for n in range(args.runs):
        cpu = time.process_time()
        wall = time.perf_counter()
        draw = services.draw_request(
            unit=be,
            request=services.DrawRequest(
                title=f"Bench {n}", panel_size=args.panel, features=("antenna", "college"), seed=n
            ),
            actor=staff,
        )
        requests.append(time.perf_counter() - wall)
        wall = time.perf_counter()
        draw = services.draw_run(draw_id=draw.pk, actor="bench")
        runs.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        assert draw.status == "drawn", draw.error
    assert draw is not None
    emit(
        step="panel drawn (LEXIMIN, antenna and collège in the pool's proportions)",
        pool=draw.pool_size,
        panel=args.panel,
        member_types=draw.explanation.get("member_types"),
        leximin_levels=draw.explanation.get("leximin_levels"),
        min_probability=round(draw.min_probability or 0, 6),
        request_median_seconds=round(statistics.median(requests), 3),
        draw_median_seconds=round(statistics.median(runs), 3),
        draw_runs=[round(r, 3) for r in runs],
        median_cpu_seconds=round(statistics.median(cpus), 3),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
