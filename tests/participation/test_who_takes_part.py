"""Who takes part in a process, by the level of its unit, and what only an author may do."""

from __future__ import annotations

import pytest

from coopgov.accounts.models import User
from coopgov.members.models import Person
from coopgov.organisation.models import CommunityMembership, Unit
from coopgov.participation import services
from coopgov.participation.models import Process
from tests.organisation.world import World, user_with_role
from tests.participation.conftest import open_process


@pytest.mark.parametrize(
    ("unit_name", "takes_part"),
    [
        ("group", True),
        ("cooperative BE", True),
        ("antenna Bruxelles", True),
        ("other antenna", False),
        ("other cooperative FR", False),
    ],
)
def test_a_member_of_be_living_in_bruxelles_takes_part_up_the_tree_only(
    world: World, unit_name: str, takes_part: bool
) -> None:
    process = open_process(world, unit_name)
    assert world.member_user.has_perm("participation.propose", process) is takes_part


def test_a_candidate_not_yet_admitted_does_not_take_part(world: World, process: Process) -> None:
    candidate = User.objects.create_user(email="cand@example.org", person=world.candidate.person)
    assert not candidate.has_perm("participation.propose", process)


def test_in_a_community_only_its_current_members_take_part(world: World) -> None:
    from django.utils import timezone

    community = Unit.objects.create(kind=Unit.Kind.COMMUNITY, code="C-ART", name="Arts", parent=world.group)
    process = open_process(world, "group")
    process.unit = community
    process.save()
    person: Person = world.member_user.person  # type: ignore[assignment]
    assert not User.objects.get(pk=world.member_user.pk).has_perm("participation.propose", process)
    CommunityMembership.objects.create(community=community, person=person, joined_at=timezone.now())
    assert User.objects.get(pk=world.member_user.pk).has_perm("participation.propose", process)


def test_only_the_author_edits_a_proposal_and_only_while_the_phase_takes_proposals(
    world: World, process: Process
) -> None:
    proposal = services.proposal_create(
        process=process, author=world.member_user, title="x", body="y", language="fr", actor="t"
    )
    staff = user_with_role(world, "staff", "antenna Bruxelles")
    assert world.member_user.has_perm("participation.edit_proposal", proposal)
    assert world.member_user.has_perm("participation.translate", proposal)
    assert world.member_user.has_perm("participation.decide_amendment", proposal)
    assert not staff.has_perm("participation.edit_proposal", proposal)
    services.process_phase_switch(process=process, phase=process.phases.get(kind="deliberation"), actor="t")
    proposal.process.refresh_from_db()
    assert not User.objects.get(pk=world.member_user.pk).has_perm("participation.edit_proposal", proposal)


def test_a_hidden_proposal_takes_no_more_supports_or_comments(world: World, process: Process) -> None:
    proposal = services.proposal_create(
        process=process, author=world.member_user, title="x", body="y", language="fr", actor="t"
    )
    moderator = user_with_role(world, "moderator", "antenna Bruxelles")
    services.content_hide(target=proposal, reason="doublon", actor=moderator)
    proposal.refresh_from_db()
    assert not world.member_user.has_perm("participation.support", proposal)
    assert not world.member_user.has_perm("participation.comment", proposal)


@pytest.mark.parametrize(
    ("role", "where", "unit", "may"),
    [
        ("staff", "cooperative BE", "antenna Bruxelles", True),
        ("staff", "cooperative BE", "cooperative BE", True),
        ("staff", "cooperative BE", "other cooperative FR", False),
        ("staff", "antenna Bruxelles", "cooperative BE", False),
        ("relay", "antenna Bruxelles", "antenna Bruxelles", False),
        ("member", "", "antenna Bruxelles", False),
    ],
)
def test_staff_open_processes_in_their_unit_and_below(
    world: World, role: str, where: str, unit: str, may: bool
) -> None:
    user = user_with_role(world, role, where or "group")
    assert user.has_perm("participation.manage_process", world.unit(unit)) is may
