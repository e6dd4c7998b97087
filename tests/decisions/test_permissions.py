"""Who may do what with an assembly, over role × where the role is held (organisation/rules.py).

The expected answers come from the table below, written from the brief (staff of the cooperative
convene and run the assembly, the relay of a site's antenna records room votes, a member of the
electorate casts), never from the code under test.
"""

from __future__ import annotations

import pytest

from coopgov.decisions.models import AssemblySite
from tests.decisions.builders import assembly, convene, motion
from tests.organisation.world import World, build_world, user_with_role

ROLES = ("none", "member", "relay", "moderator", "staff", "board")
PLACES = ("group", "cooperative BE", "antenna Bruxelles", "other cooperative FR", "other antenna")

# permission: (who may, on what). The assembly is BE's general assembly; its site is the Bruxelles antenna.
WHO_MAY = {
    "decisions.manage_assembly": ({"staff"}, "assembly"),
    "decisions.view_electorate": ({"staff", "board"}, "assembly"),
    "decisions.enter_for_member": ({"staff"}, "assembly"),
    "decisions.record_room_votes": ({"relay"}, "site"),
    "decisions.view_assembly": ({"staff", "board", "relay", "member"}, "assembly"),
    "decisions.cast_ballot": ({"member"}, "assembly"),
}
# How far down a role reaches (a plain member's rights do not depend on a place).
REACHES = {
    "group": {"assembly", "site"},
    "cooperative BE": {"assembly", "site"},
    "antenna Bruxelles": {"site"},
    "other cooperative FR": set(),
    "other antenna": set(),
}
# A relay of the antenna where the assembly has a site opens the assembly's page (its room is part of it).
ALSO = {("decisions.view_assembly", "relay", "antenna Bruxelles")}


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def _targets(world: World) -> dict[str, object]:
    a = assembly(world.be)
    motion(a)
    convene(a)
    site = AssemblySite.objects.create(assembly=a, antenna=world.brussels)
    return {"assembly": a, "site": site}


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", ROLES)
def test_a_role_grants_exactly_the_assembly_permissions_of_the_table(world, role, place):
    targets = _targets(world)
    user = user_with_role(world, role, place)
    allowed = {perm: user.has_perm(perm, targets[on]) for perm, (_who, on) in WHO_MAY.items()}
    wanted = {
        perm: (role in who and (role == "member" or on in REACHES[place])) or (perm, role, place) in ALSO
        for perm, (who, on) in WHO_MAY.items()
    }
    assert allowed == wanted


def test_the_relay_named_on_a_site_records_its_room_votes_without_a_role(world):
    targets = _targets(world)
    site = targets["site"]
    relay = user_with_role(world, "none", "group")
    assert not relay.has_perm("decisions.record_room_votes", site)
    site.relay = relay
    site.save()
    assert relay.has_perm("decisions.record_room_votes", site)


def test_a_relay_of_another_antenna_cannot_record_this_sites_votes(world):
    site = _targets(world)["site"]
    other = user_with_role(world, "relay", "other antenna")
    assert not other.has_perm("decisions.record_room_votes", site)


def test_a_member_outside_the_electorate_cannot_cast(world):
    from coopgov.accounts.models import User

    targets = _targets(world)
    waiting = User.objects.create_user(email="waiting@example.org", person=world.candidate.person)
    assert waiting.has_perm("decisions.view_assembly", targets["assembly"])
    assert not waiting.has_perm("decisions.cast_ballot", targets["assembly"])
