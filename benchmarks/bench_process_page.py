"""The process and proposal pages with 10,000 proposals and 100,000 comments (SQLite and PostgreSQL).

Goal (issue "participation from antenna to group"): p95 ≤ 150 ms for the process page (first page, and a
filtered and sorted page) and for a proposal page, with query counts that do not depend on the number of
rows (pinned in tests/participation/test_pages.py).

    .venv/bin/python benchmarks/bench_process_page.py [--proposals 10000] [--comments 100000]
        [--requests 240] [--backends sqlite,postgres]

Each backend runs in its own process: SQLite on a temporary file, PostgreSQL on a database
``particip_bench`` that this script creates and drops. The rows are bulk-inserted (the services would
take minutes for 100,000 comments and are measured elsewhere); counters are set as the services keep
them. Figures are JSON lines with the machine's 1-minute load average: on a shared machine the wall time
also counts waiting for a core, so the CPU time spent on each request (this process and, on PostgreSQL,
its server backend) is printed beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchsetup import emit

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("COOPGOV_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_DB = "particip_bench"
GOAL_P95_MS = 150.0
WORDS = [
    "coopérative",
    "antenne",
    "revenus",
    "facture",
    "solidarité",
    "coworking",
    "atelier",
    "formation",
    "juriste",
    "contrat",
    "mutuelle",
    "parrainage",
    "assemblée",
    "membres",
    "outils",
    "plateforme",
    "paiement",
    "client",
    "projet",
    "artiste",
    "vélo",
    "cantine",
    "local",
    "inkomen",
    "factuur",
    "samenwerking",
    "werkplek",
    "opleiding",
    "leden",
    "vergadering",
    "betaling",
]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2)


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def seed(proposals: int, comments: int) -> dict[str, Any]:
    """One antenna process with ``proposals`` proposals, ``comments`` comments (a tenth of them replies),
    supports on every proposal; returns the objects the measures need."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from coopgov.accounts.models import User
    from coopgov.organisation.models import Unit
    from coopgov.participation import services
    from coopgov.participation.models import Comment, Proposal, Support

    rng = random.Random(2026)
    group = Unit.objects.create(kind=Unit.Kind.GROUP, code="BENCH", name="Bench")
    antenna = Unit.objects.create(kind=Unit.Kind.ANTENNA, code="BENCH-A", name="Antenne", parent=group)
    process = services.process_create(
        unit=antenna,
        title="Bilan participatif",
        language="fr",
        phases=[services.PhasePlan("information"), services.PhasePlan("contribution")],
        current=1,
        actor="bench",
    )
    password = make_password(None)
    users = User.objects.bulk_create(
        [User(email=f"m{i}@bench.example.org", password=password) for i in range(2000)], batch_size=1000
    )
    now = timezone.now()
    with transaction.atomic():
        rows = []
        for i in range(proposals):
            author = users[i % len(users)]
            row = Proposal(
                process=process,
                author=author,
                author_name=f"Membre {i % len(users)}",
                language="nl" if i % 5 == 0 else "fr",
                title=f"Proposition {i}: {_sentence(rng, 5)}",
                body=_sentence(rng, 60),
                status="accepted" if i % 17 == 0 else "published",
            )
            row.refresh_search_text()  # as the services keep it
            rows.append(row)
        created = Proposal.objects.bulk_create(rows, batch_size=2000)
        # Spread the creation dates over a year (auto_now_add set them all to now).
        for i, proposal in enumerate(created):
            proposal.created_at = now - timedelta(minutes=i * 50)
        Proposal.objects.bulk_update(created, ["created_at"], batch_size=2000)
        supports = []
        support_counts = {}
        for proposal in created:
            k = min(len(users), int(rng.paretovariate(1.2)) * 3)
            support_counts[proposal.pk] = k
            supports.extend(Support(proposal=proposal, user=u) for u in rng.sample(users, k))
        Support.objects.bulk_create(supports, batch_size=5000)
        per_proposal: dict[int, int] = {}
        batch: list[Comment] = []
        stances = ["for", "against", "question", ""]
        hot = created[len(created) // 2]
        for c in range(comments):
            # A tenth of the comments go to one "hot" proposal; the rest spread over all of them.
            proposal = hot if c % 10 == 0 else created[rng.randrange(len(created))]
            per_proposal[proposal.pk] = per_proposal.get(proposal.pk, 0) + 1
            batch.append(
                Comment(
                    proposal=proposal,
                    author=users[c % len(users)],
                    stance=stances[c % 4],
                    body=_sentence(rng, 25),
                    language="fr",
                )
            )
            if len(batch) == 5000:
                Comment.objects.bulk_create(batch)
                batch = []
        Comment.objects.bulk_create(batch)
        # Replies: a tenth of the comments of each proposal answer an earlier comment of the same proposal.
        by_proposal: dict[int, list[int]] = {}
        for pk, proposal_id in Comment.objects.values_list("pk", "proposal_id").order_by("pk"):
            by_proposal.setdefault(proposal_id, []).append(pk)
        replies = []
        for ids in by_proposal.values():
            root_of: dict[int, int] = {}
            for j in range(1, len(ids), 10):
                parent = ids[rng.randrange(j)]
                root_of[ids[j]] = root_of.get(parent, parent)
                replies.append(Comment(pk=ids[j], parent_id=parent, root_id=root_of[ids[j]]))
        Comment.objects.bulk_update(replies, ["parent_id", "root_id"], batch_size=5000)
        for proposal in created:
            proposal.support_count = support_counts[proposal.pk]
            proposal.comment_count = per_proposal.get(proposal.pk, 0)
        Proposal.objects.bulk_update(created, ["support_count", "comment_count"], batch_size=2000)
    # A proposal with about the average number of comments (ten at the default sizes).
    average = comments / max(1, proposals)
    typical = min(created, key=lambda p: (abs(per_proposal.get(p.pk, 0) - average), p.pk))
    return {
        "process": process,
        "typical": typical,
        "hot": hot,
        "per_proposal": per_proposal,
        "reader": users[0],
    }


def run_backend(backend: str, proposals: int, comments: int, requests: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    data = seed(proposals, comments)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    emit(
        backend=backend,
        measure="seed",
        proposals=proposals,
        comments=comments,
        seconds=round(time.perf_counter() - started, 1),
    )
    process, typical, hot = data["process"], data["typical"], data["hot"]
    client = Client()
    client.force_login(data["reader"])
    pages = proposals // 20
    measures = {
        "process_first_page": (process.get_absolute_url(), [{}]),
        "process_filtered_sorted": (
            process.get_absolute_url(),
            [
                {"sort": "supports"},
                {"sort": "comments", "page": 3},
                {"status": "published", "sort": "supports", "page": 2},
                {"q": "cantine", "sort": "supports"},
                {"q": "factuur", "status": "published"},
                {"sort": "oldest", "page": pages // 2},
                {"page": pages},
            ],
        ),
        "proposal_page": (typical.get_absolute_url(), [{}]),
        "proposal_page_hot": (hot.get_absolute_url(), [{}]),
    }
    from bench_register import CpuClock  # this process's CPU time plus the PostgreSQL backend's

    clock = CpuClock()
    for name, (url, variants) in measures.items():
        client.get(url, variants[0])  # templates compiled, connection open
        times: list[float] = []
        cpu: list[float] = []
        slow: dict[str, list[float]] = {}
        n = requests if name != "proposal_page_hot" else max(40, requests // 6)
        for i in range(n):
            params = variants[i % len(variants)]
            t0, c0 = time.perf_counter(), clock.now()
            response = client.get(url, params)
            elapsed = (time.perf_counter() - t0) * 1000
            cpu.append((clock.now() - c0) * 1000)
            assert response.status_code == 200, (name, params, response.status_code)
            times.append(elapsed)
            slow.setdefault(json.dumps(params, ensure_ascii=False), []).append(elapsed)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url, variants[-1])
        emit(
            backend=backend,
            measure=name,
            requests=len(times),
            proposals=proposals,
            comments=comments,
            comments_on_this_proposal=data["per_proposal"].get(hot.pk if name.endswith("hot") else typical.pk)
            if name.startswith("proposal")
            else None,
            p50_ms=round(statistics.median(times), 2),
            p95_ms=_p95(times),
            goal_p95_ms=GOAL_P95_MS if name != "proposal_page_hot" else None,
            cpu_p50_ms=round(statistics.median(cpu), 2),
            cpu_p95_ms=_p95(cpu),
            slowest_variant=max(slow, key=lambda k: _p95(slow[k])),
            slowest_variant_p95_ms=max(_p95(ts) for ts in slow.values()),
            queries=len(ctx.captured_queries),
        )
    for label, params in (("api_proposals_first_page", {}), ("api_proposals_sorted", {"sort": "supports"})):
        url = "/api/v1/proposals"
        query = {"process": process.pk, "limit": 50, **params}
        times = []
        for _ in range(max(40, requests // 4)):
            t0 = time.perf_counter()
            response = client.get(url, query)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.content[:300]
        emit(
            backend=backend,
            measure=label,
            requests=len(times),
            p50_ms=round(statistics.median(times), 2),
            p95_ms=_p95(times),
        )


def _child(backend: str, args: argparse.Namespace) -> int:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="coopgov.config.settings", COOPGOV_TESTING="1")
    tmp = Path(tempfile.mkdtemp(prefix=f"coopgov-bench-particip-{backend}-"))
    env["COOPGOV_VAR_DIR"] = str(tmp)
    admin = None
    try:
        if backend == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
        else:
            import psycopg

            admin = psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True)
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
            admin.execute(f"CREATE DATABASE {PG_DB}")
            env["DATABASE_URL"] = f"{PG_ADMIN_URL}/{PG_DB}"
        command = [
            sys.executable,
            __file__,
            "--child",
            backend,
            "--proposals",
            str(args.proposals),
            "--comments",
            str(args.comments),
            "--requests",
            str(args.requests),
        ]
        return subprocess.run(command, env=env, check=False).returncode
    finally:
        if admin is not None:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            admin.close()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=240, help="requests per measure (≥ 200)")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path[:0] = [str(ROOT / "src")]
        run_backend(args.child, args.proposals, args.comments, args.requests)
        return 0
    failed = 0
    for backend in args.backends.split(","):
        if _child(backend.strip(), args):
            emit(backend=backend, error="benchmark process failed")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
