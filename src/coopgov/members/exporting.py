"""The legal register of a cooperative as of a date, in the import's columns (it imports back unchanged)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from typing import IO, Any

from django.db import connection
from django.db.models import Field, Model

from coopgov.members.importing import EXPORT_COLUMNS
from coopgov.members.models import Category, Membership, MembershipEvent, Person, ShareMovement
from coopgov.organisation.models import Unit


def _register_sql() -> str:
    """One query for the whole register as of a date: the status from the last event on or before the
    date, the holdings summed from the ledger up to the date (a 100,000-member register in seconds)."""
    q = connection.ops.quote_name

    def table(model: type[Model]) -> str:
        return q(model._meta.db_table)

    def col(model: type[Model], name: str) -> str:
        field = model._meta.get_field(name)
        assert isinstance(field, Field)
        return q(field.column)

    m, p, a, c, e, s = Membership, Person, Unit, Category, MembershipEvent, ShareMovement
    return f"""
        SELECT m.{col(m, "number")}, p.{col(p, "kind")}, p.{col(p, "first_name")}, p.{col(p, "last_name")},
               p.{col(p, "legal_name")}, p.{col(p, "email")}, p.{col(p, "language")}, a.{col(a, "name")},
               p.{col(p, "profiles")}, c.{col(c, "code")},
               (SELECT e.{col(e, "to_status")} FROM {table(e)} e
                 WHERE e.{col(e, "membership")} = m.{col(m, "id")} AND e.{col(e, "on")} <= %s
                 ORDER BY e.{col(e, "on")} DESC, e.{col(e, "id")} DESC LIMIT 1),
               m.{col(m, "admitted_on")}, s.shares, s.paid, m.{col(m, "applied_on")}, m.{col(m, "ended_on")},
               p.{col(p, "phone")}, p.{col(p, "address")}, p.{col(p, "representative")}
          FROM {table(m)} m
          JOIN {table(p)} p ON p.{col(p, "id")} = m.{col(m, "person")}
          JOIN {table(c)} c ON c.{col(c, "id")} = m.{col(m, "category")}
          LEFT JOIN {table(a)} a ON a.{col(a, "id")} = p.{col(p, "home_antenna")}
          LEFT JOIN (SELECT {col(s, "membership")} AS membership_id, SUM({col(s, "shares_delta")}) AS shares,
                            SUM({col(s, "paid_delta_eur")}) AS paid
                       FROM {table(s)}
                      WHERE {col(s, "cooperative")} = %s AND {col(s, "effective_on")} <= %s
                      GROUP BY {col(s, "membership")}) s ON s.membership_id = m.{col(m, "id")}
         WHERE m.{col(m, "cooperative")} = %s AND m.{col(m, "applied_on")} <= %s
         ORDER BY m.{col(m, "number")}
    """


def _iso(value: Any) -> str:
    """A date column as YYYY-MM-DD whatever the driver returned (a date, or text on SQLite)."""
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def register_tuples(cooperative: Unit, *, at: date) -> Iterator[tuple[Any, ...]]:
    """The register as of ``at``, one tuple per membership in the order of ``EXPORT_COLUMNS``."""
    profiles_text: dict[Any, str] = {}
    with connection.cursor() as cursor:
        cursor.execute(_register_sql(), [at, cooperative.pk, at, cooperative.pk, at])
        while batch := cursor.fetchmany(5000):
            for (
                number,
                kind,
                first,
                last,
                legal,
                email,
                lang,
                antenna,
                profiles,
                category,
                status,
                admitted,
                shares,
                paid,
                applied,
                ended,
                phone,
                address,
                representative,
            ) in batch:
                profile = profiles_text.get(profiles)
                if profile is None:
                    items = json.loads(profiles) if isinstance(profiles, str) else profiles
                    profile = profiles_text[profiles] = ";".join(items or [])
                admitted_text = _iso(admitted)
                ended_text = _iso(ended)
                yield (
                    number,
                    kind,
                    first,
                    last,
                    legal,
                    email,
                    lang,
                    antenna or "",
                    profile,
                    category,
                    status or "candidate",
                    admitted_text if admitted_text and admitted_text <= at.isoformat() else "",
                    int(shares or 0),
                    f"{paid or 0:.2f}",
                    _iso(applied),
                    ended_text if ended_text and ended_text <= at.isoformat() else "",
                    phone,
                    address,
                    representative,
                )


def register_rows(cooperative: Unit, *, at: date) -> Iterator[dict[str, Any]]:
    """One dict per membership known on ``at``: status, dates and holdings as they stood that day."""
    for values in register_tuples(cooperative, at=at):
        yield dict(zip(EXPORT_COLUMNS, values, strict=True))


def write_csv(cooperative: Unit, *, at: date, out: IO[str]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for row in register_tuples(cooperative, at=at):
        writer.writerow(row)
        count += 1
    return count


def write_json(cooperative: Unit, *, at: date, out: IO[str]) -> int:
    rows = list(register_rows(cooperative, at=at))
    json.dump(
        {"cooperative": cooperative.code, "at": at.isoformat(), "members": rows},
        out,
        ensure_ascii=False,
        indent=1,
    )
    out.write("\n")
    return len(rows)
