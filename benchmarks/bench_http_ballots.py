"""HTTP load benchmark: 30,000 members cast (and some change) their ballot through the API.

Goal (issue "general assemblies, board elections and ballots"): 30,000 members casting within 10 minutes
against the production set-up on a 2-core machine: ≥ 100 ballots/s sustained, p95 ≤ 300 ms, and zero lost
or duplicated ballots verified against the load tool's own record.

Set-up: PostgreSQL (database ``bench_ballots``, created and dropped here), gunicorn serving
``coopgov.config.wsgi`` with DEBUG off and no static files, and `wrk` (Debian's package) driving
``POST /api/v1/assemblies/{a}/items/{i}/ballot`` with one personal API token per member
(benchmarks/wrk_cast_ballots.lua). The electorate is frozen by the real ``assembly_convene`` and the item
opened by ``item_open``; persons, memberships, accounts and tokens are bulk-created (tokens hashed as
``accounts.ApiToken`` stores them). Afterwards every response wrk recorded is checked against the
database (benchmarks/http_ballots_record.py) and the audit chain is verified.

    .venv/bin/python benchmarks/bench_http_ballots.py [--voters 30000] [--workers 4] [--threads 2]
        [--connections 16] [--change-every 10] [--roll-call] [--server-url postgres://postgres@127.0.0.1:5432]

Figures are JSON lines on stdout. Needs `wrk` (make bench installs it) and a PostgreSQL server.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchsetup import emit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from benchmarks import http_ballots_record as rec  # noqa: E402

GOAL_RATE = 100.0
GOAL_P95_MS = 300.0
DATABASE = "bench_ballots"


def admin_sql(server_url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def populate(voters: int, secret: bool, auth: str) -> dict[str, Any]:
    """Members with accounts and API tokens, an assembly convened the normal way, one open motion."""
    from datetime import timedelta

    from django.utils import timezone

    from coopgov.accounts.models import ApiToken, User, hash_token
    from coopgov.decisions import services
    from coopgov.decisions.models import Assembly, ElectorateEntry, Item
    from coopgov.members.demo import setup_organisation
    from coopgov.members.models import Category, Membership, Person

    units = setup_organisation()
    be = units["BE"]
    today = timezone.localdate()
    category = Category.objects.get(cooperative=be, code="A")
    people = Person.objects.bulk_create(
        [Person(kind="natural", first_name="M", last_name=f"Member {i}") for i in range(voters)],
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        [
            Membership(
                cooperative=be,
                person=p,
                number=i + 1,
                category=category,
                status="admitted",
                applied_on=today - timedelta(days=400),
                admitted_on=today - timedelta(days=390),
            )
            for i, p in enumerate(people)
        ],
        batch_size=5000,
    )
    users = User.objects.bulk_create(
        [User(email=f"member{i}@bench.invalid", person=p, password="!") for i, p in enumerate(people)],
        batch_size=5000,
    )
    if auth == "token":  # personal API tokens, stored hashed as accounts.ApiToken does
        raws = [ApiToken.new_raw() for _ in users]
        ApiToken.objects.bulk_create(
            [
                ApiToken(user=u, name="bench", prefix=raw[:8], digest=hash_token(raw))
                for u, raw in zip(users, raws, strict=True)
            ],
            batch_size=5000,
        )
        credentials = [f"t:{raw}" for raw in raws]
    else:  # signed-in browsers: a session per member (as login() leaves it) and a CSRF secret
        from django.contrib.sessions.backends.db import SessionStore
        from django.contrib.sessions.models import Session
        from django.utils.crypto import get_random_string

        store = SessionStore()
        expires = timezone.now() + timedelta(days=1)
        keys = [get_random_string(32) for _ in users]
        Session.objects.bulk_create(
            [
                Session(
                    session_key=key,
                    session_data=store.encode(
                        {
                            "_auth_user_id": str(u.pk),
                            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                            "_auth_user_hash": u.get_session_auth_hash(),
                        }
                    ),
                    expire_date=expires,
                )
                for u, key in zip(users, keys, strict=True)
            ],
            batch_size=5000,
        )
        credentials = [f"s:{key}:{get_random_string(32)}" for key in keys]
    assembly = Assembly.objects.create(
        unit=be,
        cooperative=be,
        kind="ordinary",
        title="Benchmark AG",
        first_convocation_at=timezone.now() + timedelta(days=20),
        record_date=today - timedelta(days=1),
        preset="be-sc-ordinary",
    )
    item = Item.objects.create(
        assembly=assembly, order=1, kind="motion", title="Motion 1", method="motion", secret=secret
    )
    services.assembly_convene(assembly=assembly, actor="bench")
    services.item_open(item=item, actor="bench")
    entry_of_person = dict(
        ElectorateEntry.objects.filter(assembly=assembly, eligible=True).values_list(
            "membership__person_id", "pk"
        )
    )
    return {
        "assembly": assembly.pk,
        "item": item.pk,
        "credentials": credentials,
        "entries": [entry_of_person[p.pk] for p in people],
    }


def stored_state(item_id: int, entries: list[int]) -> tuple[dict[int, rec.StoredVoter], int]:
    """Per voter: the participation's times cast and the ballots under their seal (secret) or entry."""
    from coopgov.decisions.models import Ballot, Item, Participation
    from coopgov.decisions.services import seal_of

    item = Item.objects.get(pk=item_id)
    times = dict(Participation.objects.filter(item=item).values_list("entry_id", "times_cast"))
    by_key: dict[Any, list[tuple[str, str]]] = {}
    rows = Ballot.objects.filter(item=item).values_list("seal", "entry_id", "receipt", "content")
    for seal, entry_id, receipt, content in rows:
        by_key.setdefault(seal if item.secret else entry_id, []).append((receipt, str(content)))
    stored = {}
    for voter, entry_id in enumerate(entries):
        key = seal_of(item.pk, entry_id) if item.secret else entry_id
        ballots = tuple(by_key.get(key, ()))
        if entry_id in times or ballots:
            stored[voter] = rec.StoredVoter(times.get(entry_id), ballots)
    return stored, len(rows)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (Linux /proc), ended ones counting 0."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / ticks


def exited_children_cpu_seconds(pid: int) -> float:
    """CPU time of a process's children that have ended and been waited for (cutime + cstime): for the
    PostgreSQL server, the backends that closed during the run (connections live at most a minute)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def postmaster_pid(server_url: str) -> int:
    """The PostgreSQL server's main process: the parent of this connection's backend."""
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
        backend = connection.execute("SELECT pg_backend_pid()").fetchone()[0]
        return int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in found]


def database_backends(server_url: str) -> list[int]:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [DATABASE]
        ).fetchall()
    return [int(row[0]) for row in rows]


def wait_for_server(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # the server answers (401 without a token is fine)
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer at {url} within {seconds:.0f} s")


def run_wrk(
    args: argparse.Namespace, base_url: str, path: str, folder: Path, expected: int
) -> dict[str, Any]:
    """Run wrk until every thread has answered its whole plan, then stop it (SIGINT prints the summary)."""
    env = {
        **os.environ,
        "BENCH_PLAN_DIR": str(folder),
        "BENCH_RECORD_DIR": str(folder),
        "BENCH_SUMMARY": str(folder / "summary.json"),
        "BENCH_PATH": path,
        "BENCH_STOP": str(folder / "stop"),
        "BENCH_KEEP_ALIVE": "0" if args.connection_per_cast else "1",
    }
    command = [
        "wrk",
        f"-t{args.connections}",
        f"-c{args.connections}",
        f"-d{int(max(2 * args.max_seconds, 3600))}s",  # the harness stops wrk when the plan is done
        "--timeout",
        "30s",
        "-s",
        str(ROOT / "benchmarks" / "wrk_cast_ballots.lua"),
        base_url,
    ]
    started = time.monotonic()
    wrk = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    last, last_change = -1, time.monotonic()
    # The harness shares the server's cores: it reads only what each record gained since the last look,
    # once a second, so watching the run costs next to nothing.
    offsets = dict.fromkeys(range(1, args.connections + 1), 0)
    lines = dict.fromkeys(offsets, 0)
    ended: set[int] = set()
    # (seconds since the start, responses so far) at each look, and when the first thread finished its
    # plan: the rate is "sustained" over the windows before it, while every connection is busy.
    timeline: list[tuple[float, int]] = [(0.0, 0)]
    first_end: float | None = None
    while wrk.poll() is None:
        time.sleep(1.0)
        for number in offsets:
            path_ = folder / f"record-{number}.txt"
            if number in ended or not path_.exists():
                continue
            with path_.open("rb") as record:
                record.seek(offsets[number])
                gained = record.read()
            complete = gained[: gained.rfind(b"\n") + 1]
            offsets[number] += len(complete)
            lines[number] += complete.count(b"\n")
            if complete.endswith(b"END\n"):
                ended.add(number)
        done = sum(lines.values())
        timeline.append((time.monotonic() - started, done))
        if ended and first_end is None:
            first_end = timeline[-1][0]
        if len(ended) == args.connections:
            break
        if args.max_seconds and time.monotonic() - started > args.max_seconds:
            (folder / "stop").touch()  # each thread stops after its current response
        if done != last:
            last, last_change = done, time.monotonic()
        elif time.monotonic() - last_change > 60:
            emit(step="load", warning="no response for 60 s: stopping wrk", answered=done, expected=expected)
            break
    wall = time.monotonic() - started
    if wrk.poll() is None:
        wrk.send_signal(signal.SIGINT)
    output, _ = wrk.communicate(timeout=60)
    summary_path = folder / "summary.json"
    if not summary_path.exists():
        raise SystemExit(f"wrk wrote no summary:\n{output}")
    summary = json.loads(summary_path.read_text())
    summary["wall_s"] = wall
    summary["windows"] = window_rates(timeline, until=first_end or wall)
    return summary


def window_rates(timeline: list[tuple[float, int]], *, until: float, width: float = 30.0) -> dict[str, Any]:
    """Responses per second over consecutive windows of ``width`` seconds up to ``until`` (the last,
    shorter window is left out): the lowest and the median window, to tell a sustained rate from an
    average lifted by a fast start."""
    rates, start = [], timeline[0]
    for point in timeline:
        if point[0] > until:
            break
        if point[0] - start[0] >= width:
            rates.append((point[1] - start[1]) / (point[0] - start[0]))
            start = point
    if not rates:
        return {"width_s": width, "count": 0}
    ordered = sorted(rates)
    return {
        "width_s": width,
        "count": len(rates),
        "lowest_per_s": round(ordered[0], 1),
        "median_per_s": round(ordered[len(ordered) // 2], 1),
        "until_s": round(until, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=30_000)
    parser.add_argument("--change-every", type=int, default=10, help="every n-th voter changes their vote")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument(
        "--threads",
        type=int,
        default=2,
        help="threads per gunicorn worker (gthread if > 1; 1 means sync workers, which block on an idle "
        "connection: a wrk thread that has finished its plan leaves one open, and the run stalls)",
    )
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (one per wrk thread)")
    parser.add_argument("--roll-call", action="store_true", help="an open (non-secret) item")
    parser.add_argument(
        "--auth", choices=["token", "session"], default="token", help="API tokens or signed-in sessions"
    )
    parser.add_argument(
        "--server-url", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=0,
        help="stop the load after this long (0: when every cast is done)",
    )
    parser.add_argument(
        "--connection-per-cast",
        action="store_true",
        help="each cast on a new connection (Connection: close), as each member's own client would; by "
        "default one kept-alive connection per wrk thread. Measured worse with gthread workers (3,000 "
        "voters: 67 ballots/s, p95 2.2 s): a worker accepts new connections ahead of its busy threads",
    )
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()
    if subprocess.run(["which", "wrk"], capture_output=True).returncode != 0:
        raise SystemExit("wrk is missing: `make bench` installs it (apt-get install wrk)")

    folder = Path(tempfile.mkdtemp(prefix="coopgov-bench-http-"))
    database_url = f"{args.server_url}/{DATABASE}"
    try:
        admin_sql(args.server_url, f"DROP DATABASE IF EXISTS {DATABASE}", f"CREATE DATABASE {DATABASE}")
    except Exception as error:  # any failure to connect ends the benchmark with its reason
        raise SystemExit(f"cannot create the database {DATABASE} at {args.server_url}: {error}") from None
    environment = {
        "DATABASE_URL": database_url,
        "COOPGOV_DEBUG": "0",
        "COOPGOV_VAR_DIR": str(folder),
        "COOPGOV_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "COOPGOV_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_SETTINGS_MODULE": "coopgov.config.settings",
    }
    os.environ.update(environment)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        fixture = populate(args.voters, secret=not args.roll_call, auth=args.auth)
        autovacuum = "n/a"
        if connection.vendor == "postgresql":
            # Statistics as autovacuum would have left them after loading the register (this machine's
            # PostgreSQL runs with autovacuum off; the electorate is analyzed by the convocation itself).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
                cursor.execute("SHOW autovacuum")
                autovacuum = cursor.fetchone()[0]
        emit(
            step="populate",
            autovacuum=autovacuum,
            voters=args.voters,
            seconds=round(time.perf_counter() - started, 1),
            folder=str(folder),
            assembly=fixture["assembly"],
            item=fixture["item"],
        )
        plans = rec.make_plan(
            fixture["credentials"], threads=args.connections, change_every=args.change_every
        )
        rec.write_plan(plans, folder)
        expected = sum(len(p) for p in plans)
        connection.close()

        port = free_port()
        gunicorn = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "coopgov.config.wsgi:application",
            f"--workers={args.workers}",
            f"--bind=127.0.0.1:{port}",
            "--worker-class=" + ("gthread" if args.threads > 1 else "sync"),
            f"--threads={args.threads}",
            "--log-level=warning",
            "--timeout=60",
        ]
        server = subprocess.Popen(gunicorn, cwd=ROOT, env={**os.environ, **environment})
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for_server(f"{base}/api/v1/assemblies", 60)
            path = f"/api/v1/assemblies/{fixture['assembly']}/items/{fixture['item']}/ballot"
            time.sleep(2)  # every worker booted
            workers = children(server.pid)
            workers_before = cpu_seconds(workers)
            postmaster = postmaster_pid(args.server_url)
            ended_before = exited_children_cpu_seconds(postmaster)
            summary = run_wrk(args, base, path, folder, expected)
            # The server's CPU for the run: its workers, and the database backends that served them —
            # those still open (the database is new and the fixture's connection is closed, so they all
            # served the run) and those that ended during it (the server's waited-for children).
            cpu = {
                "gunicorn_workers_s": round(cpu_seconds(workers) - workers_before, 1),
                "postgres_backends_s": round(
                    cpu_seconds(database_backends(args.server_url))
                    + exited_children_cpu_seconds(postmaster)
                    - ended_before,
                    1,
                ),
            }
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)

        records, unfinished = [], 0
        for number in range(1, args.connections + 1):
            responses, finished = rec.read_record(folder / f"record-{number}.txt", number)
            records.append(responses)
            unfinished += not finished
        seen = rec.what_the_tool_saw(plans, records)
        accepted = sum(len(v.accepted) for v in seen.values())
        latency = summary["latency_us"]
        seconds = summary["duration_us"] / 1e6
        rate = accepted / seconds if seconds else 0.0
        emit(
            step="load",
            voters=args.voters,
            requests_planned=expected,
            responses=sum(len(r) for r in records),
            accepted=accepted,
            statuses=rec.statuses(records),
            socket_errors={k: v for k, v in summary["errors"].items() if k != "status"},
            threads_unfinished=unfinished,
            stopped_early=(folder / "stop").exists(),
            seconds=round(seconds, 1),
            ballots_per_s=round(rate, 1),
            latency_ms={k: round(v / 1000, 1) for k, v in latency.items()},
            # Responses per second in 30-second windows while every wrk connection still had work.
            windows=summary["windows"],
            goal={"ballots_per_s": GOAL_RATE, "p95_ms": GOAL_P95_MS},
            # Sustained: the average, and every full 30-second window while all connections were busy.
            met=rate >= GOAL_RATE
            and summary["windows"].get("lowest_per_s", rate) >= GOAL_RATE
            and latency["p95"] / 1000 <= GOAL_P95_MS,
            server={
                "gunicorn_workers": args.workers,
                "threads": args.threads,
                "secret": not args.roll_call,
                "auth": args.auth,
            },
            wrk_connections=args.connections,
            connection_per_cast=args.connection_per_cast,
            server_cpu=cpu,
            # What one cast costs the server in CPU, and the rate two otherwise idle cores would sustain
            # at that cost (an estimate, for a machine shared with other work during the run).
            cpu_ms_per_cast=round(1000 * sum(cpu.values()) / accepted, 2) if accepted else None,
            cpu_bound_ballots_per_s_on_2_cores=round(2 * accepted / sum(cpu.values()), 1)
            if sum(cpu.values())
            else None,
        )

        from coopgov.audit.models import AuditEntry
        from coopgov.audit.selectors import audit_first_broken_entry

        stored, in_item = stored_state(fixture["item"], fixture["entries"])
        problems = rec.reconcile(seen, stored, ballots_in_item=in_item)
        audited = AuditEntry.objects.filter(action="ballot.cast").count()
        if audited != accepted:
            problems.append(f"{audited} 'ballot.cast' audit entries for {accepted} accepted casts")
        broken = audit_first_broken_entry()
        if broken is not None:
            problems.append(f"the audit chain breaks at entry {broken}")
        emit(
            step="verify",
            voters_with_a_ballot=sum(1 for v in seen.values() if v.accepted),
            ballots_in_item=in_item,
            audit_entries_ballot_cast=audited,
            audit_chain="intact" if broken is None else f"broken at {broken}",
            problems=len(problems),
            first_problems=problems[:10],
            zero_lost_or_duplicated=not problems,
        )
        return 0 if not problems else 1
    finally:
        connection.close()
        if not args.keep_database:
            admin_sql(args.server_url, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
