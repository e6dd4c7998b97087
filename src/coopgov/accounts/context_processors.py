"""What every page's navigation needs to know about the user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from coopgov.organisation.selectors import user_role_units


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": set()}
    roles = {role for role, _unit in user_role_units(user)}
    if user.is_superuser:
        roles |= {"staff", "board"}
    return {"nav_roles": roles}
