"""Shared test set-up: where the real public data lives, and which tests need a database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# No clock in tests: Hypothesis's per-example deadline and its "too slow" health check would fail a test
# because the machine is busy, not because the code is wrong (speed lives in benchmarks/).
UNTIMED = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
hypothesis_settings.register_profile("untimed", **UNTIMED)  # type: ignore[arg-type]
# CI runs Hypothesis derandomized: the same examples on every run, so a green main stays green; local runs
# keep exploring new examples (and replay any failure they found from .hypothesis/).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True, **UNTIMED)  # type: ignore[arg-type]
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "untimed")

ROOT = Path(__file__).resolve().parent.parent
# The real data sits beside the project (../shared/data); it is never copied into the repository.
SHARED_DATA = Path(os.environ.get("COOPGOV_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real public data; tests that need it skip when it is absent (a bare clone)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not found at {SHARED_DATA} (set COOPGOV_SHARED_DATA)")
    return SHARED_DATA


# Tests of the pure engines and their command lines never touch a database: the SQLite pass runs them,
# the PostgreSQL pass (DATABASE_URL=postgres…) skips them to keep CI short. COOPGOV_ALL_TESTS=1 runs all.
PURE_DIRS = (ROOT / "tests" / "domain", ROOT / "tests" / "tools")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url or url.startswith("sqlite") or os.environ.get("COOPGOV_ALL_TESTS") == "1":
        return
    keep, drop = [], []
    for item in items:
        path = Path(str(item.path))
        (drop if any(path.is_relative_to(d) for d in PURE_DIRS) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploaded files of a test never land in the checkout's var/media."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _no_language_carried_into_the_next_test() -> Iterator[None]:
    """A test that activates a language does not leave it to the next one (data would be made in it)."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _admission_invites_only_where_a_test_asks(settings: Any) -> None:
    """Admission invites the new member (COOPGOV_INVITE_ON_ADMISSION, on in production): most tests build
    members through admission and give them accounts of their own, so it is off unless a test turns it on
    (tests/accounts/test_invitations.py does)."""
    settings.COOPGOV_INVITE_ON_ADMISSION = False
