"""Fixtures of the register tests: the demo's organisation and a staff officer with MFA set up."""

from __future__ import annotations

from typing import Any

import pytest

from coopgov.accounts.models import User
from coopgov.members.demo import setup_organisation
from coopgov.organisation.services import role_grant
from tests.members.builders import ACTOR, Org


@pytest.fixture
def org(db: Any) -> Org:
    units = setup_organisation()
    return Org(group=units["SMART"], be=units["BE"], fr=units["FR"])


@pytest.fixture
def staff_user(org: Org) -> User:
    """A staff officer of the whole group, with the TOTP second factor the platform requires of officers."""
    from allauth.mfa.totp.internal.auth import TOTP

    from coopgov.members.demo import DEMO_TOTP_SECRET

    user = User.objects.create_user(email="officer@test.example.org", password="a-long-test-password-2026")
    role_grant(user=user, unit=org.group, role="staff", actor=ACTOR)
    TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


@pytest.fixture
def staff_client(client: Any, staff_user: User) -> Any:
    client.force_login(staff_user)
    return client
