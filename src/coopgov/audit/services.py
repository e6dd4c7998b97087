"""Writing the audit log: every governance act calls ``audit_record`` inside its own transaction.

Acts that many people do at the same moment (ballots cast) call ``audit_record_concurrent`` instead:
the entry is written in the act's transaction like any other, but appended to the hash chain without
making every such act wait for the chain head (docs/adr/0006-casting-under-load.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from coopgov.audit.models import AuditEntry, AuditHead, AuditPending
from coopgov.domain.governance.audit_chain import entry_hash

# How many rounds one caller spends chaining others' entries after its commit before leaving the rest
# to the next act (under a steady stream of casts, someone always comes next; closing chains all).
CHAIN_ROUNDS = 3


def _json_ready(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _fields(
    *,
    actor: Any,
    action: str,
    obj: Any,
    unit: Any,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    on_behalf_of: str,
    at: datetime | None,
) -> dict[str, Any]:
    actor_user = actor if getattr(actor, "pk", None) and hasattr(actor, "email") else None
    return {
        "at": at or timezone.now(),
        "actor": actor_user,
        "actor_label": actor.email if actor_user is not None else str(actor or "system"),
        "on_behalf_of": on_behalf_of,
        "action": action,
        "unit": unit,
        "unit_label": getattr(unit, "code", "") if unit is not None else "",
        "object_type": obj._meta.label_lower if hasattr(obj, "_meta") else type(obj).__name__,
        "object_id": str(getattr(obj, "pk", obj)),
        "before": _json_ready(before),
        "after": _json_ready(after),
    }


def _link(head: AuditHead, entry: AuditEntry) -> AuditEntry:
    entry.seq = head.last_seq + 1
    entry.prev_hash = head.last_hash
    entry.hash = entry_hash(entry.prev_hash, entry.payload())
    head.last_seq = entry.seq
    head.last_hash = entry.hash
    return entry


def _chain_pending(head: AuditHead) -> int:
    """Append every committed pending entry to the chain (the caller holds the head row locked and saves
    it). Entries keep the time of their act; their place in the chain is the order they are appended."""
    pending = list(AuditPending.objects.order_by("id"))
    if not pending:
        return 0
    entries = [
        _link(
            head,
            AuditEntry(
                at=p.at,
                actor_id=p.actor_id,
                actor_label=p.actor_label,
                on_behalf_of=p.on_behalf_of,
                action=p.action,
                unit_id=p.unit_id,
                unit_label=p.unit_label,
                object_type=p.object_type,
                object_id=p.object_id,
                before=p.before,
                after=p.after,
            ),
        )
        for p in pending
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    AuditPending.objects.filter(id__in=[p.id for p in pending]).delete()
    return len(entries)


def _chain_after_commit() -> None:
    """Run ``audit_chain_pending`` once after the current transaction commits (once, however many acts
    it records). Errors there are logged rather than raised: the acts and their entries are stored."""
    pending_calls = transaction.get_connection().run_on_commit
    if not any(call[1] is audit_chain_pending for call in pending_calls):
        transaction.on_commit(audit_chain_pending, robust=True)


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: Any,
    unit: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    on_behalf_of: str = "",
    at: datetime | None = None,
) -> AuditEntry:
    """Append one entry to the chain. Must run inside the transaction of the act it records.

    The head row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises write transactions),
    so concurrent acts get consecutive sequence numbers and an unbroken chain. Entries still waiting
    for the chain are appended first, so this act follows every act committed before it.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the act's transaction")
    head, _created = AuditHead.objects.select_for_update().get_or_create(id=1)
    _chain_pending(head)
    # Acts that found the head held by this one are appended once it commits.
    _chain_after_commit()
    entry = _link(
        head,
        AuditEntry(
            **_fields(
                actor=actor,
                action=action,
                obj=obj,
                unit=unit,
                before=before,
                after=after,
                on_behalf_of=on_behalf_of,
                at=at,
            )
        ),
    )
    # Both databases keep microseconds, so verification recomputes exactly what was hashed.
    entry.save()
    head.save(update_fields=["last_seq", "last_hash"])
    return entry


def audit_record_concurrent(
    *,
    actor: Any,
    action: str,
    obj: Any,
    unit: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    on_behalf_of: str = "",
    at: datetime | None = None,
) -> AuditEntry | AuditPending:
    """Record an act that many people may do at the same moment; inside the act's transaction.

    If the chain head is free, the entry is appended at once (after ``audit_record``'s). If another
    transaction holds it, the entry is written as pending (same fields, same transaction, so it exists
    exactly when the act does) instead of waiting: whoever holds the head appends it after committing,
    and this act tries too once its own transaction has committed (``audit_chain_pending``).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record_concurrent must be called inside the act's transaction")
    fields = _fields(
        actor=actor,
        action=action,
        obj=obj,
        unit=unit,
        before=before,
        after=after,
        on_behalf_of=on_behalf_of,
        at=at,
    )
    _chain_after_commit()
    head = AuditHead.objects.select_for_update(skip_locked=True).filter(id=1).first()
    if head is None:
        if not AuditHead.objects.filter(id=1).exists():  # a new database: start the chain
            head, _created = AuditHead.objects.select_for_update().get_or_create(id=1)
        else:
            return AuditPending.objects.create(**fields)
    # Entries others left pending are appended after this commit (audit_chain_pending), not now: the
    # act stays short while it holds the head.
    entry = _link(head, AuditEntry(**fields))
    entry.save()
    head.save(update_fields=["last_seq", "last_hash"])
    return entry


def audit_chain_pending() -> int:
    """Append the committed pending entries to the chain; returns how many this call appended.

    Takes the head only if it is free: a transaction holding it runs this again after its commit, and
    then finds every entry committed in the meantime. Runs a few rounds while entries keep arriving.
    """
    appended = 0
    for _round in range(CHAIN_ROUNDS):
        if not AuditPending.objects.exists():
            break
        with transaction.atomic():
            head = AuditHead.objects.select_for_update(skip_locked=True).filter(id=1).first()
            if head is None and AuditHead.objects.filter(id=1).exists():
                break  # another transaction holds the head and will chain after its commit
            if head is None:
                head, _created = AuditHead.objects.select_for_update().get_or_create(id=1)
            moved = _chain_pending(head)
            if moved:
                head.save(update_fields=["last_seq", "last_hash"])
        appended += moved
    return appended


def audit_pending_count() -> int:
    """How many recorded acts are still waiting to be appended to the chain."""
    return AuditPending.objects.count()
