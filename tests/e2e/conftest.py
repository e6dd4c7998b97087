"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

The data is small and built through the services (as staff would): the demo's organisation, one staff
officer with a TOTP authenticator, one member of both cooperatives, and two candidates.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import PASSWORD, TOTP_SECRET

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session; the tests skip when Debian's Chromium is absent."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API keeps an event loop running in this thread; the test's own ORM calls (building
    # data, reading the result) are plain synchronous code, so Django's async guard must stand aside.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            yield chromium
            chromium.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    """A factory of pages, each in its own context (own cookies), closed after the test."""
    contexts = []

    def make(locale: str = "en-GB", width: int = 1280, height: int = 900) -> Any:
        context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@dataclass
class World:
    """What the browser tests act on."""

    units: dict[str, Any]
    staff: Any
    member: Any
    candidate_to_admit: Any
    candidate_to_refuse: Any


def _person(first: str, last: str, email: str, antenna: Any, profiles: list[str], language: str) -> Any:
    from coopgov.members.models import Person

    return Person.objects.create(
        kind="natural",
        first_name=first,
        last_name=last,
        email=email,
        language=language,
        home_antenna=antenna,
        profiles=profiles,
    )


def _user(email: str, person: Any, language: str) -> Any:
    from coopgov.accounts.models import User

    return User.objects.create_user(email=email, password=PASSWORD, person=person, language=language)


def _admitted_with_shares(person: Any, coop: Any, category: str, shares: int, admitted: date) -> Any:
    from coopgov.domain.governance.shares import MovementKind
    from coopgov.members import services
    from coopgov.members.models import Category, ShareClass

    membership = services.membership_apply(
        person=person,
        cooperative=coop,
        category=Category.objects.get(cooperative=coop, code=category),
        applied_on=admitted - timedelta(days=10),
        actor="e2e",
    )
    services.membership_admit(membership=membership, on=admitted, actor="e2e", deciding_body="CA")
    share_class = ShareClass.objects.get(cooperative=coop, is_default=True)
    services.share_movement_record(
        membership=membership,
        kind=MovementKind.SUBSCRIPTION,
        share_class=share_class,
        on=admitted,
        actor="e2e",
        quantity=shares,
    )
    services.share_movement_record(
        membership=membership,
        kind=MovementKind.PAYMENT,
        share_class=share_class,
        on=admitted,
        actor="e2e",
        amount_eur=Decimal(30) * shares,
    )
    return membership


@pytest.fixture
def world(transactional_db: None, settings: Any) -> World:
    """The demo's organisation plus a handful of people, all written through the services."""
    # The production hasher spends about a second per password on a busy machine; these tests sign in
    # a dozen times and are not about password strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from allauth.mfa.totp.internal.auth import TOTP

    from coopgov.members import services
    from coopgov.members.demo import setup_organisation
    from coopgov.members.models import Category
    from coopgov.organisation.models import Unit
    from coopgov.organisation.services import role_grant

    units = setup_organisation()
    be, fr = units["BE"], units["FR"]
    brussels = Unit.objects.get(code="BE-BRUXELLES")
    today = date.today()

    staff_person = _person("Sophie", "Martin", "staff@example.org", brussels, ["staff"], "fr")
    staff = _user("staff@example.org", staff_person, "fr")
    role_grant(user=staff, unit=units["SMART"], role="staff", actor="e2e")
    TOTP.activate(staff, TOTP_SECRET)

    marie = _person("Marie", "Lambert", "member@example.org", brussels, ["entrepreneur"], "fr")
    member = _user("member@example.org", marie, "fr")
    # Belgium asks one share per year of use (three years: three shares): complies.
    _admitted_with_shares(marie, be, "A", 3, date(today.year - 2, 3, 1))
    # France asks three shares of a worker-entrepreneur: one is not enough yet.
    _admitted_with_shares(marie, fr, "1", 1, date(today.year - 1, 9, 1))

    candidates = []
    for first, last, email in (
        ("Lotte", "Janssens", "lotte@example.org"),
        ("Hugo", "Dupont", "hugo@example.org"),
    ):
        person = _person(first, last, email, brussels, ["entrepreneur"], "fr")
        _user(email, person, "fr")
        candidates.append(
            services.membership_apply(
                person=person,
                cooperative=be,
                category=Category.objects.get(cooperative=be, code="A"),
                applied_on=today - timedelta(days=3),
                actor="e2e",
            )
        )
    return World(units, staff, member, candidates[0], candidates[1])
