"""Fixtures for the budgeting tests: the Pabulib folder of the shared real data."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def pabulib(shared_data: Path) -> Path:
    """The 84 real Pabulib instances (skips when the shared data is absent)."""
    return shared_data / "pabulib"
