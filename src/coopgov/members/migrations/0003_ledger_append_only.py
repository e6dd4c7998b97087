"""Database-level guard: share-ledger lines cannot be updated (nor deleted on PostgreSQL)."""

from django.db import migrations

PG = """
CREATE OR REPLACE FUNCTION coopgov_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER share_movement_no_update BEFORE UPDATE OR DELETE ON members_sharemovement
  FOR EACH ROW EXECUTE FUNCTION coopgov_append_only();
"""
PG_REVERSE = "DROP TRIGGER IF EXISTS share_movement_no_update ON members_sharemovement;"
SQLITE = """
CREATE TRIGGER share_movement_no_update BEFORE UPDATE ON members_sharemovement
BEGIN SELECT RAISE(ABORT, 'members_sharemovement is append-only'); END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS share_movement_no_update;"


def forwards(apps, schema_editor):
    # params=None: the PL/pgSQL '%' placeholder must reach PostgreSQL unformatted.
    schema_editor.execute(PG if schema_editor.connection.vendor == "postgresql" else SQLITE, params=None)


def backwards(apps, schema_editor):
    schema_editor.execute(
        PG_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE, params=None
    )


class Migration(migrations.Migration):
    dependencies = [("members", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
