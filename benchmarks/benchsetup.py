"""What the database benchmarks share: Django on a throw-away database (a temporary SQLite file unless a
PostgreSQL URL is given), migrated; a register of admitted members bulk-inserted as the register's
services would leave it; and the JSON line each figure is printed as."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def emit(**fields: Any) -> None:
    """Print one JSON line of figures, with the machine's load average (figures from a busy machine are
    not comparable)."""
    fields["load_avg_1m"] = round(os.getloadavg()[0], 2)
    print(json.dumps(fields, ensure_ascii=False), flush=True)


def start_django(database_url: str, name: str) -> Path:
    """Set coopgov up on ``database_url`` (or a new SQLite file), migrated; e-mails go nowhere. Returns
    the temporary folder used for the SQLite file and the project's files."""
    folder = Path(tempfile.mkdtemp(prefix=f"coopgov-bench-{name}-"))
    os.environ["COOPGOV_VAR_DIR"] = str(folder)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{folder}/bench.sqlite3"
    os.environ["COOPGOV_EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopgov.config.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return folder


def admitted_members(
    cooperative: Any,
    n: int,
    *,
    category_of: Callable[[int], Any],
    person_of: Callable[[int], dict[str, Any]] | None = None,
) -> list[Any]:
    """``n`` persons admitted to ``cooperative`` 390 days ago (applied 400 days ago), numbered 1…n; member
    ``i`` is in ``category_of(i)`` and has the person fields ``person_of(i)`` (a name only by default)."""
    from django.utils import timezone

    from coopgov.members.models import Membership, Person

    today = timezone.localdate()
    people = Person.objects.bulk_create(
        [
            Person(
                kind="natural", first_name="M", last_name=f"Member {i}", **(person_of(i) if person_of else {})
            )
            for i in range(n)
        ],
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        [
            Membership(
                cooperative=cooperative,
                person=p,
                number=i + 1,
                category=category_of(i),
                status="admitted",
                applied_on=today - timedelta(days=400),
                admitted_on=today - timedelta(days=390),
            )
            for i, p in enumerate(people)
        ],
        batch_size=5000,
    )
    return people
