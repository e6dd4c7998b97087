"""Results' ballot files compressed with LZ4 on PostgreSQL (docs/adr/0006-casting-under-load.md).

A result stores its anonymised ballot file: a megabyte or two of text for an assembly of 30,000 members.
PostgreSQL compresses such a value with pglz by default, about five times slower than with LZ4 for a
file of about the same size (some 20 ms against 4 ms for each item counted). LZ4 is used when the
server was built with it (it is then among the values of ``default_toast_compression``); files already
stored keep their compression, and PostgreSQL reads both. SQLite does not compress: nothing to do there.
"""

from django.db import migrations

TABLE_COLUMN = "decisions_result ALTER COLUMN ballots_file"


def _postgresql_with_lz4(schema_editor) -> bool:
    if schema_editor.connection.vendor != "postgresql":
        return False
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
        row = cursor.fetchone()
    return row is not None and "lz4" in (row[0] or [])


def forwards(apps, schema_editor):
    if _postgresql_with_lz4(schema_editor):
        schema_editor.execute(f"ALTER TABLE {TABLE_COLUMN} SET COMPRESSION lz4", params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE_COLUMN} SET COMPRESSION default", params=None)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0004_own_presets_and_document_links")]
    operations = [migrations.RunPython(forwards, backwards)]
