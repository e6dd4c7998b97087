"""Who may run a meeting of the Bruxelles antenna, over role × where the role is held.

Expected answers come from the brief (the antenna's relays, and staff of the antenna or above, run its
bilans participatifs; anyone present contributes), not from the code under test.
"""

from __future__ import annotations

from typing import Any

import pytest
import rules

from coopgov.meetings import services
from tests.meetings.builders import Tree, meeting, process, user

ROLES = ("none", "relay", "moderator", "staff", "board")
PLACES = ("group", "cooperative BE", "antenna Bruxelles", "other cooperative FR", "other antenna Liège")
RUN = {"relay", "staff"}
WHO_MAY = {
    "meetings.manage_meeting": RUN,
    "meetings.record_attendance": RUN,
    "meetings.enter_on_behalf": RUN,
    "meetings.publish_minutes": RUN,
    "meetings.view_registrations": RUN,
    "meetings.contribute": RUN,
}
REACHES = {"group", "cooperative BE", "antenna Bruxelles"}


def place_unit(tree: Tree, place: str) -> Any:
    return {
        "group": tree.group,
        "cooperative BE": tree.be,
        "antenna Bruxelles": tree.brussels,
        "other cooperative FR": tree.fr,
        "other antenna Liège": tree.liege,
    }[place]


def test_the_table_covers_every_meeting_permission() -> None:
    assert {p for p in rules.permissions.permissions if p.startswith("meetings.")} == set(WHO_MAY)


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", ROLES)
def test_a_role_grants_exactly_the_meeting_permissions_of_the_table(
    tree: Tree, role: str, place: str
) -> None:
    m = meeting(process(tree.be), tree.brussels, user("relay", tree.brussels))
    account = user("" if role == "none" else role, place_unit(tree, place))
    for perm, roles in WHO_MAY.items():
        expected = role in roles and place in REACHES
        assert account.has_perm(perm, m) is expected, (perm, role, place)


def test_someone_recorded_present_may_contribute_and_no_one_else(tree: Tree) -> None:
    relay = user("relay", tree.brussels)
    m = meeting(process(tree.be), tree.brussels, relay)
    member, other = user(), user()
    reg = services.registration_create(
        meeting=m, user=member, name="Awa", email=member.email, language="fr", actor=member
    )
    assert not member.has_perm("meetings.contribute", m)
    services.attendance_record(meeting=m, registration=reg, actor=relay)
    member = type(member).objects.get(pk=member.pk)
    assert member.has_perm("meetings.contribute", m)
    assert not other.has_perm("meetings.contribute", m)
    assert not member.has_perm("meetings.enter_on_behalf", m)


def test_a_relay_of_another_antenna_cannot_schedule_a_meeting_here(tree: Tree) -> None:
    with pytest.raises(services.MeetingRefused):
        meeting(process(tree.be), tree.brussels, user("relay", tree.liege))
