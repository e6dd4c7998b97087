"""Shared test set-up: where the real public data lives, and which tests need a database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The real data sits beside the project (../shared/data); it is never copied into the repository.
SHARED_DATA = Path(os.environ.get("COOPGOV_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real public data; tests that need it skip when it is absent (a bare clone)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not found at {SHARED_DATA} (set COOPGOV_SHARED_DATA)")
    return SHARED_DATA
