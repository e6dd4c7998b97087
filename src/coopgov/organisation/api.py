"""API of the organisation: the unit tree (group → national cooperatives → antennas, communities)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from coopgov.api.errors import ErrorOut
from coopgov.organisation.models import Unit

router = Router(tags=["organisation"])


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    parent: str | None
    depth: int


@router.get(
    "/units",
    response={200: list[UnitOut], 401: ErrorOut},
    summary="The units where you hold a role, and every unit below them, in tree order",
)
def list_units(request: HttpRequest) -> list[dict[str, object]]:
    units = Unit.objects.select_related("parent").order_by("path")
    return [
        {
            "code": u.code,
            "name": u.display_name,
            "kind": u.kind,
            "parent": u.parent.code if u.parent else None,
            "depth": u.path.count("/") - 2,
        }
        for u in units
        if request.user.has_perm("organisation.view_units", u)
    ]
