"""Database-level guard: audit entries cannot be updated (nor deleted on PostgreSQL).

On SQLite a DELETE trigger would also block the test framework's table flush, so deletion there is
refused by the model and detected by verify_audit (the chain and the head row no longer agree).
"""

from django.db import migrations

PG = """
CREATE OR REPLACE FUNCTION coopgov_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE OR DELETE ON audit_auditentry
  FOR EACH ROW EXECUTE FUNCTION coopgov_append_only();
"""
PG_REVERSE = "DROP TRIGGER IF EXISTS audit_entry_no_update ON audit_auditentry;"
SQLITE = """
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
BEGIN SELECT RAISE(ABORT, 'audit_auditentry is append-only'); END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS audit_entry_no_update;"


def forwards(apps, schema_editor):
    sql = PG if schema_editor.connection.vendor == "postgresql" else SQLITE
    # params=None: the PL/pgSQL '%' placeholder must reach PostgreSQL unformatted.
    schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    sql = PG_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    # params=None: the PL/pgSQL '%' placeholder must reach PostgreSQL unformatted.
    schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
