"""Database helpers shared by the apps."""

from __future__ import annotations

from django.db import connection, models


def analyze(*tables: type[models.Model]) -> None:
    """Refresh PostgreSQL's planner statistics of tables just filled in bulk (a register import, a frozen
    electorate). Until autovacuum passes (a minute or so later, or never on a server running without it),
    the planner plans for the tables as they were before the load: a thousand times smaller, it hashes
    whole tables where an index probe would do. Rows of the current transaction are sampled too.
    SQLite's planner keeps no such statistics to refresh: nothing is done there."""
    if connection.vendor != "postgresql" or not tables:
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(m._meta.db_table) for m in tables))
