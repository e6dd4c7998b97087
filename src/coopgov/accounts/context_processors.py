"""What every page's navigation needs to know about the user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from coopgov.organisation.models import Unit
from coopgov.organisation.selectors import user_role_units

REGISTER_ROLES = frozenset({"staff", "board"})


def register_units(user: Any) -> list[Unit]:
    """The cooperatives whose register the user may read (``members.view_register``: staff or board of the
    cooperative or of a unit above it), in the order of their codes. A role held in a cooperative needs no
    query; a role held above one (the group) reads the cooperatives below it once."""
    if getattr(user, "is_superuser", False):
        return list(Unit.objects.filter(kind=Unit.Kind.COOPERATIVE).order_by("code"))
    found: dict[int, Unit] = {}
    above: list[str] = []
    for role, unit in user_role_units(user):
        if role not in REGISTER_ROLES:
            continue
        if unit.kind == Unit.Kind.COOPERATIVE:
            found[unit.pk] = unit
        elif unit.kind == Unit.Kind.GROUP:
            above.append(unit.path)
    for path in above:
        for unit in Unit.objects.filter(kind=Unit.Kind.COOPERATIVE, path__startswith=path):
            found[unit.pk] = unit
    return sorted(found.values(), key=lambda u: u.code)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": set(), "nav_registers": []}
    roles = {role for role, _unit in user_role_units(user)}
    if user.is_superuser:
        roles |= {"staff", "board"}
    # Read only by pages that draw the register links (staff and board): no query for anyone else.
    return {"nav_roles": roles, "nav_registers": SimpleLazyObject(lambda: register_units(user))}
