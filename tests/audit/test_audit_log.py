"""The audit log: every act appends one hash-chained entry; verify_audit names the first broken entry; the
database itself refuses to change the audit log and the share ledger."""

from __future__ import annotations

import io
import itertools
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from coopgov.audit.models import AppendOnlyError, AuditEntry
from coopgov.audit.selectors import audit_first_broken_entry
from coopgov.members.models import ShareMovement
from tests.members.builders import candidate, member

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"


def verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def verify_fails() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit", stdout=io.StringIO())
    return str(failure.value)


def drop_update_trigger() -> None:
    """Remove the database guard, as someone with direct access to the database could."""
    with connection.cursor() as cursor:
        if POSTGRES:
            cursor.execute("DROP TRIGGER audit_entry_no_update ON audit_auditentry")
        else:
            cursor.execute("DROP TRIGGER audit_entry_no_update")


@pytest.fixture
def history(org):
    """A few acts: candidacies, admissions, share movements."""
    for _ in range(3):
        member(org, org.be, shares=2)
    candidate(org, org.fr)
    entries = list(AuditEntry.objects.order_by("seq"))
    assert len(entries) >= 10
    return entries


def test_an_intact_chain_verifies(history):
    assert audit_first_broken_entry() is None
    assert f"audit chain intact: {len(history)} entries" in verify()


def test_each_entry_links_to_the_previous_one(history):
    for previous, entry in itertools.pairwise(history):
        assert entry.seq == previous.seq + 1
        assert entry.prev_hash == previous.hash


def test_tampering_with_an_entry_json_is_named_by_verify_audit(history):
    target = history[len(history) // 2]
    drop_update_trigger()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET after = %s WHERE seq = %s",
            [json.dumps({"shares": 999}), target.seq],
        )
    assert audit_first_broken_entry() == target.seq
    assert f"entry #{target.seq}" in verify_fails()


def test_tampering_with_the_actor_is_named_too(history):
    target = history[2]
    drop_update_trigger()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET actor_label = %s WHERE seq = %s", ["someone-else", target.seq]
        )
    assert f"entry #{target.seq}" in verify_fails()


def test_deleting_a_middle_entry_is_named_by_the_entry_after_it(history):
    target = history[4]
    with connection.cursor() as cursor:
        if POSTGRES:
            cursor.execute("DROP TRIGGER audit_entry_no_update ON audit_auditentry")
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = %s", [target.seq])
    assert f"entry #{target.seq + 1}" in verify_fails()


def test_deleting_the_last_entries_is_caught_by_the_chain_head(history):
    last = history[-1]
    with connection.cursor() as cursor:
        if POSTGRES:
            cursor.execute("DROP TRIGGER audit_entry_no_update ON audit_auditentry")
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = %s", [last.seq])
    assert f"entry #{last.seq}" in verify_fails()


def test_the_database_refuses_to_update_an_audit_entry(history):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = 'forged' WHERE seq = %s", [history[0].seq])
    assert AuditEntry.objects.get(seq=history[0].seq).action == history[0].action


@pytest.mark.skipif(not POSTGRES, reason="SQLite keeps no DELETE trigger (it would block the test flush)")
def test_the_database_refuses_to_delete_an_audit_entry(history):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = %s", [history[0].seq])


def test_the_database_refuses_to_update_a_share_ledger_line(history):
    line = ShareMovement.objects.order_by("id").first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE members_sharemovement SET shares_delta = 100 WHERE id = %s", [line.pk])
    assert ShareMovement.objects.get(pk=line.pk).shares_delta == line.shares_delta


@pytest.mark.skipif(not POSTGRES, reason="SQLite keeps no DELETE trigger (it would block the test flush)")
def test_the_database_refuses_to_delete_a_share_ledger_line(history):
    line = ShareMovement.objects.order_by("id").first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM members_sharemovement WHERE id = %s", [line.pk])


def test_the_models_refuse_to_change_or_delete_append_only_records(history):
    entry = AuditEntry.objects.first()
    entry.action = "forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    line = ShareMovement.objects.first()
    line.shares_delta = 100
    with pytest.raises(AppendOnlyError):
        line.save()
    with pytest.raises(AppendOnlyError):
        line.delete()
