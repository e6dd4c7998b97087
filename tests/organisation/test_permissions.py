"""Every permission of organisation/rules.py over role × where the role is held × target object.

The expected answers come from the two tables below, written from the statutes and the house rules (who
may do what, and how far down the tree a role reaches), never from the code under test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import rules
from django.db import transaction

from tests.organisation.world import World, build_world, user_with_role

ROLES = ("none", "member", "relay", "moderator", "staff", "board")
PLACES = ("group", "cooperative BE", "antenna Bruxelles", "other cooperative FR", "other antenna")
TARGETS = ("cooperative BE", "antenna Bruxelles", "a membership of BE")

# Who may do what (in a unit their role reaches). A member's right to read their own record is tested apart.
WHO_MAY = {
    "members.view_register": {"staff", "board"},
    "members.view_membership": {"staff", "board"},
    "members.record_share_movement": {"staff"},
    "members.admit_member": {"staff", "board"},
    "members.refuse_member": {"staff", "board"},
    "members.change_membership_status": {"staff"},
    "members.edit_policy": {"staff"},
    "members.simulate_policy": {"staff", "board"},
    "members.import_register": {"staff"},
    "organisation.grant_role": {"staff"},
    "organisation.view_units": {"staff", "board", "relay", "moderator"},
    "audit.view_log": {"staff", "board"},
}

# Roles are inherited downward: which targets a role held in each place reaches. The membership's person
# lives in the Bruxelles antenna of BE. "Other antenna" is Antwerpen, a sibling of Bruxelles in BE.
REACHES = {
    "group": {"cooperative BE", "antenna Bruxelles", "a membership of BE"},
    "cooperative BE": {"cooperative BE", "antenna Bruxelles", "a membership of BE"},
    "antenna Bruxelles": {"antenna Bruxelles", "a membership of BE"},
    "other cooperative FR": set(),
    "other antenna": set(),
}


def expected(perm: str, role: str, place: str) -> dict[str, bool]:
    return {target: role in WHO_MAY[perm] and target in REACHES[place] for target in TARGETS}


def target_object(world: World, name: str) -> object:
    if name == "a membership of BE":
        return world.candidate
    return world.unit(name)


@pytest.fixture(scope="module")
def table(
    django_db_setup: None, django_db_blocker: Any
) -> Iterator[tuple[World, dict[tuple[str, str], Any]]]:
    """One organisation and one account per role × place for the whole table (read only); rolled back.

    Built once for this module, so that the 1,000-odd cases cost a query each. Tests that build their
    own organisation (same unit codes) live in test_permissions_in_practice.py, never beside this one.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        users = {(role, place): user_with_role(world, role, place) for role in ROLES for place in PLACES}
        yield world, users
        transaction.set_rollback(True)


def test_the_table_covers_every_permission_of_the_platform() -> None:
    ours = {
        name
        for name in rules.permissions.permissions
        if name.split(".")[0] in {"members", "organisation", "audit"}
    }
    assert ours == set(WHO_MAY)


@pytest.mark.django_db
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("perm", sorted(WHO_MAY))
def test_a_role_grants_exactly_the_permissions_of_the_table(
    table: tuple[World, dict[tuple[str, str], Any]], perm: str, role: str, place: str, target: str
) -> None:
    world, users = table
    assert (
        users[role, place].has_perm(perm, target_object(world, target)) is expected(perm, role, place)[target]
    )
