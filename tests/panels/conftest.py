"""The panels tests' register: BE with 20 admitted members over two antennas and two collèges, FR with 4."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from coopgov.members import services as members
from coopgov.members.models import Category, Person
from coopgov.organisation.models import Unit
from tests.organisation.world import World, build_world


def _member(
    world: World, n: int, cooperative: Unit, category: Category, antenna: Unit, **extra: Any
) -> Person:
    person = Person.objects.create(
        kind="natural", first_name="P", last_name=f"Pool{n:02d}", home_antenna=antenna, **extra
    )
    membership = members.membership_apply(
        person=person, cooperative=cooperative, category=category, applied_on=date(2024, 1, 1), actor="t"
    )
    members.membership_admit(membership=membership, on=date(2024, 1, 2), actor="t")
    return person


@pytest.fixture
def world(db: None) -> World:
    """BE: the world's two admitted members in Bruxelles (collège A) and one candidate; 10 more in
    Bruxelles (6 in A, 4 in B) and 8 in Antwerpen (2 in A, 6 in B), two of them at one address. FR: 4
    members in Paris."""
    world = build_world()
    a = Category.objects.get(cooperative=world.be, code="A")
    b = Category.objects.create(cooperative=world.be, code="B", name="Donneurs d'ordre")
    fr = Category.objects.get(cooperative=world.fr, code="1")
    for n in range(10):
        _member(world, n, world.be, a if n < 6 else b, world.brussels, language="fr")
    for n in range(10, 18):
        address = "Rue Haute 5, Antwerpen" if n in (16, 17) else ""
        _member(world, n, world.be, a if n < 12 else b, world.antwerp, language="nl", address=address)
    for n in range(20, 24):
        _member(world, n, world.fr, fr, world.paris, language="fr")
    return world
