"""Acts recorded without queueing on the chain head (ballots cast): appended at once when the head is
free, else kept pending in the act's own transaction and appended right after; the chain stays whole."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from coopgov.audit.models import AuditEntry, AuditHead, AuditPending
from coopgov.audit.selectors import audit_first_broken_entry
from coopgov.audit.services import (
    audit_chain_pending,
    audit_pending_count,
    audit_record,
    audit_record_concurrent,
)
from tests.locking import held_by_another_connection

POSTGRES = connection.vendor == "postgresql"


def pending(action: str) -> AuditPending:
    return AuditPending.objects.create(
        at=timezone.now(), actor_label="member@test", action=action, object_type="test", object_id="1"
    )


@pytest.mark.django_db
def test_with_the_head_free_the_act_is_chained_at_once():
    with transaction.atomic():
        entry = audit_record_concurrent(
            actor="member@test", action="ballot.cast", obj="item 1", after={"n": 1}
        )
    assert isinstance(entry, AuditEntry)
    assert AuditEntry.objects.get(action="ballot.cast").after == {"n": 1}
    assert audit_pending_count() == 0
    assert audit_first_broken_entry() is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_recording_needs_the_acts_transaction():
    with pytest.raises(RuntimeError):
        audit_record_concurrent(actor="x", action="ballot.cast", obj="item 1")


@pytest.mark.django_db
def test_a_recorded_act_chains_the_pending_ones_first_in_their_order():
    with transaction.atomic():
        audit_record(actor="staff@test", action="first", obj="x")
    pending("cast.a")
    pending("cast.b")
    with transaction.atomic():
        audit_record(actor="staff@test", action="item.closed", obj="x")
    assert list(AuditEntry.objects.order_by("seq").values_list("action", flat=True)) == [
        "first",
        "cast.a",
        "cast.b",
        "item.closed",
    ]
    assert audit_pending_count() == 0
    assert audit_first_broken_entry() is None
    assert AuditHead.objects.get(id=1).last_seq == 4


@pytest.mark.django_db
def test_chaining_the_pending_acts_keeps_their_time_and_fields():
    waiting = pending("cast.a")
    assert audit_chain_pending() == 1
    entry = AuditEntry.objects.get(action="cast.a")
    assert (entry.at, entry.actor_label, entry.object_type) == (waiting.at, "member@test", "test")
    assert audit_chain_pending() == 0
    assert audit_first_broken_entry() is None


@pytest.mark.django_db
def test_verify_audit_says_how_many_acts_wait_for_the_chain():
    with transaction.atomic():
        audit_record(actor="staff@test", action="first", obj="x")
    pending("cast.a")
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "audit chain intact: 1 entries; 1 recorded acts not yet appended to the chain" in out.getvalue()


@pytest.mark.django_db
def test_the_database_refuses_to_change_a_pending_act():
    waiting = pending("cast.a")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditpending SET action = 'forged' WHERE id = %s", [waiting.pk])
    assert AuditPending.objects.get(pk=waiting.pk).action == "cast.a"


@pytest.mark.skipif(
    not POSTGRES, reason="SQLite serialises whole-database writes: no second writer to wait for"
)
@pytest.mark.django_db(transaction=True)
def test_while_another_act_holds_the_head_a_cast_does_not_wait_and_is_chained_after_it():
    with transaction.atomic():
        audit_record(actor="staff@test", action="first", obj="x")
    done = threading.Event()

    def cast() -> None:
        try:
            with transaction.atomic():
                audit_record_concurrent(actor="member@test", action="ballot.cast", obj="item 1")
            done.set()
        finally:
            connections.close_all()

    with held_by_another_connection(lambda: audit_record(actor="staff@test", action="slow", obj="x")):
        caster = threading.Thread(target=cast)
        caster.start()
        # The cast commits while the head is still held: it did not queue behind the slow act.
        assert done.wait(10)
        assert audit_pending_count() == 1
    # Leaving the block committed the slow act, which appended the cast it held back.
    caster.join()
    assert list(AuditEntry.objects.order_by("seq").values_list("action", flat=True)) == [
        "first",
        "slow",
        "ballot.cast",
    ]
    assert audit_pending_count() == 0
    assert audit_first_broken_entry() is None


@pytest.mark.django_db
def test_many_acts_in_one_transaction_chain_the_pending_ones_once_after_it(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for n in range(3):
            audit_record(actor="staff@test", action=f"act.{n}", obj="x")
            audit_record_concurrent(actor="member@test", action=f"cast.{n}", obj="item 1")
    assert [c.__name__ for c in callbacks] == ["audit_chain_pending"]
