"""A recommendation's stages before the body answers (ADR 0021): draft → open for comment → handed in;
members' comments and their moderation. Transitions allowed and refused, what is audited, who is told."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from coopgov.audit.models import AuditEntry
from coopgov.followup import services
from coopgov.followup.models import Recommendation, RecommendationComment, RecommendationFollow
from coopgov.notifications.models import Notification
from tests.followup.cycle_world import BeCycle, antwerp_member, build_be_cycle, draft, french_member, opened
from tests.organisation.world import World, build_world


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def be(world: World) -> BeCycle:
    return build_be_cycle(world)


def test_a_draft_is_numbered_undated_and_audited(be: BeCycle) -> None:
    rec = draft(be)
    assert (rec.number, rec.stage, rec.status, rec.submitted_on) == (1, "draft", "submitted", None)
    entry = AuditEntry.objects.get(action="followup.recommendation_drafted")
    assert entry.after["stage"] == "draft" and entry.after["number"] == 1


def test_a_draft_is_opened_for_comment_then_handed_in_each_step_audited(world: World, be: BeCycle) -> None:
    rec = opened(be)
    assert rec.stage == "open" and rec.comment_opened_at is not None
    today = timezone.localdate()
    services.recommendation_hand_in(recommendation=rec, on=today, actor=be.staff)
    rec.refresh_from_db()
    assert (rec.stage, rec.status, rec.submitted_on) == ("submitted", "submitted", today)
    steps = [
        (e.action, (e.before or {}).get("stage"), e.after["stage"])
        for e in AuditEntry.objects.filter(action__startswith="followup.recommendation_").order_by("seq")
    ]
    assert steps == [
        ("followup.recommendation_drafted", None, "draft"),
        ("followup.recommendation_opened_for_comment", "draft", "open"),
        ("followup.recommendation_handed_in", "open", "submitted"),
    ]
    handed = AuditEntry.objects.get(action="followup.recommendation_handed_in")
    assert handed.after["comments"] == 0 and handed.after["body"] == be.board.name


def test_once_handed_in_the_body_answers_as_before(world: World, be: BeCycle) -> None:
    rec = opened(be)
    services.recommendation_hand_in(recommendation=rec, on=timezone.localdate(), actor=be.staff)
    services.recommendation_set_status(
        recommendation=rec, status="in_progress", response="Étude.", on=timezone.localdate(), actor=be.staff
    )
    rec.refresh_from_db()
    assert rec.status == "in_progress" and rec.history.count() == 1


@pytest.mark.parametrize("stage", ["draft", "open"])
def test_the_body_cannot_answer_before_the_hand_in(be: BeCycle, stage: str) -> None:
    rec = draft(be) if stage == "draft" else opened(be)
    with pytest.raises(services.FollowupRefused) as refused:
        services.recommendation_set_status(
            recommendation=rec, status="done", response="Fait.", on=timezone.localdate(), actor=be.staff
        )
    assert refused.value.code == "not_handed_in"
    rec.refresh_from_db()
    assert rec.status == "submitted" and rec.history.count() == 0


def test_transitions_out_of_order_are_refused_and_change_nothing(be: BeCycle) -> None:
    rec = draft(be)
    with translation.override("en"), pytest.raises(services.FollowupRefused) as refused:
        services.recommendation_hand_in(recommendation=rec, on=timezone.localdate(), actor=be.staff)
    assert refused.value.code == "not_open" and "Open the draft for comment" in refused.value.message
    services.recommendation_open_for_comment(recommendation=rec, actor=be.staff)
    with pytest.raises(services.FollowupRefused) as refused:
        services.recommendation_open_for_comment(recommendation=rec, actor=be.staff)
    assert refused.value.code == "not_a_draft"
    services.recommendation_hand_in(recommendation=rec, on=timezone.localdate(), actor=be.staff)
    for act in (services.recommendation_open_for_comment, services.recommendation_hand_in):
        kwargs = {"on": timezone.localdate()} if act is services.recommendation_hand_in else {}
        with pytest.raises(services.FollowupRefused):
            act(recommendation=rec, actor=be.staff, **kwargs)  # type: ignore[operator]
    assert AuditEntry.objects.filter(action__startswith="followup.recommendation_").count() == 3


@pytest.mark.parametrize(
    ("days", "code"),
    [(1, "future"), (-1, "before_comment")],
)
def test_a_hand_in_date_in_the_future_or_before_the_comment_is_refused(
    be: BeCycle, days: int, code: str
) -> None:
    rec = opened(be)
    with pytest.raises(services.FollowupRefused) as refused:
        services.recommendation_hand_in(
            recommendation=rec, on=timezone.localdate() + timedelta(days=days), actor=be.staff
        )
    assert (refused.value.code, refused.value.field) == (code, "on")
    rec.refresh_from_db()
    assert rec.stage == "open" and rec.submitted_on is None


def test_members_comment_several_times_and_then_follow_it(world: World, be: BeCycle) -> None:
    rec = opened(be)
    for text in ("Oui.", "Et aussi pour les trajets en train."):
        services.recommendation_comment_add(recommendation=rec, author=world.member_user, text=text)
    comments = RecommendationComment.objects.filter(recommendation=rec, author=world.member_user)
    assert comments.count() == 2
    assert AuditEntry.objects.filter(action="followup.comment_added").count() == 2
    assert RecommendationFollow.objects.filter(recommendation=rec, user=world.member_user).count() == 1


@pytest.mark.parametrize(("text", "code"), [("   ", "required"), ("x" * 5001, "too_long")])
def test_an_empty_or_too_long_comment_is_refused_naming_the_field(
    world: World, be: BeCycle, text: str, code: str
) -> None:
    rec = opened(be)
    with pytest.raises(services.FollowupRefused) as refused:
        services.recommendation_comment_add(recommendation=rec, author=world.member_user, text=text)
    assert (refused.value.code, refused.value.field) == (code, "text")
    assert not RecommendationComment.objects.exists()


@pytest.mark.parametrize("stage", ["draft", "submitted"])
def test_comments_are_refused_on_a_draft_and_once_handed_in(world: World, be: BeCycle, stage: str) -> None:
    rec = draft(be)
    if stage == "submitted":
        services.recommendation_open_for_comment(recommendation=rec, actor=be.staff)
        services.recommendation_hand_in(recommendation=rec, on=timezone.localdate(), actor=be.staff)
    with pytest.raises(services.FollowupRefused) as refused:
        services.recommendation_comment_add(recommendation=rec, author=world.member_user, text="Oui.")
    assert refused.value.code == "comments_closed"
    assert not RecommendationComment.objects.exists()


def test_the_followers_are_told_of_the_opening_and_the_hand_in(world: World, be: BeCycle) -> None:
    rec = draft(be)
    elsewhere = french_member(world)
    services.recommendation_follow(recommendation=rec, user=world.member_user)
    services.recommendation_follow(recommendation=rec, user=elsewhere)
    services.recommendation_open_for_comment(recommendation=rec, actor=be.staff)
    told = set(
        Notification.objects.filter(kind="followup.open_for_comment").values_list(
            "recipient__email", flat=True
        )
    )
    # The member of France may not read it while it is open for comment in Belgium: not sent to it.
    assert told == {world.member_user.email}
    services.recommendation_comment_add(recommendation=rec, author=antwerp_member(world), text="Bonne idée.")
    services.recommendation_hand_in(recommendation=rec, on=timezone.localdate(), actor=be.staff)
    told = set(
        Notification.objects.filter(kind="followup.handed_in").values_list("recipient__email", flat=True)
    )
    assert told == {world.member_user.email, elsewhere.email, "lotte@example.org"}


def test_a_moderator_hides_a_comment_with_a_reason_audited_and_told_to_its_author(
    world: World, be: BeCycle
) -> None:
    from tests.followup.builders import officer

    rec = opened(be)
    comment = services.recommendation_comment_add(
        recommendation=rec, author=world.member_user, text="Hors sujet."
    )
    moderator = officer(world, "moderator", "cooperative BE")
    with pytest.raises(services.FollowupRefused) as refused:
        services.recommendation_comment_hide(comment=comment, reason="  ", actor=moderator)
    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")
    services.recommendation_comment_hide(
        comment=comment, reason="Sans rapport avec le texte.", actor=moderator
    )
    comment.refresh_from_db()
    assert comment.hidden_at is not None and comment.hidden_by == moderator
    entry = AuditEntry.objects.get(action="followup.comment_hidden")
    assert entry.after["reason"] == "Sans rapport avec le texte."
    notice = Notification.objects.get(kind="followup.comment_hidden")
    assert notice.recipient == world.member_user and notice.params["reason"] == "Sans rapport avec le texte."
    with pytest.raises(services.FollowupRefused) as refused:
        services.recommendation_comment_hide(comment=comment, reason="Encore.", actor=moderator)
    assert refused.value.code == "already_hidden"


def test_a_draft_is_refused_with_the_field_named_and_nothing_written(world: World, be: BeCycle) -> None:
    from coopgov.organisation.models import Body

    board_fr = Body.objects.create(unit=world.fr, kind=Body.Kind.BOARD, name="CA FR")
    count = AuditEntry.objects.count()
    with pytest.raises(services.FollowupRefused) as refused:
        services.recommendation_draft(
            cycle=be.cycle, theme=be.theme, addressed_to=board_fr, title="T", text="X", actor=be.staff
        )
    assert refused.value.field == "addressed_to"
    with pytest.raises(services.FollowupRefused) as refused:
        services.recommendation_draft(
            cycle=be.cycle, theme=be.theme, addressed_to=be.board, title="T", text=" ", actor=be.staff
        )
    assert refused.value.field == "text"
    assert not Recommendation.objects.exists() and AuditEntry.objects.count() == count


def test_a_cycle_cannot_take_a_reserved_short_name_nor_a_group_in_another_cooperative(
    world: World, be: BeCycle
) -> None:
    with pytest.raises(services.FollowupRefused) as refused:
        services.cycle_create(
            unit=world.be, slug="manage", title="X", starts_on=date(2027, 1, 1), actor=be.staff
        )
    assert (refused.value.code, refused.value.field) == ("slug_reserved", "slug")
    with pytest.raises(services.FollowupRefused) as refused:
        services.local_group_create(cycle=be.cycle, unit=world.paris, name="Paris", actor=be.staff)
    assert (refused.value.code, refused.value.field) == ("group_elsewhere", "unit")
