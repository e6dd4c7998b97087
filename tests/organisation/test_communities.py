"""Thematic communities: members join and leave by themselves (a dated history), staff of the community
or above it manage; every join and leave is audited; the list costs a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse
from django.utils import timezone

from coopgov.accounts.models import User
from coopgov.audit.models import AuditEntry
from coopgov.members.demo import DEMO_TOTP_SECRET
from coopgov.organisation import services
from coopgov.organisation.models import CommunityMembership, Unit
from tests.organisation.world import World, build_world, user_with_role


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def community(world: World) -> Unit:
    return Unit.objects.create(
        kind=Unit.Kind.COMMUNITY,
        code="COMM-ARTS",
        name="Arts vivants",
        names={"en": "Performing arts", "nl": "Podiumkunsten"},
        parent=world.group,
    )


def test_a_member_joins_and_leaves_and_the_history_keeps_both_dates(
    client: Any, world: World, community: Unit
) -> None:
    client.force_login(world.member_user)
    url = reverse("organisation:community", args=[community.code])
    client.post(reverse("organisation:community_join", args=[community.code]))
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 member" in page and "Leave the community" in page
    client.post(reverse("organisation:community_leave", args=[community.code]))
    client.post(reverse("organisation:community_join", args=[community.code]))
    rows = list(CommunityMembership.objects.filter(community=community).order_by("pk"))
    assert len(rows) == 2
    assert rows[0].left_at is not None and rows[1].left_at is None
    assert [e.action for e in AuditEntry.objects.filter(unit=community).order_by("seq")] == [
        "community.joined",
        "community.left",
        "community.joined",
    ]
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "left on" in page and "1 member" in page


def test_joining_twice_is_refused_and_changes_nothing(world: World, community: Unit) -> None:
    person = world.member_user.person
    services.community_join(community=community, person=person, actor=world.member_user)
    with pytest.raises(services.CommunityRefused) as refused:
        services.community_join(community=community, person=person, actor=world.member_user)
    assert refused.value.code == "already_member"
    assert CommunityMembership.objects.filter(community=community).count() == 1


def test_leaving_a_community_one_does_not_belong_to_is_refused(world: World, community: Unit) -> None:
    with pytest.raises(services.CommunityRefused) as refused:
        services.community_leave(community=community, person=world.member_user.person, actor="test")
    assert refused.value.code == "not_a_member"


def test_a_membership_cannot_end_before_it_began(world: World, community: Unit) -> None:
    joined = services.community_join(community=community, person=world.member_user.person, actor="test")
    with pytest.raises(services.CommunityRefused):
        services.community_leave(
            community=community,
            person=world.member_user.person,
            actor="test",
            at=joined.joined_at - timedelta(days=1),
        )
    joined.refresh_from_db()
    assert joined.left_at is None


def test_an_antenna_is_not_a_community(world: World) -> None:
    with pytest.raises(services.CommunityRefused) as refused:
        services.community_join(community=world.brussels, person=world.member_user.person, actor="test")
    assert refused.value.code == "not_a_community"


def test_a_candidate_not_yet_admitted_cannot_join(client: Any, world: World, community: Unit) -> None:
    user = User.objects.create_user(email="cand@example.org", person=world.candidate.person)
    client.force_login(user)
    response = client.post(reverse("organisation:community_join", args=[community.code]))
    assert response.status_code == 403
    assert not CommunityMembership.objects.exists()
    page = client.get(reverse("organisation:community", args=[community.code])).content.decode()
    assert "Join the community" not in page


def test_an_unknown_community_code_is_a_404_that_says_which(client: Any, world: World) -> None:
    client.force_login(world.member_user)
    response = client.get(reverse("organisation:community", args=["NOPE"]))
    assert response.status_code == 404


# Who may manage a community (see its members, remove one): staff of the community's unit or above it.
@pytest.mark.parametrize(
    ("role", "where", "allowed"),
    [
        ("staff", "group", True),
        ("staff", "cooperative BE", False),
        ("staff", "antenna Bruxelles", False),
        ("board", "group", False),
        ("relay", "group", False),
        ("member", "", False),
        ("none", "group", False),
    ],
)
def test_removing_a_member_is_for_staff_of_the_community_or_above(
    client: Any, world: World, community: Unit, role: str, where: str, allowed: bool
) -> None:
    membership = services.community_join(community=community, person=world.member_user.person, actor="test")
    actor = user_with_role(world, role, where)
    if role in ("staff", "board"):
        TOTP.activate(actor, DEMO_TOTP_SECRET)  # officers must have a second factor to use the pages
    client.force_login(actor)
    page = client.get(reverse("organisation:community", args=[community.code])).content.decode()
    assert ("Test Member" in page) == allowed
    response = client.post(reverse("organisation:community_remove", args=[community.code, membership.pk]))
    membership.refresh_from_db()
    assert (response.status_code == 302) == allowed
    assert (membership.left_at is not None) == allowed


def test_staff_of_the_community_itself_may_manage_it(world: World, community: Unit) -> None:
    user = User.objects.create_user(email="community.staff@example.org")
    services.role_grant(user=user, unit=community, role="staff", actor="test")
    assert user.has_perm("communities.manage", community)
    assert not user.has_perm("communities.manage", world.be)


def test_the_list_shows_current_member_counts_in_a_fixed_number_of_queries(
    client: Any, world: World, community: Unit, django_assert_num_queries: Any
) -> None:
    other = Unit.objects.create(
        kind=Unit.Kind.COMMUNITY, code="COMM-DIG", name="Numérique", parent=world.group
    )
    services.community_join(community=community, person=world.member_user.person, actor="test")
    services.community_join(community=other, person=world.member_user.person, actor="test")
    services.community_join(community=other, person=world.admitted.person, actor="test")
    services.community_leave(
        community=other, person=world.admitted.person, actor="test", at=timezone.now() + timedelta(seconds=1)
    )
    client.force_login(world.member_user)
    # session, user, roles (navigation), unread notices (navigation), the member's own memberships, the
    # communities with their counts
    with django_assert_num_queries(6):
        response = client.get(reverse("organisation:communities"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "Performing arts" in page and "Numérique" in page
    assert [(c.code, c.current_members) for c in response.context["communities"]] == [
        ("COMM-ARTS", 1),
        ("COMM-DIG", 1),
    ]


def test_the_community_page_lists_the_communitys_own_processes(
    client: Any, world: World, community: Unit
) -> None:
    from coopgov.participation.models import Process

    own = Process.objects.create(unit=community, slug="repertoire", title="Un répertoire commun")
    Process.objects.create(unit=world.brussels, slug="other", title="Ailleurs")
    client.force_login(world.member_user)
    page = client.get(reverse("organisation:community", args=[community.code])).content.decode()
    assert "Un répertoire commun" in page and own.get_absolute_url() in page
    assert "Ailleurs" not in page
