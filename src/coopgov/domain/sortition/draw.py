"""Drawing a panel: compute the selection distribution, then sample one panel from it with the seed."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from coopgov.domain.sortition.instance import IntArray, TypedInstance, build_instance, check_quotas
from coopgov.domain.sortition.legacy import legacy_counts, legacy_probabilities
from coopgov.domain.sortition.leximin import PanelDistribution, leximin
from coopgov.domain.sortition.model import PanelDraw, Person, Quota, SortitionError

ALGORITHMS = ("leximin", "legacy")
DEFAULT_LEGACY_RUNS = 1000


def select_panel(
    pool: Sequence[Person],
    quotas: Sequence[Quota],
    panel_size: int,
    *,
    seed: int,
    algorithm: str = "leximin",
    legacy_runs: int = DEFAULT_LEGACY_RUNS,
) -> PanelDraw:
    """Draw a panel of ``panel_size`` from ``pool`` meeting ``quotas``, reproducibly from ``seed``.

    Rules: ``leximin`` — Flanigan et al., "Fair algorithms for selecting citizens' assemblies", Nature
    596 (2021): the maximally fair distribution over quota-respecting panels (``leximin.py``), from which
    one panel is sampled; the probabilities reported are exact. ``legacy`` — the Sortition Foundation's
    greedy (``legacy.py``); the panel is its first draw, and the probabilities are estimated from
    ``legacy_runs`` further draws. Randomness comes only from ``numpy.random.default_rng(seed)``, so the
    same pool, quotas, size, algorithm and seed give the same panel. Members sharing a ``household`` are
    never selected together. Raises ``InfeasibleQuotasError`` naming the quotas in conflict, or
    ``SortitionError`` for other unusable input.
    """
    if algorithm not in ALGORITHMS:
        raise SortitionError(f"unknown algorithm {algorithm!r}: choose one of {', '.join(ALGORITHMS)}")
    if seed < 0:
        raise SortitionError(f"the seed must be a non-negative whole number, not {seed}")
    inst = build_instance(pool, quotas, panel_size)
    check_quotas(inst)
    rng = np.random.default_rng(seed)
    explanation: dict[str, object]
    if algorithm == "leximin":
        distribution = leximin(inst)
        counts = sample_counts(distribution, rng)
        type_probabilities = distribution.type_probabilities
        explanation = {
            "panels_in_distribution": len(distribution.panels),
            "leximin_levels": distribution.levels,
            "milp_solves": distribution.milp_calls,
            "solver": "HiGHS (scipy.optimize.milp, highspy)",
        }
        if inst.household_counts.size:
            explanation["households_change_the_optimum"] = distribution.households_binding
    else:
        if legacy_runs <= 0:
            raise SortitionError(f"the legacy estimate needs at least one run, not {legacy_runs}")
        counts = legacy_counts(inst, rng)
        type_probabilities = legacy_probabilities(inst, rng, legacy_runs)
        explanation = {
            "probability_estimate_runs": legacy_runs,
            "probability_standard_error_at_most": 0.5 / legacy_runs**0.5,
        }
    explanation["pool_size"] = len(inst.pool)
    explanation["member_types"] = inst.n_types
    if inst.household_counts.size:
        explanation["members_sharing_an_address"] = inst.shared_members
        explanation["household_types"] = len(inst.household_counts)
    selected = members_for(inst, counts, rng)
    probabilities = {
        inst.pool[i].id: float(type_probabilities[t]) for t, group in enumerate(inst.members) for i in group
    }
    probabilities = {p.id: probabilities[p.id] for p in inst.pool}
    return PanelDraw(
        algorithm=algorithm,
        seed=seed,
        panel_size=panel_size,
        selected=selected,
        probabilities=probabilities,
        explanation=explanation,
    )


def sample_counts(distribution: PanelDistribution, rng: np.random.Generator) -> IntArray:
    """One panel, as counts per type, drawn from the LEXIMIN lottery."""
    # Sample in a canonical panel order so the draw depends on the distribution, not on the order in
    # which the column generation happened to find the panels.
    order = sorted(range(len(distribution.panels)), key=lambda i: distribution.panels[i].tolist())
    weights = distribution.weights[order]
    chosen = int(rng.choice(len(order), p=weights / weights.sum()))
    return distribution.panels[order[chosen]]


def members_for(inst: TypedInstance, counts: IntArray, rng: np.random.Generator) -> tuple[str, ...]:
    """Turn counts per type into people.

    Members of a type who share no address are interchangeable: pick ``count`` of them uniformly. For a
    household type H, pick Σ_v count(H, v) distinct households of the m_H uniformly at random, in random
    order — the order assigns them to the v slots at random — then, in each household chosen for the
    slot v, one of its members with vector v uniformly. By symmetry every member of type (H, v) is then
    selected with probability E[count(H, v)] / (m_H · c_{H,v}), the probability the instance reports.
    """
    selected: list[int] = []
    for t, count in enumerate(counts):
        if count and not inst.per_household[t]:
            group = inst.members[t]
            picks = rng.choice(len(group), size=int(count), replace=False)
            selected.extend(group[int(i)] for i in picks)
    for h, types in enumerate(inst.household_types()):
        seats = int(counts[types].sum())
        if not seats:
            continue
        # Generator.choice without replacement returns the sample in random order (shuffle=True).
        homes = rng.choice(int(inst.household_counts[h]), size=seats, replace=False)
        start = 0
        for t in types:
            held = int(inst.per_household[t])
            for home in homes[start : start + int(counts[t])]:
                within = int(rng.integers(held)) if held > 1 else 0
                selected.append(inst.members[t][int(home) * held + within])
            start += int(counts[t])
    return tuple(inst.pool[i].id for i in sorted(selected))
