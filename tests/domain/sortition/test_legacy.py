"""The legacy greedy: its estimated probabilities against the reference output of Flanigan et al."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from coopgov.domain.formats.sortition_csv import SortitionInput
from coopgov.domain.sortition import select_panel


def test_legacy_leaves_the_lone_conservative_woman_far_below_her_fair_share(
    flanigan: SortitionInput, flanigan_dir: Path
) -> None:
    """The reference LEGACY estimate (10,000 draws, 2021 code) gives her 1.11 %, today's
    sortition-algorithms legacy about 2 %, ours about 3 % (tie-breaking between equally constrained
    quotas differs between versions; see docs/methods/sortition-legacy.md): all far below the 10 % that
    LEXIMIN gives her. The rest of the distribution agrees with the reference within 0.03."""
    with (flanigan_dir / "example_small_20_prob_allocs_data.csv").open(encoding="utf-8") as f:
        reference = sorted(
            float(r["selection probability"]) for r in csv.DictReader(f) if r["algorithm"] == "Legacy"
        )
    draw = select_panel(flanigan.pool, flanigan.quotas, 20, seed=11, algorithm="legacy", legacy_runs=2000)
    ours = sorted(draw.probabilities.values())
    assert reference[0] == pytest.approx(0.0111)
    assert ours[0] < 0.05
    assert max(abs(a - b) for a, b in zip(ours[1:], reference[1:], strict=True)) < 0.03
    assert sum(ours) == pytest.approx(20)
    assert draw.explanation["probability_estimate_runs"] == 2000


def test_the_legacy_draw_is_reproducible_from_the_seed(flanigan: SortitionInput) -> None:
    first = select_panel(flanigan.pool, flanigan.quotas, 20, seed=4, algorithm="legacy", legacy_runs=10)
    again = select_panel(flanigan.pool, flanigan.quotas, 20, seed=4, algorithm="legacy", legacy_runs=10)
    assert first.selected == again.selected
    assert first.probabilities == again.probabilities
