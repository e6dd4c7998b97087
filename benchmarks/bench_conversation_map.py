"""Opinion conversation benchmark: the map of a conversation with many members, computed from the database
and shown to a member.

    .venv/bin/python benchmarks/bench_conversation_map.py [--members 20000] [--statements 300]
        [--votes 40] [--runs 3] [--database-url postgres://…/db]

Builds one conversation of Smart Belgium with ``--members`` admitted members in three planted opinion groups,
each reacting to ``--votes`` of the ``--statements`` statements (bulk-inserted as the reaction service
would leave them), then measures ``services.map_refresh`` (read every reaction, compute the map with
``domain.opinion``, store the snapshot), the map page as a member sees it, and the export in Polis's format
(``conversations.exporting``: the four CSV files in a directory, and the zip the page sends), which it reads
back with the project's Polis reader to recount the map. JSON lines on stdout: median seconds of ``--runs``
runs, the process's CPU seconds, the page's and the files' sizes, the agreement (adjusted Rand index) of
the map's groups with the planted ones, and of the groups recounted from the export with the map's. Without
--database-url it runs on a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchsetup import admitted_members, emit, start_django

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--statements", type=int, default=300)
    parser.add_argument("--votes", type=int, default=40, help="reactions per member")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    start_django(args.database_url, "conversation")

    from django.db import connection
    from django.test import Client
    from django.utils import timezone
    from sklearn.metrics import adjusted_rand_score

    from coopgov.accounts.models import User
    from coopgov.conversations import services
    from coopgov.conversations.models import Conversation, Reaction, Statement
    from coopgov.members.demo import setup_organisation
    from coopgov.members.models import Category

    units = setup_organisation()
    be = units["BE"]
    rng = random.Random(2026)
    category = Category.objects.get(cooperative=be, code="A")
    started = time.perf_counter()
    people = admitted_members(be, args.members, category_of=lambda i: category)
    users = User.objects.bulk_create(
        [User(email=f"m{i}@bench.example.org", person=p, password="!") for i, p in enumerate(people)],
        batch_size=5000,
    )
    conversation = Conversation.objects.create(unit=be, slug="bench", title="Bench", question="?")
    statements = Statement.objects.bulk_create(
        [
            Statement(conversation=conversation, text=f"Statement {j}", status="accepted", is_seed=True)
            for j in range(args.statements)
        ]
    )
    planted = {}
    now = timezone.now()
    batch: list[Reaction] = []
    for i, user in enumerate(users):
        group = i % 3
        planted[user.pk] = group
        for statement_index in rng.sample(range(args.statements), min(args.votes, args.statements)):
            vote = 1 if statement_index % 3 == group else -1
            if rng.random() < 0.15:
                vote = rng.choice((-1, 0, 1))
            batch.append(
                Reaction(
                    statement=statements[statement_index],
                    user=user,
                    vote=vote,
                    created_at=now,
                    updated_at=now,
                )
            )
        if len(batch) > 50_000:
            Reaction.objects.bulk_create(batch, batch_size=10_000)
            batch = []
    Reaction.objects.bulk_create(batch, batch_size=10_000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    reactions = Reaction.objects.count()
    emit(
        step="conversation loaded",
        backend=connection.vendor,
        members=args.members,
        statements=args.statements,
        reactions=reactions,
        seconds=round(time.perf_counter() - started, 1),
    )

    walls, cpus = [], []
    snapshot = None
    for _ in range(args.runs):
        wall, cpu = time.perf_counter(), time.process_time()
        snapshot = services.map_refresh(conversation=conversation)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    assert snapshot is not None
    points = snapshot.result["points"]
    ids = [uid for uid in planted if str(uid) in points]
    ari = adjusted_rand_score([planted[u] for u in ids], [points[str(u)][2] for u in ids])
    emit(
        step="map_refresh (read reactions, compute, store)",
        reactions=reactions,
        median_seconds=round(statistics.median(walls), 3),
        runs=[round(w, 3) for w in walls],
        median_cpu_seconds=round(statistics.median(cpus), 3),
        groups=len(snapshot.result["groups"]),
        ari_with_planted_groups=round(float(ari), 4),
        snapshot_json_bytes=len(json.dumps(snapshot.result)),
    )

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(users[0])
    walls = []
    size = 0
    for _ in range(args.runs):
        wall = time.perf_counter()
        response = client.get(f"/conversations/{conversation.slug}/map/")
        walls.append(time.perf_counter() - wall)
        assert response.status_code == 200, response.status_code
        size = len(response.content)
    emit(
        step="map page for a member",
        median_seconds=round(statistics.median(walls), 3),
        runs=[round(w, 3) for w in walls],
        page_bytes=size,
    )
    export_polis(conversation, snapshot, args.runs)
    return 0


def export_polis(conversation: Any, snapshot: Any, runs: int) -> None:
    """The export in Polis's format: into a directory (the command) and as a zip (the page), then read
    back with the project's Polis reader and recounted with the same pipeline as the map."""
    from sklearn.metrics import adjusted_rand_score

    from coopgov.conversations import exporting, selectors, services
    from coopgov.domain.formats.polis import polis_mod_out, read_comments, read_votes
    from coopgov.domain.opinion import VoteMatrix, opinion_map

    folder = Path(tempfile.mkdtemp(prefix="coopgov-bench-export-"))
    walls, cpus = [], []
    for run in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        summary = exporting.export_to_directory(conversation, folder / f"run{run}")
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    out = folder / "run0"
    emit(
        step="export to a directory (coopgov export_conversation)",
        reactions=summary.reactions,
        median_seconds=round(statistics.median(walls), 3),
        runs=[round(w, 3) for w in walls],
        median_cpu_seconds=round(statistics.median(cpus), 3),
        bytes={name: (out / name).stat().st_size for name in exporting.FILES},
    )
    walls, cpus = [], []
    size = 0
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        with tempfile.TemporaryFile() as archive:
            exporting.export_to_zip(conversation, archive, folder="bench")
            size = archive.tell()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    emit(
        step="export as a zip (the page's download)",
        median_seconds=round(statistics.median(walls), 3),
        runs=[round(w, 3) for w in walls],
        median_cpu_seconds=round(statistics.median(cpus), 3),
        zip_bytes=size,
    )
    wall = time.perf_counter()
    comments = read_comments(out / "comments.csv")
    votes = read_votes(out / "votes.csv")
    recount = opinion_map(
        VoteMatrix.from_votes(votes.participants, votes.statements, votes.votes),
        moderated_out=polis_mod_out(comments),
        parameters=services.PARAMETERS,
    )
    seconds = time.perf_counter() - wall
    shutil.rmtree(folder)  # three exports of some 50 MB each
    users = selectors.reactions_by_arrival(conversation).users
    stored = {int(u): int(p[2]) for u, p in snapshot.result["points"].items()}
    recounted = {
        int(users[int(p)]): int(g)
        for p, g, inside in zip(recount.participants, recount.group_of, recount.in_conv, strict=True)
        if inside
    }
    ids = sorted(stored)
    emit(
        step="export read back (read_comments, read_votes) and recounted (opinion_map)",
        seconds=round(seconds, 3),
        same_participants_in_groups=sorted(recounted) == ids,
        ari_recount_with_map=round(
            float(adjusted_rand_score([stored[u] for u in ids], [recounted.get(u, -1) for u in ids])), 4
        ),
    )


if __name__ == "__main__":
    sys.exit(main())
