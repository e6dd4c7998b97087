"""Builders for register tests: the demo's organisation (BE and FR with their statutory settings), and
helpers that build members through the services, as real use of the register would have."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from coopgov.audit.models import AuditEntry
from coopgov.domain.governance.shares import MovementKind
from coopgov.members import services
from coopgov.members.models import Category, Membership, Person, ShareClass
from coopgov.organisation.models import Unit

ACTOR = "test-suite"


def today() -> date:
    return timezone.localdate()


def days_ago(n: int) -> date:
    return today() - timedelta(days=n)


def in_be_resignation_window() -> date:
    """A past day in the first six months of a financial year (BE statutes: January–June)."""
    return date(today().year - 1, 3, 15)


def outside_be_resignation_window() -> date:
    return date(today().year - 1, 9, 15)


@dataclass
class Org:
    group: Unit
    be: Unit
    fr: Unit

    def share_class(self, coop: Unit) -> ShareClass:
        return ShareClass.objects.get(cooperative=coop, is_default=True)

    def category(self, coop: Unit, code: str | None = None) -> Category:
        code = code or ("A" if coop.code == "BE" else "1")
        return Category.objects.get(cooperative=coop, code=code)

    def antenna(self, coop: Unit, name: str) -> Unit:
        return Unit.objects.get(parent=coop, kind=Unit.Kind.ANTENNA, name=name)


_counter = {"n": 0}


def new_person(profiles: list[str] | None = None, *, last_name: str = "Dupont", email: str = "") -> Person:
    _counter["n"] += 1
    return Person.objects.create(
        kind="natural",
        first_name="Test",
        last_name=last_name,
        email=email or f"person{_counter['n']}@test.example.org",
        profiles=profiles or ["entrepreneur"],
    )


def candidate(
    org: Org, coop: Unit, *, profiles: list[str] | None = None, applied_on: date | None = None
) -> Membership:
    return services.membership_apply(
        person=new_person(profiles),
        cooperative=coop,
        category=org.category(coop),
        applied_on=applied_on or days_ago(400),
        actor=ACTOR,
    )


def member(
    org: Org,
    coop: Unit,
    *,
    shares: int = 0,
    paid: bool = True,
    admitted_on: date | None = None,
    profiles: list[str] | None = None,
) -> Membership:
    """An admitted member holding ``shares`` default-class shares (paid in full unless ``paid`` is False)."""
    admitted_on = admitted_on or days_ago(365)
    m = candidate(org, coop, profiles=profiles, applied_on=admitted_on - timedelta(days=10))
    m = services.membership_admit(membership=m, on=admitted_on, actor=ACTOR, deciding_body="board")
    share_class = org.share_class(coop)
    if shares:
        services.share_movement_record(
            membership=m,
            kind=MovementKind.SUBSCRIPTION,
            share_class=share_class,
            on=admitted_on,
            actor=ACTOR,
            quantity=shares,
        )
        if paid:
            services.share_movement_record(
                membership=m,
                kind=MovementKind.PAYMENT,
                share_class=share_class,
                on=admitted_on,
                actor=ACTOR,
                amount_eur=share_class.nominal_eur * shares,
            )
    return m


def audit_count() -> int:
    return AuditEntry.objects.count()


ZERO = Decimal("0.00")
