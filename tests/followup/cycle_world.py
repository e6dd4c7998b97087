"""Builders for running a cycle (ADR 0021): a cycle of Smart Belgium with a theme, a local group in
Bruxelles and a draft recommendation to the BE board; a member of France (elsewhere) and staff accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coopgov.accounts.models import User
from coopgov.followup import services
from coopgov.followup.models import Cycle, LocalGroup, Recommendation, Theme
from coopgov.members import services as members
from coopgov.members.models import Category, Person
from coopgov.organisation.models import Body
from tests.followup.builders import officer
from tests.organisation.world import World


@dataclass
class BeCycle:
    cycle: Cycle
    theme: Theme
    group: LocalGroup
    board: Body
    staff: User  # staff of Smart Belgium, with a second factor


def build_be_cycle(world: World) -> BeCycle:
    board = Body.objects.create(unit=world.be, kind=Body.Kind.BOARD, name="Conseil d'administration BE")
    staff = officer(world, "staff", "cooperative BE")
    cycle = services.cycle_create(
        unit=world.be, slug="sip-be", title="SiP Belgique 2027", starts_on=date(2026, 9, 1), actor=staff
    )
    theme = services.theme_add(cycle=cycle, code="economy", title="Modèle économique", actor=staff)
    group = services.local_group_create(
        cycle=cycle, unit=world.brussels, name="Groupe Bruxelles", theme=theme, actor=staff
    )
    return BeCycle(cycle, theme, group, board, staff)


def draft(be: BeCycle, title: str = "Une caisse commune") -> Recommendation:
    return services.recommendation_draft(
        cycle=be.cycle,
        theme=be.theme,
        group=be.group,
        addressed_to=be.board,
        title=title,
        text=f"Texte du projet « {title} ».",
        actor=be.staff,
    )


def opened(be: BeCycle, title: str = "Une caisse commune") -> Recommendation:
    return services.recommendation_open_for_comment(recommendation=draft(be, title), actor=be.staff)


def french_member(world: World) -> User:
    """An admitted member of Smart France only (home antenna Paris): a member elsewhere for a BE cycle."""
    person = Person.objects.create(
        kind="natural",
        first_name="Claire",
        last_name="Dubois",
        email="claire@example.org",
        home_antenna=world.paris,
    )
    membership = members.membership_apply(
        person=person,
        cooperative=world.fr,
        category=Category.objects.get(cooperative=world.fr, code="1"),
        applied_on=date(2024, 1, 10),
        actor="fixture",
    )
    members.membership_admit(membership=membership, on=date(2024, 2, 1), actor="fixture")
    return User.objects.create_user(email="claire@example.org", person=person)


def antwerp_member(world: World) -> User:
    """An admitted member of Smart Belgium living in Antwerpen: of the cycle's unit, not its local group."""
    category = Category.objects.get(cooperative=world.be, code="A")
    person = Person.objects.create(
        kind="natural",
        first_name="Lotte",
        last_name="Peeters",
        email="lotte@example.org",
        home_antenna=world.antwerp,
    )
    membership = members.membership_apply(
        person=person, cooperative=world.be, category=category, applied_on=date(2024, 1, 10), actor="fixture"
    )
    members.membership_admit(membership=membership, on=date(2024, 2, 1), actor="fixture")
    return User.objects.create_user(email="lotte@example.org", person=person)
