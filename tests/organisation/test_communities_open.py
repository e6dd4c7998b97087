"""Communities open to stakeholders (ADR 0020): besides admitted members, the persons of the register under
the group (candidates, clients, partners, mutualised staff) join a community whose ``open_to_stakeholders``
is set; a closed community stays for admitted members only; an account without a person never joins."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from coopgov.accounts.models import User
from coopgov.audit.models import AuditEntry
from coopgov.members.models import Person
from coopgov.organisation.models import CommunityMembership, Unit
from tests.organisation.world import World, build_world, user_with_role


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def _community(world: World, *, open_to_stakeholders: bool) -> Unit:
    return Unit.objects.create(
        kind=Unit.Kind.COMMUNITY,
        code="COMM-OPEN" if open_to_stakeholders else "COMM-CLOSED",
        name="Arts",
        parent=world.group,
        open_to_stakeholders=open_to_stakeholders,
    )


def _person(world: World, email: str, profiles: list[str]) -> User:
    person = Person.objects.create(
        kind="natural", last_name="Client", email=email, home_antenna=world.brussels, profiles=profiles
    )
    return User.objects.create_user(email=email, person=person)


@pytest.mark.parametrize(
    ("who", "closed", "open_"),
    [
        ("admitted member", True, True),
        ("candidate", False, True),
        ("client without membership", False, True),
        ("person without profile or membership", False, False),
        ("account without person", False, False),
        ("staff of the group without person", False, False),
    ],
)
def test_who_may_join_a_closed_and_an_open_community(
    world: World, who: str, closed: bool, open_: bool
) -> None:
    users = {
        "admitted member": lambda: world.member_user,
        "candidate": lambda: User.objects.create_user(email="c@example.org", person=world.candidate.person),
        "client without membership": lambda: _person(world, "client@example.org", ["client"]),
        "person without profile or membership": lambda: _person(world, "bare@example.org", []),
        "account without person": lambda: User.objects.create_user(email="nobody@example.org"),
        "staff of the group without person": lambda: user_with_role(world, "staff", "group"),
    }
    user = users[who]()
    assert user.has_perm("communities.join", _community(world, open_to_stakeholders=False)) is closed
    assert user.has_perm("communities.join", _community(world, open_to_stakeholders=True)) is open_


def test_a_client_joins_an_open_community_and_it_is_audited(client: Client, world: World) -> None:
    community = _community(world, open_to_stakeholders=True)
    user = _person(world, "client@example.org", ["client"])
    client.force_login(user)
    page = client.get(
        reverse("organisation:community", args=[community.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Open to the stakeholders in the register, not only to admitted members." in page
    assert "Join the community" in page
    client.post(reverse("organisation:community_join", args=[community.code]))
    assert CommunityMembership.objects.filter(community=community, person=user.person).exists()
    assert AuditEntry.objects.filter(action="community.joined", unit=community).count() == 1


def test_a_client_is_refused_by_a_closed_community_and_nothing_changes(client: Client, world: World) -> None:
    community = _community(world, open_to_stakeholders=False)
    client.force_login(_person(world, "client@example.org", ["client"]))
    response = client.post(reverse("organisation:community_join", args=[community.code]))
    assert response.status_code == 403
    assert not CommunityMembership.objects.exists()


def test_an_account_without_a_person_reads_why_it_cannot_join_an_open_community(
    client: Client, world: World
) -> None:
    community = _community(world, open_to_stakeholders=True)
    client.force_login(User.objects.create_user(email="nobody@example.org"))
    page = client.get(
        reverse("organisation:community", args=[community.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "your account is not linked to one of them" in page
