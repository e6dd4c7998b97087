"""Reads on the audit log, and verification of its hash chain."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from coopgov.audit.models import AuditEntry, AuditHead
from coopgov.domain.governance.audit_chain import first_broken


def _chain_items() -> Iterator[tuple[int, str, str, dict[str, Any]]]:
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        yield entry.seq, entry.prev_hash, entry.hash, entry.payload()


def audit_first_broken_entry() -> int | None:
    """The sequence number of the first entry whose hash does not match, or None if the chain holds.

    The head row remembers the last sequence number and hash, so entries removed from the end of the
    log are caught too (the first missing number is reported).
    """
    broken = first_broken(_chain_items())
    if broken is not None:
        return broken
    head = AuditHead.objects.filter(id=1).first()
    last = AuditEntry.objects.order_by("-seq").first()
    if head is None:
        return None if last is None else last.seq
    if last is None:
        return 1 if head.last_seq else None
    if last.seq != head.last_seq or last.hash != head.last_hash:
        return min(last.seq, head.last_seq) + 1 if last.seq < head.last_seq else last.seq
    return None


def audit_entries_for(object_type: str, object_id: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type=object_type, object_id=object_id).order_by("seq"))


def audit_entries_under(unit: Any) -> QuerySet[AuditEntry]:
    """The acts recorded in ``unit`` or in any unit below it, newest first (for the API and the log page)."""
    return AuditEntry.objects.filter(unit__path__startswith=unit.path).select_related("unit").order_by("-seq")
