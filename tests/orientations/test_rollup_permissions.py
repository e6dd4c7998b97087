"""Who may roll up what, where (defined in orientations/rules.py): a relay or staff member may bundle the
items of the units their role reaches into a proposal of a unit above them. So the relays and staff of
BE bundle any Belgian antenna's items; the Bruxelles relay sends up Bruxelles' items only."""

from __future__ import annotations

from typing import Any

import pytest
import rules

from coopgov.orientations import services
from coopgov.orientations.models import RollupSource
from coopgov.orientations.services import RollupRefused
from coopgov.participation.models import Proposal
from tests.meetings.builders import Tree, contribution, meeting, process, proposal, user

ROLES = ("none", "relay", "moderator", "staff", "board")
PLACES = ("group", "cooperative BE", "antenna Bruxelles", "other cooperative FR", "other antenna Liège")
MAY_SEND_UP_BRUSSELS = {
    ("relay", "group"),
    ("staff", "group"),
    ("relay", "cooperative BE"),
    ("staff", "cooperative BE"),
    ("relay", "antenna Bruxelles"),
    ("staff", "antenna Bruxelles"),
}


def test_the_table_covers_every_orientation_permission() -> None:
    assert {p for p in rules.permissions.permissions if p.startswith("orientations.")} == {
        "orientations.roll_up",
        "orientations.merge_duplicates",
        "orientations.view_duplicates",
    }


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_send_a_brussels_proposal_up_to_be(tree: Tree, role: str, place: str) -> None:
    unit = {
        "group": tree.group,
        "cooperative BE": tree.be,
        "antenna Bruxelles": tree.brussels,
        "other cooperative FR": tree.fr,
        "other antenna Liège": tree.liege,
    }[place]
    actor = user("" if role == "none" else role, unit)
    local = proposal(process(tree.brussels), user())
    allowed = (role, place) in MAY_SEND_UP_BRUSSELS
    assert actor.has_perm("orientations.roll_up", tree.brussels) is allowed
    target = process(tree.be)
    if allowed:
        parent = services.orientation_roll_up(
            actor=actor, process=target, title="T", body="B", proposals=[local]
        )
        assert RollupSource.objects.filter(parent=parent, proposal=local).exists()
    else:
        with pytest.raises(RollupRefused):
            services.orientation_roll_up(actor=actor, process=target, title="T", body="B", proposals=[local])
        assert not Proposal.objects.filter(process=target).exists()


def test_a_local_relay_cannot_bundle_another_antennas_items_and_nothing_is_written(tree: Tree) -> None:
    relay = user("relay", tree.brussels)
    mine = proposal(process(tree.brussels), user())
    theirs = proposal(process(tree.liege), user())
    target = process(tree.be)
    with pytest.raises(RollupRefused, match="Liège"):
        services.orientation_roll_up(
            actor=relay, process=target, title="T", body="B", proposals=[mine, theirs]
        )
    assert not Proposal.objects.filter(process=target).exists()
    assert not RollupSource.objects.exists()


def test_items_must_come_from_below_the_target(tree: Tree) -> None:
    staff = user("staff", tree.group)
    fr_local = proposal(process(tree.lille), user())
    with pytest.raises(RollupRefused, match="not below"):
        services.orientation_roll_up(
            actor=staff, process=process(tree.be), title="T", body="B", proposals=[fr_local]
        )
    be_level = proposal(process(tree.be), user())
    with pytest.raises(RollupRefused, match="not below"):
        services.orientation_roll_up(
            actor=staff, process=process(tree.be), title="T", body="B", proposals=[be_level]
        )


def test_an_existing_orientation_receives_more_items_once_each(tree: Tree) -> None:
    staff = user("staff", tree.be)
    relay = user("relay", tree.liege)
    bxl = proposal(process(tree.brussels), user())
    parent = services.orientation_roll_up(
        actor=staff, process=process(tree.be), title="T", body="B", proposals=[bxl]
    )
    lge_meeting = meeting(process(tree.liege), tree.liege, relay)
    said = contribution(lge_meeting, relay, "La salle propose la même chose.")
    services.orientation_roll_up(actor=relay, into=parent, contributions=[said])
    assert RollupSource.objects.filter(parent=parent).count() == 2
    with pytest.raises(RollupRefused, match="already part"):
        services.orientation_roll_up(actor=staff, into=parent, proposals=[bxl])


def test_bad_roll_up_input_is_refused_with_a_reason(tree: Tree) -> None:
    staff = user("staff", tree.be)
    bxl = proposal(process(tree.brussels), user())
    target = process(tree.be)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"process": target, "title": "T", "body": "B"}, "at least one"),
        ({"process": target, "title": "", "body": "B", "proposals": [bxl]}, "title and a text"),
        ({"process": target, "title": "T", "body": "B", "language": "de", "proposals": [bxl]}, "French"),
        ({"title": "T", "body": "B", "proposals": [bxl]}, "either"),
    ]
    for kwargs, message in cases:
        with pytest.raises(RollupRefused, match=message):
            services.orientation_roll_up(actor=staff, **kwargs)
    Proposal.objects.filter(pk=bxl.pk).update(status=Proposal.Status.WITHDRAWN)
    with pytest.raises(RollupRefused, match="withdrawn"):
        services.orientation_roll_up(actor=staff, process=target, title="T", body="B", proposals=[bxl])
    assert not Proposal.objects.filter(process=target).exists()
