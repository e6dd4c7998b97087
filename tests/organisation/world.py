"""A small organisation for permission and API tests: the group, BE with two antennas, FR with one.

Built through the services where they exist (candidacies, admissions, share movements), so the register
and its audit log look as they would after real use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from coopgov.accounts.mfa import is_officer
from coopgov.accounts.models import User
from coopgov.accounts.services import api_token_create
from coopgov.domain.governance.shares import MovementKind
from coopgov.members import services
from coopgov.members.demo import DEMO_TOTP_SECRET
from coopgov.members.models import Category, Membership, Person, PolicyRule, Service, ShareClass
from coopgov.organisation.models import CooperativeProfile, Unit
from coopgov.organisation.services import role_grant


@dataclass
class World:
    group: Unit
    be: Unit
    fr: Unit
    brussels: Unit
    antwerp: Unit
    paris: Unit
    candidate: Membership  # BE, home antenna Bruxelles, waiting for admission
    admitted: Membership  # BE, home antenna Bruxelles, 2 shares paid in
    member_user: User  # an ordinary admitted member of BE, holding no role

    def unit(self, name: str) -> Unit:
        return {
            "group": self.group,
            "cooperative BE": self.be,
            "antenna Bruxelles": self.brussels,
            "other cooperative FR": self.fr,
            "other antenna": self.antwerp,
        }[name]


def _person(email: str, last: str, antenna: Unit) -> Person:
    return Person.objects.create(
        kind="natural",
        first_name="Test",
        last_name=last,
        email=email,
        home_antenna=antenna,
        profiles=["entrepreneur"],
    )


def build_world() -> World:
    group = Unit.objects.create(kind=Unit.Kind.GROUP, code="SMART", name="Smart")
    be = Unit.objects.create(kind=Unit.Kind.COOPERATIVE, code="BE", name="Smart Belgique", parent=group)
    fr = Unit.objects.create(kind=Unit.Kind.COOPERATIVE, code="FR", name="Smart France", parent=group)
    CooperativeProfile.objects.create(
        unit=be, country="BE", legal_form=CooperativeProfile.LegalForm.BE_SC, resignation_window_months=6
    )
    CooperativeProfile.objects.create(
        unit=fr, country="FR", legal_form=CooperativeProfile.LegalForm.FR_SCIC_SA, capital_floor_ratio="1/4"
    )
    brussels = Unit.objects.create(kind=Unit.Kind.ANTENNA, code="BE-BRUXELLES", name="Bruxelles", parent=be)
    antwerp = Unit.objects.create(kind=Unit.Kind.ANTENNA, code="BE-ANTWERPEN", name="Antwerpen", parent=be)
    paris = Unit.objects.create(kind=Unit.Kind.ANTENNA, code="FR-PARIS", name="Paris", parent=fr)
    category = Category.objects.create(cooperative=be, code="A", name="Utilisateurs")
    Category.objects.create(cooperative=fr, code="1", name="Coordinateurs")
    share_class = ShareClass.objects.create(
        cooperative=be, code="A", name="Part", nominal_eur=Decimal(30), is_default=True
    )
    ShareClass.objects.create(cooperative=fr, code="P", name="Part", nominal_eur=Decimal(30), is_default=True)
    invoicing = Service.objects.create(
        cooperative=be, code="invoice_client", name="Facturer un client", names={"en": "Invoice a client"}
    )
    rule = PolicyRule.objects.create(
        cooperative=be, profile="entrepreneur", requirement="mandatory", min_shares=1
    )
    rule.services.set([invoicing])

    def apply(email: str, last: str) -> Membership:
        return services.membership_apply(
            person=_person(email, last, brussels),
            cooperative=be,
            category=category,
            applied_on=date(2024, 1, 10),
            actor="fixture",
        )

    candidate = apply("candidate@members.example.org", "Candidate")
    admitted = services.membership_admit(
        membership=apply("admitted@members.example.org", "Admitted"), on=date(2024, 2, 1), actor="fixture"
    )
    for kind, quantity, amount in ((MovementKind.SUBSCRIPTION, 2, 0), (MovementKind.PAYMENT, 0, 60)):
        services.share_movement_record(
            membership=admitted,
            kind=kind,
            share_class=share_class,
            on=date(2024, 2, 1),
            actor="fixture",
            quantity=quantity,
            amount_eur=Decimal(amount),
        )
    own = services.membership_admit(
        membership=apply("member@members.example.org", "Member"), on=date(2024, 2, 1), actor="fixture"
    )
    member_user = User.objects.create_user(email="member@members.example.org", person=own.person)
    return World(group, be, fr, brussels, antwerp, paris, candidate, admitted, member_user)


def user_with_role(world: World, role: str, where: str) -> User:
    """An account holding ``role`` in the unit named ``where`` ("none": no role; "member": a plain member)."""
    if role == "member":
        return world.member_user
    user = User.objects.create_user(email=f"{role}.{where.replace(' ', '-').lower()}@example.org")
    if role != "none":
        role_grant(user=user, unit=world.unit(where), role=role, actor="fixture")
    return user


def with_second_factor(user: Any) -> Any:
    """``user``, given a TOTP authenticator if they are staff or board: an officer's token needs one."""
    if (
        is_officer(user)
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    ):
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def bearer(user: Any) -> dict[str, str]:
    """Headers authenticating ``user`` with a fresh personal token (Django test client form).

    Officers are given a second factor first, as a real officer's token requires (ADR 0014).
    """
    token = api_token_create(user=with_second_factor(user), name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
