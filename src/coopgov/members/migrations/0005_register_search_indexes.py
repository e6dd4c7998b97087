"""Indexes for the staff register's prefix search on PostgreSQL.

Django's ``istartswith`` reads ``UPPER(column::text) LIKE UPPER('prefix%')``; an index on that expression
with ``text_pattern_ops`` answers it without reading every person. SQLite's LIKE is already
case-insensitive and these indexes would not serve it, so nothing is created there.
"""

from django.db import migrations

COLUMNS = ("last_name", "legal_name", "email")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS person_{column}_upper_prefix_idx "
            f"ON members_person (UPPER({column}::text) text_pattern_ops)",
            params=None,
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS person_{column}_upper_prefix_idx", params=None)


class Migration(migrations.Migration):
    dependencies = [("members", "0004_choices_with_labels")]
    operations = [migrations.RunPython(forwards, backwards)]
