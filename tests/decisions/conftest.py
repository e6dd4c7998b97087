"""Fixtures of the assembly tests: the demo's organisation (BE with categories, FR with four collèges)."""

from __future__ import annotations

from typing import Any

import pytest

from coopgov.members.demo import setup_organisation
from tests.members.builders import Org


@pytest.fixture
def org(db: Any) -> Org:
    units = setup_organisation()
    return Org(group=units["SMART"], be=units["BE"], fr=units["FR"])
