"""Every participation permission over role × where the role is held × the phase in force.

The expected answers come from the tables below, written from the house rules (who takes part in a
unit, how far down a role reaches, what each kind of phase switches on), never from the code under test.
The process lives in the Bruxelles antenna of BE; its proposal is by an author outside the table.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import rules
from django.db import transaction

from coopgov.accounts.models import User
from coopgov.participation import services
from coopgov.participation.models import Proposal
from tests.organisation.world import build_world, user_with_role
from tests.participation.conftest import PHASES

ROLES = ("none", "member", "relay", "moderator", "staff", "board")
PLACES = ("group", "cooperative BE", "antenna Bruxelles", "other cooperative FR", "other antenna")
PHASE_KINDS = ("information", "contribution", "deliberation", "decision", "follow_up")

# What each kind of phase lets members do (adhocracy4: the phase switches features on and off).
PHASE_ALLOWS = {
    "information": set(),
    "contribution": {"proposing", "supporting", "commenting"},
    "deliberation": {"supporting", "commenting", "amending"},
    "decision": {"commenting"},
    "follow_up": {"commenting"},
}
# Places from which a role reaches the Bruxelles antenna (roles are inherited downward).
REACHES_BRUXELLES = {"group", "cooperative BE", "antenna Bruxelles"}
TAKES_PART = {"member", "relay", "moderator", "staff", "board"}  # with the reach above; "member" lives there

# permission → (who, on what, the feature the phase must allow or None)
WHO_MAY: dict[str, tuple[set[str], str, str | None]] = {
    "participation.view_process": ({"none", *TAKES_PART}, "process", None),
    "participation.follow": ({"none", *TAKES_PART}, "proposal", None),
    "participation.propose": (TAKES_PART, "process", "proposing"),
    "participation.support": (TAKES_PART, "proposal", "supporting"),
    "participation.comment": (TAKES_PART, "proposal", "commenting"),
    "participation.amend": (TAKES_PART, "proposal", "amending"),
    "participation.report": (TAKES_PART, "proposal", None),
    "participation.moderate": ({"moderator", "staff"}, "proposal", None),
    "participation.manage_process": ({"staff"}, "process", None),
    "participation.enter_for_member": ({"relay", "staff"}, "process", "proposing"),
    "participation.translate": ({"relay", "moderator", "staff"}, "proposal", None),
    "participation.decide_amendment": ({"staff"}, "proposal", None),
    "participation.attach": ({"staff"}, "proposal", None),
    "participation.edit_proposal": (set(), "proposal", None),  # only the author (tested apart)
}
NEEDS_NO_REACH = {"participation.view_process", "participation.follow"}


def expected(perm: str, role: str, place: str, phase: str) -> bool:
    who, _on, feature = WHO_MAY[perm]
    if role not in who:
        return False
    reaches = perm in NEEDS_NO_REACH or role == "member" or place in REACHES_BRUXELLES
    return reaches and (feature is None or feature in PHASE_ALLOWS[phase])


@pytest.fixture(scope="module")
def table(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[dict[Any, User], dict[str, Any]]]:
    """One organisation, one account per role × place, one process per kind of phase (read only)."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        users = {(role, place): user_with_role(world, role, place) for role in ROLES for place in PLACES}
        author = User.objects.create_user(email="author@example.org")
        targets: dict[str, Any] = {}
        for index, kind in enumerate(PHASE_KINDS):
            process = services.process_create(
                unit=world.brussels, title=f"P {kind}", language="fr", phases=PHASES, current=1, actor="t"
            )
            proposal = Proposal.objects.create(process=process, author=author, title="x", body="y")
            services.process_phase_switch(
                process=process, phase=process.phases.get(position=index + 1), actor="t"
            )
            process.refresh_from_db()
            proposal.process = process
            targets[kind] = {"process": process, "proposal": proposal}
        yield users, targets
        transaction.set_rollback(True)


def test_the_table_covers_every_participation_permission() -> None:
    ours = {name for name in rules.permissions.permissions if name.startswith("participation.")}
    assert ours == set(WHO_MAY)


@pytest.mark.django_db
@pytest.mark.parametrize("phase", PHASE_KINDS)
@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("perm", sorted(WHO_MAY))
def test_a_role_in_a_phase_grants_exactly_the_permissions_of_the_table(
    table: tuple[dict[Any, User], dict[str, Any]], perm: str, role: str, place: str, phase: str
) -> None:
    users, targets = table
    target = targets[phase][WHO_MAY[perm][1]]
    assert users[role, place].has_perm(perm, target) is expected(perm, role, place, phase)
