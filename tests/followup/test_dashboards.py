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
    # session, user, roles, authenticator (MFA), unread notices, the unit, its stored snapshot: the first
    # request computed the snapshot, the next ones read it whatever the volume of acts
    with django_assert_num_queries(7):
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


# --- stored snapshots ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
@pytest.mark.parametrize("months", [1, 3, 12, 36])
def test_a_snapshot_holds_exactly_the_figures_of_the_live_computation(
    world: World, months: int, language: str
) -> None:
    from django.utils import translation

    from coopgov.followup import selectors
    from coopgov.followup.services import dashboard_snapshot_refresh
    from coopgov.organisation.services import community_join

    community = Unit.objects.create(kind=Unit.Kind.COMMUNITY, code="COMM-X", name="X", parent=world.group)
    community_join(community=community, person=world.member_user.person, actor="t")
    now = timezone.now()
    snapshots = dashboard_snapshot_refresh(unit=None, now=now, months=[months])
    assert {s.unit.code for s in snapshots} >= {"SMART", "BE", "FR", "BE-BRUXELLES", "BE-ANTWERPEN", "COMM-X"}
    with translation.override(language):
        for snapshot in (s for s in snapshots if s.months == months):
            stored = selectors.stored_dashboard(snapshot.unit, months=months, today=timezone.localdate(now))
            assert stored is not None and stored.computed_at == now
            live = selectors.dashboard(snapshot.unit, months=months, today=timezone.localdate(now))
            assert stored.dashboard == live, snapshot.unit.code
    # Not a comparison of empty pages: B's few voices are flagged (over 36 months its old comment counts).
    be = selectors.snapshot_dashboard(next(s for s in snapshots if s.unit == world.be))
    assert {r.group: r.under_represented for r in be.colleges.rows} == {"A": False, "B": months <= 12}


def test_the_page_shows_the_stored_figures_and_when_they_were_computed(client: Any, world: World) -> None:
    from coopgov.followup.services import dashboard_snapshot_refresh
    from coopgov.participation.models import Comment, Proposal

    computed = timezone.now() - timedelta(hours=3)
    dashboard_snapshot_refresh(unit=world.be, now=computed)
    # A comment written after the snapshot is not counted until the next refresh.
    b_user = User.objects.get(email="p105@example.org")
    Comment.objects.create(proposal=Proposal.objects.get(), author=b_user, body="Plus tard")
    client.force_login(officer(world, "board", "cooperative BE"))
    response = client.get(reverse("followup:dashboard", args=["BE"]), HTTP_ACCEPT_LANGUAGE="en")
    colleges = {d["key"]: d["figures"] for d in response.context["dimensions"]}["colleges"]
    assert {r.group: r.participants for r in colleges.rows}["B"] == 3
    assert response.context["computed_at"] == computed
    assert "Figures as of" in response.content.decode()
    dashboard_snapshot_refresh(unit=world.be, now=timezone.now())
    response = client.get(reverse("followup:dashboard", args=["BE"]))
    colleges = {d["key"]: d["figures"] for d in response.context["dimensions"]}["colleges"]
    assert {r.group: r.participants for r in colleges.rows}["B"] == 4


def test_a_period_never_computed_is_computed_once_then_read_and_kept_fresh(client: Any, world: World) -> None:
    from coopgov.followup.models import DashboardSnapshot
    from coopgov.followup.services import dashboard_snapshot_refresh

    client.force_login(officer(world, "board", "cooperative BE"))
    client.get(reverse("followup:dashboard", args=["BE"]) + "?months=5")
    client.get(reverse("followup:dashboard", args=["BE"]) + "?months=5")
    assert list(DashboardSnapshot.objects.filter(unit=world.be).values_list("months", flat=True)) == [5]
    dashboard_snapshot_refresh(unit=world.be, now=timezone.now())
    assert sorted(DashboardSnapshot.objects.filter(unit=world.be).values_list("months", flat=True)) == [5, 12]


@pytest.mark.parametrize(
    ("role", "where", "allowed"),
    [
        ("staff", "group", True),
        ("staff", "cooperative BE", True),
        ("board", "cooperative BE", False),
        ("staff", "antenna Bruxelles", False),
        ("staff", "other cooperative FR", False),
        ("relay", "cooperative BE", False),
    ],
)
def test_staff_of_the_unit_may_ask_for_a_refresh(
    client: Any, world: World, role: str, where: str, allowed: bool, django_capture_on_commit_callbacks: Any
) -> None:
    from coopgov.followup.models import DashboardSnapshot
    from coopgov.followup.services import dashboard_snapshot_refresh

    old = timezone.now() - timedelta(days=1)
    dashboard_snapshot_refresh(unit=world.be, now=old)
    client.force_login(officer(world, role, where))
    url = reverse("followup:dashboard_refresh", args=["BE"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"months": "12"})
    snapshot = DashboardSnapshot.objects.get(unit=world.be, months=12)
    if allowed:
        assert response.status_code == 302
        assert response["Location"] == reverse("followup:dashboard", args=["BE"]) + "?months=12"
        assert snapshot.computed_at > old
    else:
        assert response.status_code == 403
        assert snapshot.computed_at == old


def test_a_refresh_is_asked_with_post_only_and_the_button_shows_for_staff(client: Any, world: World) -> None:
    client.force_login(officer(world, "staff", "cooperative BE"))
    assert client.get(reverse("followup:dashboard_refresh", args=["BE"])).status_code == 405
    assert client.post(reverse("followup:dashboard_refresh", args=["NOPE"])).status_code == 404
    page = client.get(reverse("followup:dashboard", args=["BE"]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Recompute the figures now" in page
    client.force_login(officer(world, "board", "cooperative BE"))
    page = client.get(reverse("followup:dashboard", args=["BE"]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Recompute the figures now" not in page


def test_the_command_refreshes_every_dashboard_and_reports_a_wrong_unit(world: World) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    from coopgov.followup.models import DashboardSnapshot

    out = StringIO()
    call_command("refresh_dashboards", stdout=out)
    units = set(DashboardSnapshot.objects.values_list("unit__code", flat=True))
    assert {"SMART", "BE", "FR", "BE-BRUXELLES", "BE-ANTWERPEN"} <= units
    assert f"dashboard snapshots written: {len(units)}" in out.getvalue()
    call_command("refresh_dashboards", "--unit", "BE", stdout=out)
    assert DashboardSnapshot.objects.count() == len(units)  # rewritten in place, not added
    with pytest.raises(CommandError, match="no unit has the code NOPE"):
        call_command("refresh_dashboards", "--unit", "NOPE")


def test_a_refresh_for_an_impossible_period_is_refused_and_writes_nothing(world: World) -> None:
    from coopgov.followup.models import DashboardSnapshot
    from coopgov.followup.services import FollowupRefused, dashboard_snapshot_refresh

    with pytest.raises(FollowupRefused):
        dashboard_snapshot_refresh(unit=world.be, now=timezone.now(), months=[0])
    assert not DashboardSnapshot.objects.exists()


def test_the_task_refreshes_one_unit(world: World) -> None:
    from coopgov.followup.models import DashboardSnapshot
    from coopgov.followup.tasks import refresh_dashboards

    result = refresh_dashboards.enqueue(world.be.pk)
    assert result.return_value == 1
    assert list(DashboardSnapshot.objects.values_list("unit__code", "months")) == [("BE", 12)]
