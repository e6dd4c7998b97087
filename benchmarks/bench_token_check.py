"""What the officer rule of API tokens costs per request (ADR 0014): checking a token, member or officer.

    .venv/bin/python benchmarks/bench_token_check.py [--tokens 50000] [--officers 200] [--runs 500]

Builds, on a temporary SQLite file (or on DATABASE_URL if given), ``--tokens`` accounts with one token each
(bulk inserts), ``--officers`` of them holding staff or board with a TOTP authenticator, then times
``accounts.selectors.api_token_check`` for a member's and an officer's token, beside the plain look-up
of a token by its hash and its last-use mark (what the check did before the rule), and the check's SQL
alone (without the ORM). Prints JSON lines with medians (µs) and the 1-minute load average (the machine
may be shared).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchsetup import emit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]


def timed(fn: Callable[[], Any], runs: int) -> float:
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - start)
    return round(statistics.median(walls) * 1_000_000, 1)


def build(tokens: int, officers: int) -> tuple[str, str]:
    """Returns a member's raw token and an officer's."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from coopgov.accounts.models import ApiToken, User, hash_token
    from coopgov.members.demo import DEMO_TOTP_SECRET, setup_organisation
    from coopgov.organisation.models import RoleAssignment

    units = setup_organisation()
    User.objects.bulk_create(
        [User(email=f"u{n}@bench.example", password="!") for n in range(tokens)], batch_size=5000
    )
    users = list(User.objects.order_by("pk").values_list("pk", flat=True))
    raws = [f"cg_bench_{n:08d}" for n in range(tokens)]
    ApiToken.objects.bulk_create(
        [
            ApiToken(user_id=pk, name="bench", prefix=raw[:8], digest=hash_token(raw))
            for pk, raw in zip(users, raws, strict=True)
        ],
        batch_size=5000,
    )
    officer_ids = users[-officers:]
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user_id=pk, unit=units["BE"], role="staff" if n % 2 else "board")
            for n, pk in enumerate(officer_ids)
        ]
    )
    one = User.objects.get(pk=officer_ids[0])
    TOTP.activate(one, DEMO_TOTP_SECRET)
    template = Authenticator.objects.get(user=one)
    Authenticator.objects.bulk_create(
        [Authenticator(user_id=pk, type=template.type, data=template.data) for pk in officer_ids[1:]]
    )
    return raws[0], raws[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=50_000)
    parser.add_argument("--officers", type=int, default=200)
    parser.add_argument("--runs", type=int, default=500)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        tmp = tempfile.mkdtemp(prefix="coopgov-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopgov.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)

    from allauth.mfa.models import Authenticator
    from django.db import connection
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from coopgov.accounts.models import ApiToken, hash_token
    from coopgov.accounts.selectors import api_token_check
    from coopgov.organisation.models import RoleAssignment

    member, officer = build(args.tokens, args.officers)
    assert api_token_check(member).user is not None and api_token_check(officer).user is not None

    def plain_lookup() -> None:
        # What the check did before the rule: the token with its user, then its last-use mark.
        token = ApiToken.objects.select_related("user").filter(digest=hash_token(member)).first()
        assert token is not None
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())

    query = (
        ApiToken.objects.select_related("user")
        .filter(digest=hash_token(officer))
        .annotate(
            officer_role=Exists(
                RoleAssignment.objects.filter(user_id=OuterRef("user_id"), role__in=("staff", "board"))
            ),
            has_totp=Exists(Authenticator.objects.filter(user_id=OuterRef("user_id"), type="totp")),
        )
        .query
    )
    sql, params = query.sql_with_params()

    def raw_sql() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    database = os.environ["DATABASE_URL"].split(":", 1)[0]
    common = {"tokens": args.tokens, "officers": args.officers, "runs": args.runs, "database": database}
    emit(measure="plain token look-up (before the rule)", median_us=timed(plain_lookup, args.runs), **common)
    emit(
        measure="api_token_check, member",
        median_us=timed(lambda: api_token_check(member), args.runs),
        **common,
    )
    emit(
        measure="api_token_check, officer",
        median_us=timed(lambda: api_token_check(officer), args.runs),
        **common,
    )
    emit(measure="the check's SELECT alone, no ORM", median_us=timed(raw_sql, args.runs), **common)


if __name__ == "__main__":
    main()
