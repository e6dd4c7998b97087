"""Who may do what in a process: the unit's roles (inherited down the tree), the process's audience (the
unit's admitted members, its stakeholders in the register, or any account: ``audience.py``), and the
features the current phase switches on.

The object of every permission is a process, or anything that leads to one (a proposal, a comment, an
amendment, a report). Each permission is tested over role × where the role is held × phase in
tests/participation/test_permissions.py.
"""

from __future__ import annotations

from typing import Any

import rules

from coopgov.organisation.models import Unit
from coopgov.organisation.selectors import user_has_role_in
from coopgov.participation import audience
from coopgov.participation.features import Feature
from coopgov.participation.models import Standing


def process_of(obj: Any) -> Any:
    """The process an object belongs to (itself for a process), or None."""
    from coopgov.participation.models import Process

    if obj is None or isinstance(obj, Process):
        return obj
    if hasattr(obj, "process"):
        return obj.process
    proposal = getattr(obj, "proposal", None)
    return getattr(proposal, "process", None)


def unit_of(obj: Any) -> Unit | None:
    """The unit a permission is asked about: a unit itself (opening a process there), or a process's."""
    if isinstance(obj, Unit):
        return obj
    process = process_of(obj)
    return process.unit if process is not None else None


def is_member_of_unit(user: Any, unit: Unit | None) -> bool:
    """Whether the user belongs to ``unit`` as an admitted member (``audience.situation``).

    group: admitted member of any cooperative under it; cooperative: admitted member of it; antenna:
    admitted member of its cooperative whose home antenna is this antenna (or below it); community: an
    admitted member with an open membership of it (stakeholders may join open communities too).
    """
    if unit is None or not getattr(user, "is_authenticated", False):
        return False
    return audience.situation(user, unit).standing == Standing.MEMBER


@rules.predicate
def is_member_here(user: Any, obj: Any = None) -> bool:
    return is_member_of_unit(user, unit_of(obj))


@rules.predicate
def is_in_audience(user: Any, obj: Any = None) -> bool:
    """The process's audience (admitted members, the unit's stakeholders in the register, any account)
    admits where the user stands towards its unit."""
    process = process_of(obj)
    return bool(process is not None and audience.in_audience(user, process))


def _role_here(role: str) -> Any:
    @rules.predicate(name=f"participation_is_{role}_here")
    def predicate(user: Any, obj: Any = None) -> bool:
        return user_has_role_in(user, role, unit_of(obj))

    return predicate


is_staff_here = _role_here("staff")
is_relay_here = _role_here("relay")
is_moderator_here = _role_here("moderator")
is_board_here = _role_here("board")


def _feature_on(feature: Feature) -> Any:
    @rules.predicate(name=f"phase_allows_{feature.value}")
    def predicate(user: Any, obj: Any = None) -> bool:
        process = process_of(obj)
        return bool(process is not None and process.feature_on(feature))

    return predicate


phase_allows_proposing = _feature_on(Feature.PROPOSING)
phase_allows_supporting = _feature_on(Feature.SUPPORTING)
phase_allows_commenting = _feature_on(Feature.COMMENTING)
phase_allows_amending = _feature_on(Feature.AMENDING)


@rules.predicate
def is_author(user: Any, obj: Any = None) -> bool:
    author_id = getattr(obj, "author_id", None)
    return bool(author_id is not None and author_id == getattr(user, "pk", None))


@rules.predicate
def is_proposal_author(user: Any, obj: Any = None) -> bool:
    """The author of the proposal ``obj`` is about (an amendment's proposal, or the proposal itself)."""
    proposal = getattr(obj, "proposal", obj)
    author_id = getattr(proposal, "author_id", None)
    return bool(author_id is not None and author_id == getattr(user, "pk", None))


@rules.predicate
def is_visible(user: Any, obj: Any = None) -> bool:
    return getattr(obj, "hidden_at", None) is None


@rules.predicate
def is_open_proposal(user: Any, obj: Any = None) -> bool:
    proposal = getattr(obj, "proposal", obj)
    return getattr(proposal, "status", None) == "published"


# The people who may act in a process: those its audience admits (its unit's admitted members by default),
# and whoever holds a role in the unit (inherited downward), whatever the audience.
takes_part_here = is_in_audience | is_staff_here | is_relay_here | is_moderator_here | is_board_here
moderates_here = is_moderator_here | is_staff_here

rules.add_perm("participation.view_process", rules.is_authenticated)
rules.add_perm("participation.manage_process", is_staff_here)
rules.add_perm("participation.propose", takes_part_here & phase_allows_proposing)
rules.add_perm(
    "participation.edit_proposal", is_author & is_visible & is_open_proposal & phase_allows_proposing
)
rules.add_perm(
    "participation.support", takes_part_here & is_visible & is_open_proposal & phase_allows_supporting
)
rules.add_perm("participation.comment", takes_part_here & is_visible & phase_allows_commenting)
rules.add_perm("participation.amend", takes_part_here & is_visible & is_open_proposal & phase_allows_amending)
rules.add_perm("participation.decide_amendment", is_proposal_author | is_staff_here)
rules.add_perm(
    "participation.attach", (is_proposal_author & is_open_proposal & phase_allows_proposing) | is_staff_here
)
rules.add_perm("participation.follow", rules.is_authenticated)
rules.add_perm("participation.report", takes_part_here)
rules.add_perm("participation.moderate", moderates_here)
# A relay types what a member said in a meeting or on paper; it is marked "entered by X for Y".
rules.add_perm("participation.enter_for_member", (is_relay_here | is_staff_here) & phase_allows_proposing)
# Translating member text puts words in the author's mouth: the author, and the unit's relays, staff and
# moderators (who answer for the unit's texts) may add one; other members may not (ADR 0008).
rules.add_perm("participation.translate", is_author | is_relay_here | is_staff_here | is_moderator_here)
