"""Who may do what in opinion conversations.

A conversation's object unit is the unit it is held in. Staff of that unit (or above) open and close it,
write its seed statements and export it (Polis's format: every reaction, members under numbers);
moderators and staff moderate; the admitted members in the unit's scope (``selectors.in_scope``) react
and submit statements while it is open; they and the unit's officers read it and its map. Tested over
role × unit level in tests/conversations/test_permissions.py.
"""

from __future__ import annotations

from typing import Any

import rules

from coopgov.organisation.models import Unit
from coopgov.organisation.rules import (
    is_admitted_member,
    is_board_here,
    is_moderator_here,
    is_relay_here,
    is_staff_here,
)


def _unit_of(obj: Any) -> Unit | None:
    return obj if isinstance(obj, Unit) else getattr(obj, "permission_unit", None)


@rules.predicate
def is_member_in_scope(user: Any, obj: Any = None) -> bool:
    """An admitted member of a cooperative under the unit, or for an antenna, of its cooperative with
    their home antenna in it (the scope of ``panels.selectors.pool``)."""
    unit = _unit_of(obj)
    if unit is None:
        return False
    from coopgov.conversations.selectors import in_scope

    return in_scope(user, unit)


@rules.predicate
def is_open(user: Any, obj: Any = None) -> bool:
    return bool(getattr(obj, "is_open", False))


@rules.predicate
def accepts_member_statements(user: Any, obj: Any = None) -> bool:
    return bool(getattr(obj, "members_may_submit", False))


is_officer_here = is_staff_here | is_board_here | is_relay_here | is_moderator_here

rules.add_perm("conversations.create_conversation", is_staff_here)
rules.add_perm("conversations.close_conversation", is_staff_here)
rules.add_perm("conversations.add_seed_statement", is_staff_here)
rules.add_perm("conversations.moderate", is_moderator_here | is_staff_here)
rules.add_perm("conversations.export_conversation", is_staff_here)
rules.add_perm("conversations.react", is_admitted_member & is_open & is_member_in_scope)
rules.add_perm(
    "conversations.submit_statement",
    is_admitted_member & is_open & accepts_member_statements & is_member_in_scope,
)
rules.add_perm("conversations.view_conversation", is_officer_here | is_member_in_scope)
