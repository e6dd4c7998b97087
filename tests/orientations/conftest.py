"""Fixtures of roll-up tests: the small tree and the accounts that act in it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.meetings.builders import Tree, build_tree


@pytest.fixture
def tree(db: Any) -> Tree:
    return build_tree()
