"""Fixtures of roll-up tests: the small tree and the accounts that act in it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.meetings.builders import Tree, build_tree


@pytest.fixture
def tree(db: Any) -> Tree:
    return build_tree()


@pytest.fixture(autouse=True)
def english() -> Any:
    """Messages are asserted in English (the services answer in the active language)."""
    from django.utils import translation

    with translation.override("en"):
        yield
