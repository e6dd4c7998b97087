"""Who may run a cycle of Smart Belgium, see its recommendations at each stage, comment and moderate
(ADR 0021): one table per act over role × where the role is held, and the services re-check."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from coopgov.followup import services
from coopgov.followup.models import RecommendationComment
from tests.followup.builders import officer
from tests.followup.cycle_world import BeCycle, antwerp_member, build_be_cycle, draft, french_member, opened
from tests.organisation.world import World, build_world


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def be(world: World) -> BeCycle:
    return build_be_cycle(world)


def who(world: World, name: str) -> Any:
    """The person named in the tables: a role in a unit, or a kind of member."""
    if name == "anonymous":
        return AnonymousUser()
    if name == "member of Bruxelles":
        return world.member_user
    if name == "member of Antwerpen":
        return antwerp_member(world)
    if name == "member of France":
        return french_member(world)
    role, where = name.split(" of ", 1)
    return officer(world, role, where)


STAFF_TABLE = [
    ("staff of cooperative BE", True),
    ("staff of group", True),
    ("staff of other cooperative FR", False),
    ("staff of antenna Bruxelles", False),
    ("board of cooperative BE", False),
    ("relay of cooperative BE", False),
    ("moderator of cooperative BE", False),
    ("member of Bruxelles", False),
    ("anonymous", False),
]


@pytest.mark.parametrize(("name", "allowed"), STAFF_TABLE)
def test_staff_of_the_unit_or_above_start_a_cycle_there(world: World, name: str, allowed: bool) -> None:
    assert who(world, name).has_perm("followup.create_cycle", world.be) == allowed


@pytest.mark.parametrize(("name", "allowed"), STAFF_TABLE)
def test_staff_of_the_unit_or_above_add_themes_and_groups_and_write_drafts(
    world: World, be: BeCycle, name: str, allowed: bool
) -> None:
    actor = who(world, name)
    assert actor.has_perm("followup.manage_cycle", be.cycle) == allowed
    if allowed:
        assert draft(be).stage == "draft"
    else:
        with pytest.raises(services.FollowupRefused) as refused:
            services.recommendation_draft(
                cycle=be.cycle, theme=be.theme, addressed_to=be.board, title="T", text="X", actor=actor
            )
        assert refused.value.code == "not_allowed"


@pytest.mark.parametrize(("name", "allowed"), STAFF_TABLE)
def test_staff_of_the_unit_or_above_open_for_comment_and_hand_in(
    world: World, be: BeCycle, name: str, allowed: bool
) -> None:
    actor = who(world, name)
    rec = draft(be)
    assert actor.has_perm("followup.manage_cycle", rec) == allowed
    if not allowed:
        with pytest.raises(services.FollowupRefused) as refused:
            services.recommendation_open_for_comment(recommendation=rec, actor=actor)
        assert refused.value.code == "not_allowed"
        services.recommendation_open_for_comment(recommendation=rec, actor=be.staff)
        with pytest.raises(services.FollowupRefused) as refused:
            services.recommendation_hand_in(recommendation=rec, on=timezone.localdate(), actor=actor)
        assert refused.value.code == "not_allowed"
        rec.refresh_from_db()
        assert rec.stage == "open"
    else:
        services.recommendation_open_for_comment(recommendation=rec, actor=actor)
        services.recommendation_hand_in(recommendation=rec, on=timezone.localdate(), actor=actor)
        rec.refresh_from_db()
        assert rec.stage == "submitted"


@pytest.mark.parametrize(
    ("name", "draft_seen", "open_seen"),
    [
        ("staff of cooperative BE", True, True),
        ("staff of group", True, True),
        ("relay of antenna Bruxelles", True, True),  # an officer of the local group's antenna
        ("member of Bruxelles", True, True),  # the local group works in their antenna
        ("member of Antwerpen", False, True),  # a member of the unit running the cycle
        ("board of cooperative BE", False, True),
        ("member of France", False, False),
        ("staff of other cooperative FR", False, False),
        ("anonymous", False, False),
    ],
)
def test_a_draft_is_seen_by_staff_and_the_local_group_and_open_by_the_units_people(
    world: World, be: BeCycle, name: str, draft_seen: bool, open_seen: bool
) -> None:
    reader = who(world, name)
    rec = draft(be)
    assert reader.has_perm("followup.view_recommendation", rec) == draft_seen
    rec = services.recommendation_open_for_comment(recommendation=rec, actor=be.staff)
    assert reader.has_perm("followup.view_recommendation", rec) == open_seen
    rec = services.recommendation_hand_in(recommendation=rec, on=timezone.localdate(), actor=be.staff)
    assert reader.has_perm("followup.view_recommendation", rec)  # handed in: the public follow-up


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("member of Bruxelles", True),
        ("member of Antwerpen", True),
        ("staff of cooperative BE", True),
        ("staff of group", True),
        ("member of France", False),
        ("staff of other cooperative FR", False),
        ("anonymous", False),
    ],
)
def test_members_of_the_unit_and_its_staff_comment_others_do_not(
    world: World, be: BeCycle, name: str, allowed: bool
) -> None:
    author = who(world, name)
    rec = opened(be)
    assert author.has_perm("followup.comment_recommendation", rec) == allowed
    if allowed:
        services.recommendation_comment_add(recommendation=rec, author=author, text="Oui.")
        assert RecommendationComment.objects.count() == 1
    elif author.is_authenticated:
        with pytest.raises(services.FollowupRefused) as refused:
            services.recommendation_comment_add(recommendation=rec, author=author, text="Oui.")
        assert refused.value.code == "not_allowed"
        assert not RecommendationComment.objects.exists()
    assert not author.has_perm("followup.comment_recommendation", draft(be, "Un autre projet"))


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("moderator of cooperative BE", True),
        ("staff of cooperative BE", True),
        ("moderator of group", True),
        ("moderator of other cooperative FR", False),
        ("relay of cooperative BE", False),
        ("member of Antwerpen", False),
    ],
)
def test_moderators_and_staff_of_the_unit_hide_a_comment(
    world: World, be: BeCycle, name: str, allowed: bool
) -> None:
    rec = opened(be)
    comment = services.recommendation_comment_add(
        recommendation=rec, author=world.member_user, text="Hors sujet."
    )
    actor = who(world, name)
    assert actor.has_perm("followup.moderate_comment", comment) == allowed
    if allowed:
        services.recommendation_comment_hide(comment=comment, reason="Hors sujet.", actor=actor)
    else:
        with pytest.raises(services.FollowupRefused) as refused:
            services.recommendation_comment_hide(comment=comment, reason="Hors sujet.", actor=actor)
        assert refused.value.code == "not_allowed"
    comment.refresh_from_db()
    assert (comment.hidden_at is not None) == allowed
