"""Writing the audit log: every governance act calls ``audit_record`` inside its own transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from coopgov.audit.models import AuditEntry, AuditHead
from coopgov.domain.governance.audit_chain import entry_hash


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
    so concurrent acts get consecutive sequence numbers and an unbroken chain.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the act's transaction")
    head, _created = AuditHead.objects.select_for_update().get_or_create(id=1)
    actor_user = actor if getattr(actor, "pk", None) and hasattr(actor, "email") else None
    actor_label = actor.email if actor_user is not None else str(actor or "system")
    entry = AuditEntry(
        seq=head.last_seq + 1,
        at=at or timezone.now(),
        actor=actor_user,
        actor_label=actor_label,
        on_behalf_of=on_behalf_of,
        action=action,
        unit=unit,
        unit_label=getattr(unit, "code", "") if unit is not None else "",
        object_type=obj._meta.label_lower if hasattr(obj, "_meta") else type(obj).__name__,
        object_id=str(getattr(obj, "pk", obj)),
        before=_json_ready(before),
        after=_json_ready(after),
        prev_hash=head.last_hash,
    )
    # Round-trip the time through the database's precision before hashing (SQLite and PostgreSQL
    # both keep microseconds), so verification recomputes exactly what was stored.
    entry.hash = entry_hash(entry.prev_hash, entry.payload())
    entry.save()
    head.last_seq = entry.seq
    head.last_hash = entry.hash
    head.save(update_fields=["last_seq", "last_hash"])
    return entry
