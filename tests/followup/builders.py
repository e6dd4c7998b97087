"""Builders for follow-up tests: a Smart in Progress cycle of the group with two themes, a local group in
Bruxelles, and recommendations addressed to the BE board, on top of the organisation test world."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from allauth.mfa.totp.internal.auth import TOTP

from coopgov.accounts.models import User
from coopgov.followup import services
from coopgov.followup.models import Cycle, LocalGroup, Recommendation, Theme
from coopgov.members.demo import DEMO_TOTP_SECRET
from coopgov.organisation.models import Body
from coopgov.organisation.services import role_grant
from tests.organisation.world import World

ACTOR = "fixture"


@dataclass
class Sip:
    cycle: Cycle
    economy: Theme
    governance: Theme
    group: LocalGroup
    board_be: Body
    ag_be: Body
    board_fr: Body


def build_cycle(world: World) -> Sip:
    board_be = Body.objects.create(unit=world.be, kind=Body.Kind.BOARD, name="Conseil d'administration BE")
    ag_be = Body.objects.create(unit=world.be, kind=Body.Kind.GENERAL_ASSEMBLY, name="Assemblée générale BE")
    board_fr = Body.objects.create(unit=world.fr, kind=Body.Kind.BOARD, name="Conseil d'administration FR")
    cycle = services.cycle_create(
        unit=world.group,
        slug="sip-2025",
        title="Smart in Progress 2025-2026",
        titles={"en": "Smart in Progress 2025–2026"},
        starts_on=date(2025, 9, 1),
        actor=ACTOR,
    )
    economy = services.theme_add(
        cycle=cycle,
        code="economy",
        title="Modèle économique mutualiste",
        titles={"en": "Mutualist model"},
        actor=ACTOR,
    )
    governance = services.theme_add(
        cycle=cycle,
        code="governance",
        title="Gouvernance partagée",
        titles={"en": "Shared governance"},
        actor=ACTOR,
    )
    group = services.local_group_create(
        cycle=cycle, unit=world.brussels, name="Groupe Bruxelles", theme=economy, actor=ACTOR
    )
    return Sip(cycle, economy, governance, group, board_be, ag_be, board_fr)


def recommend(
    sip: Sip, title: str, *, theme: Theme | None = None, body: Body | None = None
) -> Recommendation:
    return services.recommendation_submit(
        cycle=sip.cycle,
        theme=theme or sip.economy,
        addressed_to=body or sip.board_be,
        title=title,
        text=f"Texte de la recommandation « {title} ».",
        submitted_on=date(2026, 1, 15),
        group=sip.group,
        actor=ACTOR,
    )


def officer(world: World, role: str, unit_name: str) -> User:
    """An account with ``role`` in the named unit and a TOTP authenticator (officers need one for pages)."""
    email = f"{role}.{unit_name.replace(' ', '-').lower()}@example.org"
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        return existing
    user = User.objects.create_user(email=email)
    role_grant(user=user, unit=world.unit(unit_name), role=role, actor=ACTOR)
    TOTP.activate(user, DEMO_TOTP_SECRET)
    return user
