"""API of role assignments: who holds which role where; granting and revoking (staff of the unit or above).

Authorised with the django-rules permission ``organisation.grant_role`` on the unit concerned (a role is
held in a unit and reaches every unit below it), then one service: ``role_grant`` or ``role_revoke``,
which write the audit entry. Nobody grants or revokes their own roles.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError

from coopgov.accounts.models import User
from coopgov.api.errors import READ_ERRORS, WRITE_ERRORS, invalid_field
from coopgov.organisation.models import Role, RoleAssignment, Unit
from coopgov.organisation.services import role_grant, role_revoke

router = Router(tags=["roles"])

UnitCodePath = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9_-]{1,50}$", description="The unit's code (SMART, BE, BE-BRUXELLES…)")
]
IdPath = Annotated[int, Path(ge=1, le=2_147_483_647, description="The role assignment's id")]
Email = Annotated[str, Field(pattern=r"^[^@\s\x00]{1,64}@[^@\s\x00]{1,190}$", max_length=254)]


class RoleOut(Schema):
    id: int
    user: str = Field(description="The account's e-mail address")
    role: Role
    unit: str = Field(description="The code of the unit where the role is held (it reaches the units below)")
    granted_at: datetime


class RolePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[RoleOut]


class RoleFilters(Schema):
    role: Role | None = Field(None, description="Only this role")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000_000)


class RoleIn(Schema):
    email: Email = Field(description="The e-mail address of an existing, active account")
    role: Role


def _out(a: RoleAssignment) -> dict[str, Any]:
    return {"id": a.pk, "user": a.user.email, "role": a.role, "unit": a.unit.code, "granted_at": a.granted_at}


def _unit(request: HttpRequest, code: str) -> Unit:
    """The unit ``code``, if the user may grant roles in it (unit codes are public: 404 comes first)."""
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise HttpError(404, _("No unit has the code %(code)s.") % {"code": code})
    if not request.user.has_perm("organisation.grant_role", unit):
        raise HttpError(403, _("You may not manage the roles of %(code)s.") % {"code": code})
    return unit


@router.get(
    "/units/{code}/roles",
    response={200: RolePage, **READ_ERRORS},
    summary="The roles held in a unit and in every unit below it (staff of the unit or above)",
)
def list_roles(request: HttpRequest, code: UnitCodePath, filters: Query[RoleFilters]) -> dict[str, object]:
    unit = _unit(request, code)
    qs = (
        RoleAssignment.objects.select_related("user", "unit")
        .filter(unit__path__startswith=unit.path)
        .order_by("unit__path", "role", "user__email", "pk")
    )
    if filters.role:
        qs = qs.filter(role=filters.role)
    page = qs[filters.offset : filters.offset + filters.limit]
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_out(a) for a in page],
    }


@router.post(
    "/units/{code}/roles",
    response={200: RoleOut, 201: RoleOut, **WRITE_ERRORS},
    summary="Grant a role in a unit (201; 200 if the account already holds it there); audited",
)
def grant_role(request: HttpRequest, code: UnitCodePath, payload: RoleIn) -> Status[dict[str, Any]]:
    unit = _unit(request, code)
    user = User.objects.filter(email=payload.email.lower(), is_active=True).first()
    if user is None:
        raise invalid_field(
            "email", _("No active account has the address %(email)s.") % {"email": payload.email}, "unknown"
        )
    if user.pk == request.user.pk:
        raise invalid_field("email", _("Nobody grants or revokes their own roles."), "own_role")
    held = RoleAssignment.objects.filter(user=user, unit=unit, role=payload.role).exists()
    assignment = role_grant(user=user, unit=unit, role=payload.role, actor=request.user)
    assignment = RoleAssignment.objects.select_related("user", "unit").get(pk=assignment.pk)
    return Status(200 if held else 201, _out(assignment))


@router.delete(
    "/roles/{assignment_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Revoke a role assignment (staff of its unit or above); audited",
)
def revoke_role(request: HttpRequest, assignment_id: IdPath) -> Status[None]:
    assignment = RoleAssignment.objects.select_related("user", "unit").filter(pk=assignment_id).first()
    if assignment is None:
        raise HttpError(404, _("No role assignment has the id %(id)d.") % {"id": assignment_id})
    if not request.user.has_perm("organisation.grant_role", assignment.unit):
        raise HttpError(403, _("You may not manage the roles of %(code)s.") % {"code": assignment.unit.code})
    if assignment.user_id == request.user.pk:
        raise HttpError(403, _("Nobody grants or revokes their own roles."))
    role_revoke(assignment=assignment, actor=request.user)
    return Status(204, None)
