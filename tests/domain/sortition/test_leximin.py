"""LEXIMIN against the published reference output and against sortition-algorithms' MAXIMIN."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from coopgov.domain.formats.sortition_csv import SortitionInput
from coopgov.domain.sortition import PanelDraw, Person, Quota, select_panel


def _reference(flanigan_dir: Path, algorithm: str) -> list[float]:
    with (flanigan_dir / "example_small_20_prob_allocs_data.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["algorithm"] == algorithm]
    return sorted(float(r["selection probability"]) for r in rows)


def _meets_quotas(panel: tuple[str, ...], data: SortitionInput) -> bool:
    by_id = {p.id: p for p in data.pool}
    for q in data.quotas:
        n = sum(1 for i in panel if by_id[i].features[q.feature] == q.value)
        if not q.minimum <= n <= q.maximum:
            return False
    return True


def test_leximin_reproduces_the_reference_output_of_flanigan_et_al(
    flanigan: SortitionInput, flanigan_dir: Path
) -> None:
    reference = _reference(flanigan_dir, "LexiMin")
    draw = select_panel(flanigan.pool, flanigan.quotas, 20, seed=1, algorithm="leximin")
    ours = sorted(draw.probabilities.values())
    assert len(ours) == len(reference) == 200
    assert max(abs(a - b) for a, b in zip(ours, reference, strict=True)) < 1e-4


def test_leximin_minimum_on_the_fixture_equals_sortition_algorithms_maximin(
    fixture_pool: SortitionInput, fixture_dir: Path, fixture_leximin: PanelDraw
) -> None:
    """LEXIMIN's smallest probability is the MAXIMIN optimum; the peer's MAXIMIN runs on HiGHS (~3 s)."""
    peer = pytest.importorskip("sortition_algorithms")
    from sortition_algorithms.adapters import SelectionData
    from sortition_algorithms.committee_generation.maximin import find_distribution_maximin

    source = peer.CSVStringDataSource(
        (fixture_dir / "features.csv").read_text(encoding="utf-8"),
        (fixture_dir / "candidates.csv").read_text(encoding="utf-8"),
    )
    data = SelectionData(source)
    features, _ = data.load_features(22)
    people, _ = data.load_people(peer.Settings(id_column="nationbuilder_id", columns_to_keep=[]), features)
    committees, probabilities, _ = find_distribution_maximin(features, people, 22, [], "highspy")
    marginal: Counter[str] = Counter()
    for committee, p in zip(committees, probabilities, strict=True):
        for person in committee:
            marginal[person] += p
    peer_min = min(marginal[person] for person in people)
    assert fixture_leximin.min_probability == pytest.approx(peer_min, abs=1e-4)
    assert fixture_leximin.min_probability == pytest.approx(1 / 11, abs=1e-6)


def test_probabilities_sum_to_the_panel_size(fixture_leximin: PanelDraw) -> None:
    assert sum(fixture_leximin.probabilities.values()) == pytest.approx(22, abs=1e-6)
    assert len(fixture_leximin.probabilities) == 150


def test_the_drawn_panel_meets_every_quota(fixture_pool: SortitionInput, fixture_leximin: PanelDraw) -> None:
    assert len(set(fixture_leximin.selected)) == 22
    assert _meets_quotas(fixture_leximin.selected, fixture_pool)


def test_the_same_seed_draws_the_same_panel(flanigan: SortitionInput) -> None:
    first = select_panel(flanigan.pool, flanigan.quotas, 20, seed=77)
    again = select_panel(flanigan.pool, flanigan.quotas, 20, seed=77)
    other = select_panel(flanigan.pool, flanigan.quotas, 20, seed=78)
    assert first.selected == again.selected
    assert first.selected != other.selected
    assert first.to_json()["seed"] == 77 and first.to_json()["algorithm"] == "leximin"


def test_the_lone_member_of_a_rare_group_gets_the_fair_share_under_leximin(flanigan: SortitionInput) -> None:
    """Flanigan et al.'s point: the only conservative woman gets k/n = 10 % under LEXIMIN (1.1 % under
    LEGACY in the reference output)."""
    draw = select_panel(flanigan.pool, flanigan.quotas, 20, seed=5)
    lone = [p.id for p in flanigan.pool if p.features == {"gender": "female", "leaning": "conservative"}]
    assert len(lone) == 1
    assert draw.probabilities[lone[0]] == pytest.approx(0.1, abs=1e-6)


def test_members_sharing_an_address_are_never_selected_together() -> None:
    pool = [Person(f"a{i}", {"g": "x"}, household="1 rue Haute") for i in range(3)] + [
        Person(f"b{i}", {"g": "x"}) for i in range(3)
    ]
    quotas = [Quota("g", "x", 0, 4)]
    for seed in range(10):
        draw = select_panel(pool, quotas, 4, seed=seed)
        assert sum(1 for i in draw.selected if i.startswith("a")) == 1
    shared = sum(draw.probabilities[f"a{i}"] for i in range(3))
    assert shared == pytest.approx(1.0, abs=1e-6)
    assert draw.min_probability == pytest.approx(1 / 3, abs=1e-6)


def test_a_member_no_panel_can_include_gets_probability_zero() -> None:
    pool = [Person("old", {"age": "old"})] + [Person(f"y{i}", {"age": "young"}) for i in range(4)]
    quotas = [Quota("age", "old", 0, 0), Quota("age", "young", 0, 2)]
    draw = select_panel(pool, quotas, 2, seed=0)
    assert draw.probabilities["old"] == 0.0
    assert draw.probabilities["y0"] == pytest.approx(0.5, abs=1e-6)
