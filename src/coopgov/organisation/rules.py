"""Permission predicates: a role is held in a unit and inherited by every unit below it.

Objects passed to the predicates are units, or anything with a ``permission_unit`` (a membership, a
person's home antenna…). Each permission is tested over role × unit level in tests/organisation.
"""

from __future__ import annotations

from typing import Any

import rules

from coopgov.organisation.models import Unit
from coopgov.organisation.selectors import user_has_role_in, user_role_units


def _unit_of(obj: Any) -> Unit | None:
    if obj is None:
        return None
    if isinstance(obj, Unit):
        return obj
    return getattr(obj, "permission_unit", None)


def _role_predicate(role: str) -> Any:
    @rules.predicate(name=f"is_{role}_here")
    def predicate(user: Any, obj: Any = None) -> bool:
        return user_has_role_in(user, role, _unit_of(obj))

    return predicate


is_staff_here = _role_predicate("staff")
is_relay_here = _role_predicate("relay")
is_board_here = _role_predicate("board")
is_moderator_here = _role_predicate("moderator")


@rules.predicate
def is_own_record(user: Any, obj: Any = None) -> bool:
    person_id = getattr(obj, "person_id", None)
    return bool(person_id is not None and user.is_authenticated and user.person_id == person_id)


# The register: staff keep it, the board admits; a member reads their own.
rules.add_perm("members.view_register", is_staff_here | is_board_here)
rules.add_perm("members.view_membership", is_staff_here | is_board_here | is_own_record)
rules.add_perm("members.record_share_movement", is_staff_here)
rules.add_perm("members.admit_member", is_board_here | is_staff_here)
rules.add_perm("members.refuse_member", is_board_here | is_staff_here)
rules.add_perm("members.change_membership_status", is_staff_here)
rules.add_perm("members.edit_policy", is_staff_here)
rules.add_perm("members.simulate_policy", is_staff_here | is_board_here)
rules.add_perm("members.import_register", is_staff_here)
# Opening accounts for the register's persons: staff, checked on the cooperative (ADR 0017).
rules.add_perm("accounts.invite_member", is_staff_here)
rules.add_perm("organisation.grant_role", is_staff_here)
# The organisation tree: every officer sees the units where they hold a role, and those below.
rules.add_perm("organisation.view_units", is_staff_here | is_board_here | is_relay_here | is_moderator_here)
rules.add_perm("audit.view_log", is_staff_here | is_board_here)


# Assemblies (coopgov.decisions). The object is an assembly (its unit), a site (its antenna) or an item.
@rules.predicate
def is_in_electorate(user: Any, obj: Any = None) -> bool:
    """The user's person is in the assembly's frozen electorate (admitted on the record date…)."""
    person_id = getattr(user, "person_id", None)
    assembly = getattr(obj, "assembly", obj)
    if person_id is None or assembly is None or not hasattr(assembly, "electorate"):
        return False
    return bool(assembly.electorate.filter(membership__person_id=person_id, eligible=True).exists())


@rules.predicate
def is_member_of_cooperative(user: Any, obj: Any = None) -> bool:
    person_id = getattr(user, "person_id", None)
    cooperative_id = getattr(getattr(obj, "assembly", obj), "cooperative_id", None)
    if person_id is None or cooperative_id is None:
        return False
    from coopgov.members.models import Membership

    return Membership.objects.filter(person_id=person_id, cooperative_id=cooperative_id).exists()


@rules.predicate
def is_the_sites_relay(user: Any, obj: Any = None) -> bool:
    return bool(getattr(obj, "relay_id", None) is not None and obj.relay_id == getattr(user, "pk", None))


@rules.predicate
def is_relay_of_a_site(user: Any, obj: Any = None) -> bool:
    """The user runs a room of the assembly: named relay of one of its sites, or holding the relay role
    in (or above) the antenna of one. A relay of an antenna where the assembly does not meet is not."""
    assembly = getattr(obj, "assembly", obj)
    sites = getattr(assembly, "sites", None)
    if sites is None or not getattr(user, "is_authenticated", False):
        return False
    relay_paths = [unit.path for role, unit in user_role_units(user) if role == "relay"]
    for relay_id, antenna_path in sites.values_list("relay_id", "antenna__path"):
        if relay_id == user.pk or any(antenna_path.startswith(path) for path in relay_paths):
            return True
    return False


rules.add_perm("decisions.manage_assembly", is_staff_here)
rules.add_perm("decisions.view_electorate", is_staff_here | is_board_here)
rules.add_perm("decisions.enter_for_member", is_staff_here)
rules.add_perm("decisions.record_room_votes", is_relay_here | is_the_sites_relay)
rules.add_perm("decisions.cast_ballot", is_in_electorate)
rules.add_perm(
    "decisions.view_assembly",
    is_member_of_cooperative | is_staff_here | is_board_here | is_relay_here | is_relay_of_a_site,
)


# Thematic communities: an admitted member of any cooperative joins and leaves by themselves (and, in a
# community open to stakeholders, any person of the register under the group: ADR 0020); staff of the
# community (or above it) see its members and may remove one. Their own namespace: joining is not a role's
# right (the role table of tests/organisation/test_permissions.py), it is tested in test_communities.py.
@rules.predicate
def is_admitted_member(user: Any, obj: Any = None) -> bool:
    person_id = getattr(user, "person_id", None)
    if person_id is None or not getattr(user, "is_authenticated", False):
        return False
    from coopgov.members.models import Membership

    return Membership.objects.filter(person_id=person_id, status="admitted").exists()


@rules.predicate
def is_stakeholder_of_an_open_community(user: Any, obj: Any = None) -> bool:
    """The community is open to stakeholders, and the user's person is in the register under the unit the
    community belongs to (``members.selectors.current_stakeholders_in``: a membership, admitted or
    candidate, or a stakeholder profile with a home antenna there)."""
    community = _unit_of(obj)
    person_id = getattr(user, "person_id", None)
    if community is None or community.kind != Unit.Kind.COMMUNITY or person_id is None:
        return False
    if not community.open_to_stakeholders:
        return False
    if not getattr(user, "is_authenticated", False):
        return False
    from coopgov.members.selectors import current_stakeholders_in

    return current_stakeholders_in(community.parent or community).filter(pk=person_id).exists()


rules.add_perm("communities.join", is_admitted_member | is_stakeholder_of_an_open_community)
rules.add_perm("communities.manage", is_staff_here)
