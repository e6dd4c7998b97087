"""The participation dashboard of a cooperative: how long it takes to compute who is heard over a year.

    .venv/bin/python benchmarks/bench_dashboard.py [--members 30000] [--comments 100000] [--runs 5]

Builds, on a temporary SQLite file (or on DATABASE_URL if given), the demo's organisation, ``--members``
admitted members of Smart Belgium spread over its collèges, profiles and antennas, each with an account,
10,000 proposals, ``--comments`` comments and 50,000 supports spread over the last twelve months (bulk
inserts: the services are measured elsewhere). Then it times ``followup.selectors.dashboard`` for the
cooperative and for the group (one register query and one grouped query per kind of act), the page of
BE as a staff member reads it (the first request computes this month's snapshot, the next ones read it),
the nightly refresh of every unit's snapshot, and the pure arithmetic alone. Prints JSON lines with
medians and the machine's 1-minute load average (it may be shared).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchsetup import emit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    walls, out = [], None
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        walls.append(time.perf_counter() - start)
    return round(statistics.median(walls) * 1000, 1), out


def build(members: int, proposals: int, comments: int, supports: int, seed: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from coopgov.accounts.models import User
    from coopgov.members.demo import setup_organisation
    from coopgov.members.models import Category, Membership, Person
    from coopgov.organisation.models import Unit
    from coopgov.participation.models import Comment, Process, Proposal, Support

    rng = random.Random(seed)
    units = setup_organisation()
    be = units["BE"]
    antennas = list(Unit.objects.filter(parent=be, kind="antenna").order_by("pk"))
    categories = list(Category.objects.filter(cooperative=be).order_by("code"))
    profiles = ["entrepreneur", "entrepreneur", "entrepreneur", "client", "partner", "staff"]
    persons = Person.objects.bulk_create(
        [
            Person(
                kind="natural",
                first_name="M",
                last_name=f"Member{i}",
                home_antenna=rng.choice(antennas),
                profiles=[rng.choice(profiles)],
            )
            for i in range(members)
        ],
        batch_size=2000,
    )
    Membership.objects.bulk_create(
        [
            Membership(
                cooperative=be,
                person=p,
                number=i + 1,
                category=rng.choice(categories),
                status="admitted",
                applied_on=date(2024, 1, 1),
                admitted_on=date(2024, 1, 2),
            )
            for i, p in enumerate(persons)
        ],
        batch_size=2000,
    )
    password = make_password(None)
    users = User.objects.bulk_create(
        [User(email=f"m{i}@bench.example.org", person=p, password=password) for i, p in enumerate(persons)],
        batch_size=2000,
    )
    # Entrepreneurs take part far more than clients and partners: the dashboard has something to flag.
    keen = [u for u, p in zip(users, persons, strict=True) if p.profiles == ["entrepreneur"]]
    now = timezone.now()

    def when() -> Any:
        return now - timedelta(days=rng.randint(0, 360), minutes=rng.randint(0, 1440))

    process = Process.objects.create(unit=be, slug="bench", title="Bench")
    made = Proposal.objects.bulk_create(
        [
            Proposal(
                process=process,
                author=rng.choice(keen if rng.random() < 0.9 else users),
                title=f"P{i}",
                body="…",
            )
            for i in range(proposals)
        ],
        batch_size=2000,
    )
    Comment.objects.bulk_create(
        [
            Comment(
                proposal=rng.choice(made), author=rng.choice(keen if rng.random() < 0.9 else users), body="…"
            )
            for _ in range(comments)
        ],
        batch_size=5000,
    )
    pairs = set()
    while len(pairs) < supports:
        pairs.add((rng.randrange(len(made)), rng.randrange(len(users))))
    Support.objects.bulk_create(
        [Support(proposal=made[p], user=users[u]) for p, u in pairs], batch_size=5000, ignore_conflicts=True
    )
    # Spread the acts over the year (auto_now_add set them all to now).
    for model in (Proposal, Comment, Support):
        ids = list(model.objects.values_list("pk", flat=True))
        rows = [model(pk=pk, created_at=when()) for pk in ids]
        model.objects.bulk_update(rows, ["created_at"], batch_size=5000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=30000)
    parser.add_argument("--proposals", type=int, default=10000)
    parser.add_argument("--comments", type=int, default=100000)
    parser.add_argument("--supports", type=int, default=50000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", help="SQLite file to build once and reuse on later runs (kept)")
    args = parser.parse_args()
    tmp = None
    reuse = bool(args.keep and Path(args.keep).exists())
    if args.keep:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(args.keep).resolve()}"
    elif "DATABASE_URL" not in os.environ:
        tmp = tempfile.mkdtemp(prefix="coopgov-bench-dashboard-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopgov.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coopgov.domain.governance.representation import group_participation
    from coopgov.followup import selectors
    from coopgov.organisation.models import Unit

    call_command("migrate", verbosity=0, interactive=False)
    backend = connection.vendor
    if not reuse:
        start = time.perf_counter()
        build(args.members, args.proposals, args.comments, args.supports, args.seed)
        emit(what="build", backend=backend, seconds=round(time.perf_counter() - start, 1))
    be, group = Unit.objects.get(code="BE"), Unit.objects.get(code="SMART")
    for unit in (be, group):
        with CaptureQueriesContext(connection) as queries:
            data = selectors.dashboard(unit)
        ms, data = timed(lambda unit=unit: selectors.dashboard(unit), args.runs)
        emit(
            what="dashboard",
            backend=backend,
            unit=unit.code,
            members=data.colleges.members,
            participants=data.colleges.participants,
            queries=len(queries.captured_queries),
            median_ms=ms,
            runs=args.runs,
            flagged_profiles=[r.group for r in data.profiles.flagged],
        )
    # The page as a staff member of BE reads it (session, permission, template included).
    from allauth.mfa.totp.internal.auth import TOTP
    from django.test import Client

    from coopgov.accounts.models import User
    from coopgov.members.demo import DEMO_TOTP_SECRET
    from coopgov.organisation.services import role_grant

    staff, created = User.objects.get_or_create(email="staff.bench@example.org")
    if created:
        role_grant(user=staff, unit=be, role="staff", actor="bench")
        TOTP.activate(staff, DEMO_TOTP_SECRET)
    client = Client()
    client.force_login(staff)
    first_ms, first = timed(lambda: client.get(f"/follow-up/dashboards/{be.code}/"), 1)
    assert first.status_code == 200, first.status_code
    ms, _ = timed(lambda: client.get(f"/follow-up/dashboards/{be.code}/"), args.runs)
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/follow-up/dashboards/{be.code}/")
    emit(
        what="page",
        backend=backend,
        unit=be.code,
        first_request_ms=first_ms,
        queries=len(queries.captured_queries),
        median_ms=ms,
        runs=args.runs,
    )
    # The nightly job: every unit's snapshot (the acts are read once for all the units).
    from django.utils import timezone as django_timezone

    from coopgov.followup import services

    ms, written = timed(lambda: services.dashboard_snapshot_refresh(unit=None, now=django_timezone.now()), 1)
    emit(what="refresh_all", backend=backend, snapshots=len(written), ms=ms)
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
        selectors.dashboard(be)
        profile.disable()
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    acts = selectors.participation_acts([date(int(m[:4]), int(m[5:]), 1) for m in data.months])
    register = selectors.scope_register(be)
    ms, _ = timed(lambda: group_participation(register.colleges, acts, list(data.months)), args.runs)
    emit(
        what="arithmetic", backend=backend, acts_rows=len(acts), members=len(register.colleges), median_ms=ms
    )
    if tmp:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
