"""Writes on the organisation: units and roles (every role granted or revoked is audited)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from coopgov.audit.services import audit_record
from coopgov.organisation.models import RoleAssignment, Unit


@transaction.atomic
def unit_create(
    *, kind: str, code: str, name: str, parent: Unit | None, names: dict[str, str] | None = None
) -> Unit:
    return Unit.objects.create(kind=kind, code=code, name=name, parent=parent, names=names or {})


@transaction.atomic
def role_grant(*, user: Any, unit: Unit, role: str, actor: Any) -> RoleAssignment:
    """Give ``user`` the ``role`` in ``unit`` (and so in every unit below it)."""
    assignment, created = RoleAssignment.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        audit_record(
            actor=actor,
            action="role.granted",
            obj=assignment,
            unit=unit,
            after={"user": user.email, "role": role, "unit": unit.code},
        )
    user.__dict__.pop("_coopgov_roles", None)
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, actor: Any) -> None:
    audit_record(
        actor=actor,
        action="role.revoked",
        obj=assignment,
        unit=assignment.unit,
        before={"user": assignment.user.email, "role": assignment.role, "unit": assignment.unit.code},
    )
    assignment.delete()
