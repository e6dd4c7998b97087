"""Who may do what in the follow-up of recommendations and on the participation dashboards.

A recommendation's object unit is the unit of the body it is addressed to (its ``permission_unit``); a
cycle's is the unit that runs it; a dashboard's is the unit it describes. Roles inherit down the tree.
Tested over role × unit level in tests/followup/test_recommendations.py and test_dashboards.py.

Running a cycle (ADR 0021): staff of the unit running it (or above) create it, add themes and local
groups, write draft recommendations, open them for comment and hand them in. Who sees a recommendation
before it is handed in follows its stage: a draft, staff of the cycle's unit and the people of its local
group (members and relays of the group's antenna or community); open for comment, also the members
and officers of the cycle's unit, who may comment; handed in, everyone (the public follow-up). These
predicates take the recommendation (or its comment) and read the cycle's unit themselves, since a
recommendation's ``permission_unit`` is the body's unit. Tested in tests/followup/test_cycle_permissions.py.
"""

from __future__ import annotations

from typing import Any

import rules

from coopgov.organisation.models import Unit
from coopgov.organisation.rules import is_board_here, is_staff_here
from coopgov.organisation.selectors import user_has_role_in

OFFICER_ROLES = ("staff", "board", "relay", "moderator")


@rules.predicate
def is_signed_in(user: Any, obj: Any = None) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# The body answers: its unit's staff (cooperative life) and board record the status and the response.
rules.add_perm("followup.answer_recommendation", is_staff_here | is_board_here)
# Staff of the unit running the cycle record the recommendations the groups hand in.
rules.add_perm("followup.submit_recommendation", is_staff_here)
rules.add_perm("followup.follow_recommendation", is_signed_in)


def _recommendation(obj: Any) -> Any:
    """The recommendation an object is about (a comment's, or itself)."""
    return getattr(obj, "recommendation", obj)


def _cycle_unit(obj: Any) -> Unit | None:
    """The unit running the cycle of a cycle, a recommendation or a comment."""
    cycle = getattr(_recommendation(obj), "cycle", obj)
    return getattr(cycle, "unit", None)


def _takes_part_in(user: Any, unit: Unit | None) -> bool:
    """A member of the unit (coopgov.participation's rule: cooperative, home antenna, open community
    membership, every cooperative under the group), or an officer of it or above."""
    if unit is None or not getattr(user, "is_authenticated", False):
        return False
    from coopgov.participation.rules import is_member_of_unit

    return is_member_of_unit(user, unit) or any(user_has_role_in(user, r, unit) for r in OFFICER_ROLES)


@rules.predicate
def runs_the_cycle(user: Any, obj: Any = None) -> bool:
    """Staff of the unit running the cycle (or above)."""
    return user_has_role_in(user, "staff", _cycle_unit(obj))


@rules.predicate
def moderates_the_cycle(user: Any, obj: Any = None) -> bool:
    unit = _cycle_unit(obj)
    return user_has_role_in(user, "moderator", unit) or user_has_role_in(user, "staff", unit)


@rules.predicate
def takes_part_in_the_cycle(user: Any, obj: Any = None) -> bool:
    return _takes_part_in(user, _cycle_unit(obj))


@rules.predicate
def is_of_the_local_group(user: Any, obj: Any = None) -> bool:
    """A member of the local group's antenna or community, or its relay (the board and staff of the units
    above are not of the group: staff of the cycle's unit see drafts as its runners)."""
    group = getattr(_recommendation(obj), "group", None)
    if group is None or not getattr(user, "is_authenticated", False):
        return False
    from coopgov.participation.rules import is_member_of_unit

    return is_member_of_unit(user, group.unit) or user_has_role_in(user, "relay", group.unit)


def _stage_is(*stages: str) -> Any:
    @rules.predicate(name=f"stage_is_{'_or_'.join(stages)}")
    def predicate(user: Any, obj: Any = None) -> bool:
        return getattr(_recommendation(obj), "stage", None) in stages

    return predicate


is_draft = _stage_is("draft")
is_open_for_comment = _stage_is("open")
is_handed_in = _stage_is("submitted")

# Object: the unit where the cycle will run.
rules.add_perm("followup.create_cycle", is_staff_here)
# Object: the cycle (themes, local groups, drafts) or a recommendation (opening it, handing it in).
rules.add_perm("followup.manage_cycle", runs_the_cycle)
rules.add_perm(
    "followup.view_recommendation",
    is_handed_in | runs_the_cycle | is_of_the_local_group | (is_open_for_comment & takes_part_in_the_cycle),
)
rules.add_perm("followup.comment_recommendation", is_open_for_comment & takes_part_in_the_cycle)
# Comments carry their authors' names: they stay among the unit's people after the hand-in too.
rules.add_perm(
    "followup.view_comments", ~is_draft & (takes_part_in_the_cycle | runs_the_cycle | is_of_the_local_group)
)
# Object: a comment.
rules.add_perm("followup.moderate_comment", moderates_the_cycle)
# Dashboards name no one, but they describe a unit's members: its staff and board read them.
rules.add_perm("followup.view_dashboard", is_staff_here | is_board_here)
# Recomputing a dashboard now costs a few seconds of a worker: staff of the unit may ask for it.
rules.add_perm("followup.refresh_dashboard", is_staff_here)
