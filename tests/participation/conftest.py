"""Fixtures of the participation tests: the small organisation of tests/organisation and a process."""

from __future__ import annotations

from typing import Any

import pytest

from coopgov.participation import services
from coopgov.participation.models import Process
from tests.organisation.world import World, build_world

PHASES = [
    services.PhasePlan(kind)
    for kind in ("information", "contribution", "deliberation", "decision", "follow_up")
]


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


def open_process(world: World, unit_name: str = "antenna Bruxelles", phase: str = "contribution") -> Process:
    """A process of the unit with the five phases, ``phase`` in force."""
    kinds = [p.kind for p in PHASES]
    return services.process_create(
        unit=world.unit(unit_name),
        title=f"Bilan {unit_name}",
        language="fr",
        phases=PHASES,
        current=kinds.index(phase),
        actor="fixture",
    )


@pytest.fixture
def process(world: World) -> Process:
    return open_process(world)
