"""API of the audit log: the acts recorded in a cooperative and its antennas, for its staff and board."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError

from coopgov.api.errors import READ_ERRORS, Text
from coopgov.audit.selectors import audit_entries_under
from coopgov.organisation.models import Unit

router = Router(tags=["audit"])


class AuditOut(Schema):
    seq: int
    at: datetime
    actor: str
    action: str
    unit: str
    object_type: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    hash: str


class AuditPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AuditOut]


class AuditFilters(Schema):
    action: Text = Field("", description="Only this action (membership.admitted, shares.payment…)")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000_000)


@router.get(
    "/cooperatives/{code}/audit",
    response={200: AuditPage, **READ_ERRORS},
    summary="The audit log of a cooperative and its antennas, newest first",
)
def audit_log(
    request: HttpRequest,
    code: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,32}$")],
    filters: Query[AuditFilters],
) -> dict[str, object]:
    cooperative = Unit.objects.filter(kind=Unit.Kind.COOPERATIVE, code=code).first()
    if cooperative is None:
        raise HttpError(404, _("No cooperative has the code %(code)s.") % {"code": code})
    if not request.user.has_perm("audit.view_log", cooperative):
        raise HttpError(403, _("You may not read the audit log of cooperative %(code)s.") % {"code": code})
    entries = audit_entries_under(cooperative)
    if filters.action:
        entries = entries.filter(action=filters.action)
    page = entries[filters.offset : filters.offset + filters.limit]
    items = [
        {
            "seq": e.seq,
            "at": e.at,
            "actor": e.actor_label,
            "action": e.action,
            "unit": e.unit_label,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "before": e.before,
            "after": e.after,
            "hash": e.hash,
        }
        for e in page
    ]
    return {"count": entries.count(), "limit": filters.limit, "offset": filters.offset, "items": items}
