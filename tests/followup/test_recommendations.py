"""Recommendations and their follow-up: numbering, the body's answers as a dated history, who may answer,
what is audited and who is told."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from coopgov.accounts.models import User
from coopgov.audit.models import AuditEntry
from coopgov.followup import services
from coopgov.followup.models import Recommendation, StatusChange
from coopgov.notifications.models import Notification
from tests.followup.builders import ACTOR, Sip, build_cycle, officer, recommend
from tests.organisation.world import World, build_world


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def sip(world: World) -> Sip:
    return build_cycle(world)


def test_recommendations_are_numbered_in_the_cycle_and_await_a_response(sip: Sip) -> None:
    first = recommend(sip, "Un fonds de solidarité")
    second = recommend(sip, "Des relais dans chaque antenne", theme=sip.governance)
    assert (first.number, second.number) == (1, 2)
    assert first.status == "submitted" and first.answered_on is None
    assert AuditEntry.objects.filter(action="followup.recommendation_submitted").count() == 2


def test_the_board_answers_and_each_answer_is_kept_dated_in_the_history(world: World, sip: Sip) -> None:
    board = officer(world, "board", "cooperative BE")
    rec = recommend(sip, "Un fonds de solidarité")
    today = timezone.localdate()
    services.recommendation_set_status(
        recommendation=rec,
        status="in_progress",
        response="Étude lancée.",
        on=today - timedelta(days=10),
        actor=board,
    )
    services.recommendation_set_status(
        recommendation=rec, status="done", response="Fonds créé.", on=today, actor=board
    )
    rec.refresh_from_db()
    assert rec.status == "done" and rec.response == "Fonds créé."
    assert rec.answered_on == today - timedelta(days=10)  # the first answer
    history = list(
        StatusChange.objects.filter(recommendation=rec).values_list("from_status", "to_status", "on")
    )
    assert history == [
        ("submitted", "in_progress", today - timedelta(days=10)),
        ("in_progress", "done", today),
    ]
    entries = AuditEntry.objects.filter(action="followup.status_changed").order_by("seq")
    assert [e.after["status"] for e in entries] == ["in_progress", "done"]
    assert entries.last().before["status"] == "in_progress"


def test_followers_and_the_author_of_the_source_proposal_are_told(world: World, sip: Sip) -> None:
    from coopgov.participation.models import Follow, Process, Proposal

    author = world.member_user
    follower = User.objects.create_user(email="follower@example.org")
    proposal_follower = User.objects.create_user(email="proposal.follower@example.org")
    process = Process.objects.create(unit=world.brussels, slug="sip", title="SiP Bruxelles")
    proposal = Proposal.objects.create(process=process, author=author, title="Fonds", body="Un fonds.")
    Follow.objects.create(user=proposal_follower, proposal=proposal)
    rec = services.recommendation_submit(
        cycle=sip.cycle,
        theme=sip.economy,
        addressed_to=sip.board_be,
        title="Un fonds de solidarité",
        text="…",
        submitted_on=date(2026, 1, 15),
        source_proposal=proposal,
        actor=ACTOR,
    )
    services.recommendation_follow(recommendation=rec, user=follower)
    board = officer(world, "board", "cooperative BE")
    services.recommendation_set_status(
        recommendation=rec, status="postponed", response="Après l'AG.", on=timezone.localdate(), actor=board
    )
    told = set(
        Notification.objects.filter(kind="followup.postponed").values_list("recipient__email", flat=True)
    )
    assert told == {author.email, follower.email, proposal_follower.email}


# Who may answer a recommendation addressed to the BE board: staff or board of BE or above it.
@pytest.mark.parametrize(
    ("role", "where", "allowed"),
    [
        ("board", "cooperative BE", True),
        ("staff", "cooperative BE", True),
        ("staff", "group", True),
        ("board", "group", True),
        ("board", "other cooperative FR", False),
        ("staff", "antenna Bruxelles", False),
        ("relay", "cooperative BE", False),
        ("moderator", "cooperative BE", False),
    ],
)
def test_only_staff_or_board_of_the_bodys_unit_may_answer(
    world: World, sip: Sip, role: str, where: str, allowed: bool
) -> None:
    rec = recommend(sip, "Un fonds")
    actor = officer(world, role, where)
    assert actor.has_perm("followup.answer_recommendation", rec) == allowed
    if allowed:
        services.recommendation_set_status(
            recommendation=rec, status="rejected", response="Non.", on=timezone.localdate(), actor=actor
        )
    else:
        with pytest.raises(services.FollowupRefused) as refused:
            services.recommendation_set_status(
                recommendation=rec, status="rejected", response="Non.", on=timezone.localdate(), actor=actor
            )
        assert refused.value.code == "not_allowed"
    rec.refresh_from_db()
    assert rec.status == ("rejected" if allowed else "submitted")


def test_a_plain_member_may_not_answer(world: World, sip: Sip) -> None:
    rec = recommend(sip, "Un fonds")
    with pytest.raises(services.FollowupRefused):
        services.recommendation_set_status(
            recommendation=rec,
            status="done",
            response="Oui.",
            on=timezone.localdate(),
            actor=world.member_user,
        )


@pytest.mark.parametrize(
    ("status", "response", "days", "code"),
    [
        ("submitted", "Rien.", 0, "bad_status"),
        ("finished", "Rien.", 0, "bad_status"),
        ("done", "   ", 0, "response_required"),
        ("done", "Fait.", 1, "future"),
    ],
)
def test_a_wrong_answer_is_refused_and_changes_nothing(
    world: World, sip: Sip, status: str, response: str, days: int, code: str
) -> None:
    rec = recommend(sip, "Un fonds")
    board = officer(world, "board", "cooperative BE")
    with pytest.raises(services.FollowupRefused) as refused:
        services.recommendation_set_status(
            recommendation=rec,
            status=status,
            response=response,
            on=timezone.localdate() + timedelta(days=days),
            actor=board,
        )
    assert refused.value.code == code
    rec.refresh_from_db()
    assert rec.status == "submitted" and not StatusChange.objects.exists()


def test_an_answer_dated_before_the_submission_is_refused(world: World, sip: Sip) -> None:
    rec = recommend(sip, "Un fonds")
    with pytest.raises(services.FollowupRefused) as refused:
        services.recommendation_set_status(
            recommendation=rec,
            status="done",
            response="Fait.",
            on=rec.submitted_on - timedelta(days=1),
            actor=officer(world, "board", "cooperative BE"),
        )
    assert refused.value.code == "before_submission"


def test_the_same_answer_twice_is_refused(world: World, sip: Sip) -> None:
    rec = recommend(sip, "Un fonds")
    board = officer(world, "board", "cooperative BE")
    services.recommendation_set_status(
        recommendation=rec, status="done", response="Fait.", on=timezone.localdate(), actor=board
    )
    with pytest.raises(services.FollowupRefused) as refused:
        services.recommendation_set_status(
            recommendation=rec, status="done", response="Fait.", on=timezone.localdate(), actor=board
        )
    assert refused.value.code == "no_change"


def test_a_recommendation_to_a_body_outside_the_cycles_line_is_refused(world: World, sip: Sip) -> None:
    from coopgov.organisation.models import Body

    cycle_be = services.cycle_create(
        unit=world.be, slug="sip-be", title="SiP BE", starts_on=date(2025, 1, 1), actor=ACTOR
    )
    theme = services.theme_add(cycle=cycle_be, code="t", title="T", actor=ACTOR)
    fr_board = Body.objects.get(pk=sip.board_fr.pk)
    with pytest.raises(services.FollowupRefused) as refused:
        services.recommendation_submit(
            cycle=cycle_be,
            theme=theme,
            addressed_to=fr_board,
            title="X",
            text="Y",
            submitted_on=date(2026, 1, 1),
            actor=ACTOR,
        )
    assert refused.value.field == "addressed_to"
    with pytest.raises(services.FollowupRefused) as refused:
        services.recommendation_submit(
            cycle=cycle_be,
            theme=sip.economy,
            addressed_to=sip.board_be,
            title="X",
            text="Y",
            submitted_on=date(2026, 1, 1),
            actor=ACTOR,
        )
    assert refused.value.code == "theme_of_other_cycle"
    assert not Recommendation.objects.filter(cycle=cycle_be).exists()


def test_a_local_group_works_in_an_antenna_or_a_community(world: World, sip: Sip) -> None:
    with pytest.raises(services.FollowupRefused):
        services.local_group_create(cycle=sip.cycle, unit=world.be, name="BE", actor=ACTOR)
