"""Fixtures of the notification tests: members with accounts in several languages, and registered kinds."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.translation import gettext_lazy as _

from coopgov.accounts.models import User
from coopgov.notifications import kinds

# A kind of the tests, registered like an app would; its text is a real catalogue entry so its
# translation can be checked: the notifications app's own test notice.
kinds.register("notifications.test_param", _("Notice (%(kind)s)"))


@pytest.fixture
def anne(db: Any) -> User:
    return User.objects.create_user(email="anne@example.org", password="pw-anne-2026-long", language="fr")


@pytest.fixture
def bram(db: Any) -> User:
    return User.objects.create_user(email="bram@example.org", password="pw-bram-2026-long", language="nl")


@pytest.fixture
def chris(db: Any) -> User:
    return User.objects.create_user(email="chris@example.org", password="pw-chris-2026-long", language="en")
