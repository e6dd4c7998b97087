"""coopgov verify_audit: check the audit log's hash chain and name the first broken entry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from coopgov.audit.models import AuditEntry
from coopgov.audit.selectors import audit_first_broken_entry
from coopgov.audit.services import audit_pending_count


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = audit_first_broken_entry()
        if broken is not None:
            raise CommandError(f"audit chain broken at entry #{broken}: its hash does not match its content")
        message = f"audit chain intact: {AuditEntry.objects.count()} entries"
        pending = audit_pending_count()
        if pending:  # recorded acts a moment away from the chain (docs/adr/0006-casting-under-load.md)
            message += f"; {pending} recorded acts not yet appended to the chain"
        self.stdout.write(message)
