"""The permission table in practice: own records, anonymous visitors, the API, cross-border members."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from coopgov.members.models import Category, Person
from coopgov.members.services import membership_apply
from tests.organisation.test_permissions import PLACES, ROLES, TARGETS, WHO_MAY, expected, target_object
from tests.organisation.world import World, bearer, build_world, user_with_role


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def test_a_member_reads_their_own_membership_and_no_one_elses(world: World) -> None:
    own = world.member_user.person.memberships.get()
    assert world.member_user.has_perm("members.view_membership", own)
    assert not world.member_user.has_perm("members.view_membership", world.admitted)
    assert not world.member_user.has_perm("members.view_register", world.be)


def test_an_anonymous_visitor_has_no_permission(world: World) -> None:
    visitor = AnonymousUser()
    for perm in WHO_MAY:
        assert not any(visitor.has_perm(perm, target_object(world, target)) for target in TARGETS), perm


# The API follows the same table: admitting the BE candidate is allowed exactly where the table allows
# members.admit_member on a membership of BE (200), and refused everywhere else (403).
@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", ROLES)
def test_admitting_through_the_api_follows_the_permission_table(
    client: Any, world: World, role: str, place: str
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
    client: Any, world: World, role: str, place: str
) -> None:
    user = user_with_role(world, role, place)
    response = client.get("/api/v1/cooperatives/BE/members", **bearer(user))
    allowed = expected("members.view_register", role, place)["cooperative BE"]
    assert response.status_code == (200 if allowed else 403), response.content


def test_a_member_living_near_another_cooperatives_antenna_stays_in_the_hands_of_their_own_cooperative(
    world: World,
) -> None:
    # A Paris-based person who is a member of BE: BE's board decides on that membership, FR's does not.
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
