"""The permission table of process audiences (ADR 0020): audience × standing × act, and reading.

The expected answers come from the brief (admitted members by default; the unit's stakeholders in the
register; any signed-in account; the unit's officers whatever the audience; reading open to every
account), never from the code under test. The process lives in the Bruxelles antenna of BE.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from coopgov.accounts.models import User
from coopgov.participation import services
from coopgov.participation.models import Proposal
from tests.organisation.world import build_world
from tests.participation.conftest import PHASES
from tests.participation.test_audience import ACTS, AUDIENCES, MAY_TAKE_PART, STANDINGS, people


@pytest.fixture(scope="module")
def table(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """One organisation, one account per standing, one Bruxelles process per audience (read only)."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        users = people(world)
        author = User.objects.create_user(email="author@example.org")
        targets: dict[str, Any] = {}
        for name in AUDIENCES:
            process = services.process_create(
                unit=world.brussels,
                title=f"P {name}",
                language="fr",
                phases=PHASES,
                current=1,
                audience=name,
                actor="t",
            )
            proposal = Proposal.objects.create(process=process, author=author, title="x", body="y")
            targets[name] = {"process": process, "proposal": proposal}
        yield users, targets
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("act", sorted(ACTS))
@pytest.mark.parametrize("standing", STANDINGS)
@pytest.mark.parametrize("audience_name", AUDIENCES)
def test_the_audience_decides_who_proposes_supports_and_comments(
    table: tuple[dict[str, Any], dict[str, Any]], audience_name: str, standing: str, act: str
) -> None:
    users, targets = table
    target = targets[audience_name][ACTS[act]]
    assert users[standing].has_perm(act, target) is (standing in MAY_TAKE_PART[audience_name])


@pytest.mark.django_db
@pytest.mark.parametrize("standing", STANDINGS)
@pytest.mark.parametrize("audience_name", AUDIENCES)
def test_reading_stays_open_to_every_account_whatever_the_audience(
    table: tuple[dict[str, Any], dict[str, Any]], audience_name: str, standing: str
) -> None:
    users, targets = table
    process = targets[audience_name]["process"]
    assert users[standing].has_perm("participation.view_process", process) is (standing != "anonymous")
