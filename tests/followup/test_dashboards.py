"""Participation dashboards: who takes part by collège, profile and antenna against the register, who may
read them, and what they cost in queries."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from coopgov.accounts.models import User
from coopgov.members import services as members
from coopgov.members.models import Category, Person
from coopgov.organisation.models import Unit
from tests.followup.builders import officer
from tests.organisation.world import World, bearer, build_world


def _member(world: World, n: int, category: Category, antenna: Unit, profile: str) -> User:
    person = Person.objects.create(
        kind="natural", first_name="P", last_name=f"Person{n}", home_antenna=antenna, profiles=[profile]
    )
    membership = members.membership_apply(
        person=person, cooperative=world.be, category=category, applied_on=date(2024, 1, 1), actor="t"
    )
    members.membership_admit(membership=membership, on=date(2024, 1, 2), actor="t")
    return User.objects.create_user(email=f"p{n}@example.org", person=person)


@pytest.fixture
def world(db: None) -> World:
    """BE: collège A in Bruxelles (entrepreneurs, 14 with the world's two), collège B in Antwerpen (clients,
    12). Thirteen A members act (the world's member included); one B member supports, one B member attends a
    meeting, one B member votes — so B is under-represented."""
    from coopgov.decisions.models import ElectorateEntry, Participation
    from coopgov.meetings.models import Attendance, Meeting
    from coopgov.participation.models import Comment, Process, Proposal, Support
    from tests.decisions.builders import assembly, motion

    world = build_world()
    a = Category.objects.get(cooperative=world.be, code="A")
    b = Category.objects.create(
        cooperative=world.be, code="B", name="Donneurs d'ordre", names={"en": "Clients"}
    )
    a_users = [_member(world, i, a, world.brussels, "entrepreneur") for i in range(12)]
    b_users = [_member(world, 100 + i, b, world.antwerp, "client") for i in range(12)]
    process = Process.objects.create(unit=world.be, slug="sip", title="SiP")
    proposal = Proposal.objects.create(process=process, author=world.member_user, title="Fonds", body="…")
    for user in a_users:
        Comment.objects.create(proposal=proposal, author=user, body="D'accord")
    Support.objects.create(proposal=proposal, user=b_users[0])
    meeting = Meeting.objects.create(
        process=process,
        antenna=world.antwerp,
        title="Bilan participatif",
        place="Antwerpen",
        starts_at=timezone.make_aware(datetime.combine(timezone.localdate(), time(18))),
    )
    Attendance.objects.create(meeting=meeting, user=b_users[1], name="B1")
    ag = assembly(world.be)
    item = motion(ag)
    entry = ElectorateEntry.objects.create(
        assembly=ag, membership=b_users[2].person.memberships.get(), college="B", eligible=True, reasons=[]
    )
    Participation.objects.create(item=item, entry=entry, channel="online", cast_at=timezone.now())
    # An act before the period shown does not count.
    old = Comment.objects.create(proposal=proposal, author=b_users[3], body="Ancien")
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=800))
    return world


def test_the_collège_with_few_participants_is_flagged_with_the_rule(client: Any, world: World) -> None:
    client.force_login(officer(world, "board", "cooperative BE"))
    response = client.get(reverse("followup:dashboard", args=["BE"]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    colleges = {d["key"]: d for d in response.context["dimensions"]}["colleges"]["figures"]
    rows = {r.group: r for r in colleges.rows}
    assert (rows["A"].size, rows["A"].participants) == (14, 13)
    assert (rows["B"].size, rows["B"].participants) == (12, 3)
    assert rows["B"].under_represented and not rows["A"].under_represented
    assert rows["A"].acts_by_kind == {"proposal": 1, "comment": 12}
    assert rows["B"].acts_by_kind == {"support": 1, "attendance": 1, "vote": 1}
    page = response.content.decode()
    assert "Not heard enough:" in page and "Clients" in page
    assert "less than 50 % of its share of the members" in page
    assert "<svg" in page and "Participants month by month" in page


def test_profiles_and_antennas_tell_the_same_story(client: Any, world: World) -> None:
    client.force_login(officer(world, "staff", "group"))
    dims = {
        d["key"]: d["figures"]
        for d in client.get(reverse("followup:dashboard", args=["BE"])).context["dimensions"]
    }
    assert [r.group for r in dims["profiles"].flagged] == ["client"]
    assert [r.group for r in dims["antennas"].flagged] == ["BE-ANTWERPEN"]


def test_an_antenna_dashboard_counts_only_the_members_living_there(client: Any, world: World) -> None:
    client.force_login(officer(world, "staff", "cooperative BE"))
    response = client.get(reverse("followup:dashboard", args=["BE-BRUXELLES"]))
    figures = {d["key"]: d["figures"] for d in response.context["dimensions"]}["colleges"]
    assert figures.members == 14 and figures.participants == 13


@pytest.mark.parametrize(
    ("role", "where", "allowed"),
    [
        ("staff", "group", True),
        ("board", "cooperative BE", True),
        ("staff", "cooperative BE", True),
        ("board", "other cooperative FR", False),
        ("staff", "antenna Bruxelles", False),
        ("relay", "cooperative BE", False),
        ("moderator", "group", False),
    ],
)
def test_the_dashboard_of_a_cooperative_is_for_its_staff_and_board(
    client: Any, world: World, role: str, where: str, allowed: bool
) -> None:
    client.force_login(officer(world, role, where))
    assert client.get(reverse("followup:dashboard", args=["BE"])).status_code == (200 if allowed else 403)


def test_a_plain_member_reads_no_dashboard(client: Any, world: World) -> None:
    client.force_login(world.member_user)
    assert client.get(reverse("followup:dashboard", args=["BE"])).status_code == 403
    assert client.get(reverse("followup:dashboards")).status_code == 403


def test_the_dashboard_costs_a_fixed_number_of_queries(
    client: Any, world: World, django_assert_num_queries: Any
) -> None:
    client.force_login(officer(world, "board", "cooperative BE"))
    client.get(reverse("followup:dashboard", args=["BE"]))
    # session, user, roles, authenticator (MFA), unread notices, the unit, the register and its collèges, one
    # grouped query per kind of act (proposals, comments, supports, attendance, votes)
    with django_assert_num_queries(13):
        client.get(reverse("followup:dashboard", args=["BE"]))


def test_a_wrong_number_of_months_is_reported(client: Any, world: World) -> None:
    client.force_login(officer(world, "board", "cooperative BE"))
    response = client.get(
        reverse("followup:dashboard", args=["BE"]) + "?months=99", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Months shown" in response.content.decode() and len(response.context["months"]) == 12


def test_the_api_gives_the_figures_to_staff_and_refuses_others(client: Any, world: World) -> None:
    board = officer(world, "board", "cooperative BE")
    response = client.get("/api/v1/dashboards/BE?months=3", **bearer(board))
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["months"]) == 3
    b = {g["group"]: g for g in body["colleges"]["groups"]}["B"]
    assert b["under_represented"] and b["participants"] == 3 and b["members"] == 12
    assert client.get("/api/v1/dashboards/BE", **bearer(world.member_user)).status_code == 403
    assert client.get("/api/v1/dashboards/NOPE", **bearer(board)).status_code == 404
    assert client.get("/api/v1/dashboards/BE?months=0", **bearer(board)).status_code == 422


def test_the_api_lists_communities_with_member_counts(client: Any, world: World) -> None:
    from coopgov.organisation.services import community_join

    community = Unit.objects.create(kind=Unit.Kind.COMMUNITY, code="COMM-X", name="X", parent=world.group)
    community_join(community=community, person=world.member_user.person, actor="t")
    response = client.get("/api/v1/communities", **bearer(world.member_user))
    assert response.json() == [{"code": "COMM-X", "name": "X", "members": 1}]


def test_an_act_just_after_midnight_in_brussels_counts_in_the_new_month(world: World) -> None:
    from datetime import UTC

    from coopgov.followup.selectors import participation_acts
    from coopgov.participation.models import Comment, Proposal

    proposal = Proposal.objects.first()
    late = Comment.objects.create(proposal=proposal, author=world.member_user, body="Minuit passé")
    # 23:30 UTC on 31 January is 00:30 on 1 February in Brussels.
    Comment.objects.filter(pk=late.pk).update(created_at=datetime(2026, 1, 31, 23, 30, tzinfo=UTC))
    acts = [a for a in participation_acts([date(2026, 1, 1), date(2026, 2, 1)]) if a.kind == "comment"]
    assert [(a.person, a.day, a.times) for a in acts] == [(world.member_user.person_id, date(2026, 2, 1), 1)]


def test_a_community_dashboard_counts_its_current_members_only(client: Any, world: World) -> None:
    from coopgov.organisation.services import community_join, community_leave

    community = Unit.objects.create(kind=Unit.Kind.COMMUNITY, code="COMM-X", name="X", parent=world.group)
    community_join(community=community, person=world.member_user.person, actor="t")
    community_join(community=community, person=world.admitted.person, actor="t")
    community_leave(
        community=community, person=world.admitted.person, actor="t", at=timezone.now() + timedelta(seconds=1)
    )
    client.force_login(officer(world, "staff", "group"))
    response = client.get(reverse("followup:dashboard", args=["COMM-X"]))
    colleges = {d["key"]: d["figures"] for d in response.context["dimensions"]}["colleges"]
    assert colleges.members == 1 and colleges.participants == 1
    assert [r.group for r in colleges.rows] == ["BE A"]
