"""API of orientations: each endpoint authorises with a django-rules permission, then calls one
selector or service. The proposals API of participation carries the same provenance on each proposal."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema
from ninja.errors import HttpError

from coopgov.api.errors import READ_ERRORS
from coopgov.orientations import selectors
from coopgov.orientations.schemas import ProvenanceOut
from coopgov.participation.models import Proposal

router = Router(tags=["orientations"])

Id = Annotated[int, Path(ge=1, le=2_147_483_647, description="A proposal's identifier")]


class AntennaTotalOut(Schema):
    code: str
    name: str
    proposals: int
    contributions: int
    supports: int


class ProvenanceDetail(Schema):
    proposal: int
    sources: list[ProvenanceOut]
    by_antenna: list[AntennaTotalOut]
    supports: int


@router.get(
    "/orientations/{proposal_id}/provenance",
    response={200: ProvenanceDetail, **READ_ERRORS},
    summary="Where a rolled-up proposal came from: each source with its antenna and supports, and totals",
)
def get_provenance(request: HttpRequest, proposal_id: Id) -> dict[str, Any]:
    if not Proposal.objects.filter(pk=proposal_id).exists():
        raise HttpError(404, _("No proposal %(id)s.") % {"id": proposal_id})
    sources = selectors.provenance_by_proposal([proposal_id])[proposal_id]
    totals = selectors.totals_by_antenna(sources)
    return {
        "proposal": proposal_id,
        "sources": [s.as_dict() for s in sources],
        "by_antenna": [
            {
                "code": t.unit.code,
                "name": t.unit.name,
                "proposals": t.proposals,
                "contributions": t.contributions,
                "supports": t.supports,
            }
            for t in totals
        ],
        "supports": sum(s.supports for s in sources),
    }
