"""Shared sortition test data: the two real instances in ../shared/data/sortition, read once."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopgov.domain.formats.sortition_csv import SortitionInput, read_sortition_files
from coopgov.domain.sortition import PanelDraw, select_panel


@pytest.fixture(scope="session")
def flanigan_dir(shared_data: Path) -> Path:
    return shared_data / "sortition" / "flanigan2021" / "example_small_20"


@pytest.fixture(scope="session")
def flanigan(flanigan_dir: Path) -> SortitionInput:
    return read_sortition_files(flanigan_dir / "respondents.csv", flanigan_dir / "categories.csv")


@pytest.fixture(scope="session")
def fixture_dir(shared_data: Path) -> Path:
    return shared_data / "sortition" / "sortition-algorithms-fixture"


@pytest.fixture(scope="session")
def fixture_pool(fixture_dir: Path) -> SortitionInput:
    return read_sortition_files(fixture_dir / "candidates.csv", fixture_dir / "features.csv")


@pytest.fixture(scope="session")
def fixture_leximin(fixture_pool: SortitionInput) -> PanelDraw:
    """LEXIMIN on the sortition-algorithms fixture (150 people, panel of 22), computed once per session."""
    return select_panel(fixture_pool.pool, fixture_pool.quotas, 22, seed=2021, algorithm="leximin")
