"""Register benchmarks on SQLite and PostgreSQL: import, export as of a date, staff register page.

Goals (issue "runnable platform and member register"): import of a 100,000-row CSV ≤ 20 s (median of 3),
export as of a date for 100,000 members ≤ 5 s (median of 5), staff register page p95 ≤ 150 ms over
≥ 200 requests, with a query count that does not depend on the page size.

    .venv/bin/python benchmarks/bench_register.py [--rows 100000] [--backends sqlite,postgres]

Each backend runs in its own process (Django settings are per process): SQLite on a temporary file,
PostgreSQL on a database ``coopgov_bench`` that this script creates and drops. Figures are JSON lines.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchsetup import emit

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("COOPGOV_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_DB = "coopgov_bench"
GOALS = {"import_s": 20.0, "export_s": 5.0, "page_p95_ms": 150.0}


class CpuClock:
    """CPU seconds spent on a measure: this process, plus the PostgreSQL backend serving it (read from /proc,
    the server runs on this machine). On a shared machine the wall time also counts waiting for a core; the
    CPU time is what the work itself costs."""

    def __init__(self) -> None:
        from django.db import connection

        self.backend: int | None = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.backend = int(cursor.fetchone()[0])

    def _server(self) -> float:
        if self.backend is None:
            return 0.0
        try:
            fields = Path(f"/proc/{self.backend}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def now(self) -> float:
        return time.process_time() + self._server()


# --- the CSV ------------------------------------------------------------------------------------------


def write_register_csv(path: Path, rows: int, *, coop: str, antennas: list[str], seed: int, tag: str) -> None:
    """``rows`` invented members in the import's columns: plausible statuses, dates and paid-in shares."""
    from coopgov.members.demo import COMPANIES, FIRST, LAST
    from coopgov.members.importing import EXPORT_COLUMNS

    rng = random.Random(seed)
    today = date.today() - timedelta(days=1)
    categories = ["A", "B", "C", "D"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(EXPORT_COLUMNS)
        for number in range(1, rows + 1):
            legal = rng.random() < 0.06
            first, last = rng.choice(FIRST), rng.choice(LAST)
            status = rng.choices(
                ["admitted", "candidate", "resigned", "excluded", "deceased"], [85, 4, 9, 1, 1]
            )[0]
            applied = today - timedelta(days=rng.randint(60, 9 * 365))
            admitted = (
                "" if status == "candidate" else (applied + timedelta(days=rng.randint(0, 40))).isoformat()
            )
            ended = ""
            if status in ("resigned", "excluded", "deceased"):
                ended = min(
                    today, date.fromisoformat(admitted) + timedelta(days=rng.randint(10, 900))
                ).isoformat()
            shares = 0 if status == "candidate" else rng.randint(1, 8)
            paid = 30 * shares if rng.random() < 0.9 else 30 * max(0, shares - 1)
            writer.writerow(
                [
                    number,
                    "legal" if legal else "natural",
                    "" if legal else first,
                    "" if legal else last,
                    f"{rng.choice(COMPANIES)} {last} {number}" if legal else "",
                    f"{tag}.{number}@bench.example.org",
                    rng.choice(["fr", "nl", "en"]),
                    rng.choice(antennas),
                    rng.choice(
                        ["entrepreneur", "entrepreneur", "entrepreneur", "client", "staff", "partner"]
                    ),
                    rng.choice(categories),
                    status,
                    admitted,
                    shares,
                    f"{paid:.2f}",
                    applied.isoformat(),
                    ended,
                    "",
                    f"{rng.randint(1, 200)} rue de l'Exemple",
                    f"{first} {last}" if legal else "",
                ]
            )


# --- one backend, in its own process ------------------------------------------------------------------


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)], 2)


def _bench_cooperative(code: str) -> Any:
    """A cooperative shaped like Smart Belgium (antennas, categories A–D, €30 shares) in the SMART group."""
    from decimal import Decimal

    from coopgov.members.demo import BE_ANTENNAS, _slug, setup_organisation
    from coopgov.members.models import Category, ShareClass
    from coopgov.organisation.models import CooperativeProfile, Unit

    units = setup_organisation()
    coop = Unit.objects.create(
        kind=Unit.Kind.COOPERATIVE, code=code, name=f"Bench {code}", parent=units["SMART"]
    )
    CooperativeProfile.objects.create(
        unit=coop, country="BE", legal_form=CooperativeProfile.LegalForm.BE_SC, resignation_window_months=6
    )
    for antenna in BE_ANTENNAS:
        Unit.objects.create(
            kind=Unit.Kind.ANTENNA, code=f"{code}-{_slug(antenna)}", name=antenna, parent=coop
        )
    for cat in "ABCD":
        Category.objects.create(cooperative=coop, code=cat, name=f"Catégorie {cat}")
    ShareClass.objects.create(
        cooperative=coop, code="A", name="Part", nominal_eur=Decimal(30), is_default=True
    )
    return coop


def _staff_user() -> Any:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from coopgov.accounts.models import User
    from coopgov.members.demo import DEMO_TOTP_SECRET
    from coopgov.organisation.models import Unit
    from coopgov.organisation.services import role_grant

    user = User.objects.filter(email="bench-staff@example.org").first()
    if user is None:
        user = User.objects.create_user(email="bench-staff@example.org", password="bench-password-2026")
        role_grant(user=user, unit=Unit.objects.get(code="SMART"), role="staff", actor="bench")
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def run_backend(backend: str, rows: int, requests: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from coopgov.members.demo import BE_ANTENNAS
    from coopgov.members.exporting import write_csv
    from coopgov.members.models import Membership

    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)
    work = Path(tempfile.mkdtemp(prefix="coopgov-bench-csv-"))
    try:
        import_times: list[float] = []
        import_cpu: list[float] = []
        coops = []
        for run in range(3):
            code = f"BENCH{run + 1}"
            coop = _bench_cooperative(code)
            coops.append(coop)
            path = work / f"{code}.csv"
            write_register_csv(
                path, rows, coop=code, antennas=BE_ANTENNAS, seed=2026 + run, tag=f"{backend}{run}"
            )
            clock = CpuClock()
            started, cpu = time.perf_counter(), clock.now()
            call_command("import_register", "--coop", code, str(path), stdout=io.StringIO())
            import_times.append(time.perf_counter() - started)
            import_cpu.append(clock.now() - cpu)
            assert Membership.objects.filter(cooperative=coop).count() == rows
        emit(
            backend=backend,
            measure="import_csv",
            rows=rows,
            runs=[round(t, 3) for t in import_times],
            median_s=_median(import_times),
            cpu_runs=[round(t, 3) for t in import_cpu],
            median_cpu_s=_median(import_cpu),
            goal_s=GOALS["import_s"],
        )

        coop = coops[0]
        at = date.today() - timedelta(days=365)
        export_times: list[float] = []
        export_cpu: list[float] = []
        size = 0
        clock = CpuClock()
        for _ in range(5):
            out = io.StringIO()
            started, cpu = time.perf_counter(), clock.now()
            count = write_csv(coop, at=at, out=out)
            export_times.append(time.perf_counter() - started)
            export_cpu.append(clock.now() - cpu)
            size = len(out.getvalue())
        emit(
            backend=backend,
            measure="export_csv_at_date",
            at=at.isoformat(),
            members_listed=count,
            bytes=size,
            runs=[round(t, 3) for t in export_times],
            median_s=_median(export_times),
            cpu_runs=[round(t, 3) for t in export_cpu],
            median_cpu_s=_median(export_cpu),
            goal_s=GOALS["export_s"],
        )
        today_out = io.StringIO()
        started = time.perf_counter()
        write_csv(coop, at=date.today(), out=today_out)
        emit(
            backend=backend,
            measure="export_csv_today",
            members_listed=rows,
            seconds=round(time.perf_counter() - started, 3),
        )

        client = Client()
        client.force_login(_staff_user())
        url = f"/register/{coop.code}/"
        pages = max(1, rows // 50)
        variants = [
            {},
            {"page": 2},
            {"page": pages // 2},
            {"page": pages},
            {"status": "admitted"},
            {"status": "admitted", "page": pages // 3},
            {"category": "B"},
            {"antenna": f"{coop.code}-GENT"},
            {"profile": "client"},
            {"q": "Dub"},
            {"q": "Martin", "page": 3},
            {"q": str(rows // 2)},
            {"status": "resigned", "antenna": f"{coop.code}-NAMUR", "page": 2},
        ]
        timings: dict[str, list[float]] = {}
        cpu_times: list[float] = []
        client.get(url)  # templates compiled, connection open: the server's steady state
        clock = CpuClock()
        for i in range(requests):
            params = variants[i % len(variants)]
            started, cpu = time.perf_counter(), clock.now()
            response = client.get(url, params)
            elapsed = (time.perf_counter() - started) * 1000
            cpu_times.append((clock.now() - cpu) * 1000)
            assert response.status_code == 200, (params, response.status_code)
            timings.setdefault(json.dumps(params), []).append(elapsed)
        all_times = [t for ts in timings.values() for t in ts]
        emit(
            backend=backend,
            measure="register_page",
            requests=len(all_times),
            members=rows,
            p50_ms=round(statistics.median(all_times), 2),
            p95_ms=_p95(all_times),
            goal_p95_ms=GOALS["page_p95_ms"],
            cpu_p50_ms=round(statistics.median(cpu_times), 2),
            cpu_p95_ms=_p95(cpu_times),
            slowest_variant=max(timings, key=lambda k: _p95(timings[k])),
            slowest_variant_p95_ms=max(_p95(ts) for ts in timings.values()),
        )

        counts = {}
        for label, params in (("full_page_50_rows", {}), ("filtered_few_rows", {"q": str(rows // 2)})):
            with CaptureQueriesContext(connection) as ctx:
                client.get(url, params)
            counts[label] = len(ctx.captured_queries)
        api = f"/api/v1/cooperatives/{coop.code}/members"
        for limit in (10, 50):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(api, {"limit": limit, "offset": rows // 2})
            assert response.status_code == 200, response.content[:300]
            counts[f"api_limit_{limit}"] = len(ctx.captured_queries)
        emit(backend=backend, measure="query_counts", **counts)
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- the driver ---------------------------------------------------------------------------------------


def _child(backend: str, rows: int, requests: int) -> int:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="coopgov.config.settings", COOPGOV_TESTING="1")
    tmp = Path(tempfile.mkdtemp(prefix=f"coopgov-bench-{backend}-"))
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
        args = [
            sys.executable,
            __file__,
            "--child",
            backend,
            "--rows",
            str(rows),
            "--requests",
            str(requests),
        ]
        return subprocess.run(args, env=env, check=False).returncode
    finally:
        if admin is not None:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            admin.close()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=260, help="register page requests (≥ 200)")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_backend(args.child, args.rows, args.requests)
        return 0
    failed = 0
    for backend in args.backends.split(","):
        code = _child(backend.strip(), args.rows, args.requests)
        if code:
            emit(backend=backend, error=f"benchmark process exited with {code}")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
