"""Who may do what with member panels drawn by lot.

A draw's object unit is the unit whose register it draws from. Staff of that unit (or above) draw; staff,
board and relays read every draw and the whole pool's probabilities; a member of the pool reads the draw
and their own probability. Tested over role × unit level in tests/panels/test_panels.py.
"""

from __future__ import annotations

from typing import Any

import rules

from coopgov.organisation.rules import is_board_here, is_relay_here, is_staff_here


@rules.predicate
def is_in_the_pool(user: Any, obj: Any = None) -> bool:
    person_id = getattr(user, "person_id", None)
    candidates = getattr(obj, "candidates", None)
    return bool(person_id and candidates is not None and candidates.filter(person_id=person_id).exists())


@rules.predicate
def is_selected(user: Any, obj: Any = None) -> bool:
    """The user's person was selected by this draw (only they answer the invitation: no one answers for
    them)."""
    person_id = getattr(user, "person_id", None)
    candidates = getattr(obj, "candidates", None)
    if not person_id or candidates is None:
        return False
    return bool(candidates.filter(person_id=person_id, selected=True).exists())


rules.add_perm("panels.request_draw", is_staff_here)
rules.add_perm("panels.respond", is_selected)
rules.add_perm("panels.view_draw", is_staff_here | is_board_here | is_relay_here | is_in_the_pool)
# Everyone's probability, by member type: officers of the unit (a member reads only their own).
rules.add_perm("panels.view_probabilities", is_staff_here | is_board_here | is_relay_here)
