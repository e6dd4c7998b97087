"""Every permission of organisation/rules.py over role × where the role is held × target object.

The expected answers come from the two tables below, written from the statutes and the house rules (who
may do what, and how far down the tree a role reaches), never from the code under test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import rules
from django.db import transaction

from tests.organisation.world import World, bearer, build_world, user_with_role

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


def _target(world: World, name: str) -> object:
    if name == "a membership of BE":
        return world.candidate
    return world.unit(name)


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture(scope="module")
def table(
    django_db_setup: None, django_db_blocker: object
) -> Iterator[tuple[World, dict[tuple[str, str], object]]]:
    """One organisation and one account per role × place for the whole table (read only); rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
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


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("perm", sorted(WHO_MAY))
def test_a_role_grants_exactly_the_permissions_of_the_table(
    world: World, perm: str, role: str, place: str
) -> None:
    user = user_with_role(world, role, place)
    allowed = {target: user.has_perm(perm, _target(world, target)) for target in TARGETS}  # type: ignore[attr-defined]
    assert allowed == expected(perm, role, place)


def test_a_member_reads_their_own_membership_and_no_one_elses(world: World) -> None:
    own = world.member_user.person.memberships.get()
    assert world.member_user.has_perm("members.view_membership", own)
    assert not world.member_user.has_perm("members.view_membership", world.admitted)
    assert not world.member_user.has_perm("members.view_register", world.be)


def test_an_anonymous_visitor_has_no_permission(world: World) -> None:
    from django.contrib.auth.models import AnonymousUser

    visitor = AnonymousUser()
    for perm in WHO_MAY:
        assert not any(visitor.has_perm(perm, _target(world, target)) for target in TARGETS), perm


# The API follows the same table: admitting the BE candidate is allowed exactly where the table allows
# members.admit_member on a membership of BE (200), and refused everywhere else (403).
@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", ROLES)
def test_admitting_through_the_api_follows_the_permission_table(
    client, world: World, role: str, place: str
) -> None:
    user = user_with_role(world, role, place)
    response = client.post(
        f"/api/v1/cooperatives/BE/members/{world.candidate.number}/admit",
        {"on": "2024-03-01", "deciding_body": "Conseil d'administration"},
        content_type="application/json",
        **bearer(user),
    )
    allowed = expected("members.admit_member", role, place)["a membership of BE"]
    assert response.status_code == (200 if allowed else 403), response.content
    world.candidate.refresh_from_db()
    assert world.candidate.status == ("admitted" if allowed else "candidate")


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", ROLES)
def test_reading_the_register_through_the_api_follows_the_permission_table(
    client, world: World, role: str, place: str
) -> None:
    user = user_with_role(world, role, place)
    response = client.get("/api/v1/cooperatives/BE/members", **bearer(user))
    allowed = expected("members.view_register", role, place)["cooperative BE"]
    assert response.status_code == (200 if allowed else 403), response.content


def test_a_member_living_near_another_cooperatives_antenna_stays_in_the_hands_of_their_own_cooperative(
    world: World,
) -> None:
    # A Paris-based person who is a member of BE: BE's board decides on that membership, FR's does not.
    from datetime import date

    from coopgov.members.models import Category, Person
    from coopgov.members.services import membership_apply

    person = Person.objects.create(kind="natural", last_name="Parisienne", home_antenna=world.paris)
    membership = membership_apply(
        person=person,
        cooperative=world.be,
        category=Category.objects.get(cooperative=world.be, code="A"),
        applied_on=date(2024, 1, 10),
        actor="test",
    )
    for place, allowed in (("cooperative BE", True), ("other cooperative FR", False)):
        board = user_with_role(world, "board", place)
        assert board.has_perm("members.admit_member", membership) is allowed, place
        assert board.has_perm("members.view_membership", membership) is allowed, place
