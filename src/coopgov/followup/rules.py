"""Who may do what in the follow-up of recommendations and on the participation dashboards.

A recommendation's object unit is the unit of the body it is addressed to (its ``permission_unit``); a
cycle's is the unit that runs it; a dashboard's is the unit it describes. Roles inherit down the tree.
Tested over role × unit level in tests/followup/test_recommendations.py and test_dashboards.py.
"""

from __future__ import annotations

from typing import Any

import rules

from coopgov.organisation.rules import is_board_here, is_staff_here


@rules.predicate
def is_signed_in(user: Any, obj: Any = None) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# The body answers: its unit's staff (cooperative life) and board record the status and the response.
rules.add_perm("followup.answer_recommendation", is_staff_here | is_board_here)
# Staff of the unit running the cycle record the recommendations the groups hand in.
rules.add_perm("followup.submit_recommendation", is_staff_here)
rules.add_perm("followup.follow_recommendation", is_signed_in)
# Dashboards name no one, but they describe a unit's members: its staff and board read them.
rules.add_perm("followup.view_dashboard", is_staff_here | is_board_here)
# Recomputing a dashboard now costs a few seconds of a worker: staff of the unit may ask for it.
rules.add_perm("followup.refresh_dashboard", is_staff_here)
