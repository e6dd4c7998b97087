"""The Sortition Foundation's legacy greedy draw, and its selection probabilities estimated by re-drawing.

Rule and source: the "LEGACY" algorithm of the Sortition Foundation's stratification app, as described by
Flanigan et al., Nature 596 (2021), Methods ("Algorithm LEGACY"), and implemented in sortition-algorithms'
``legacy`` selection: the panel is filled one person at a time; at each step take the quota value with
the highest ratio (min − already selected) / (people still available with that value) — the most
constrained one, the first in the quota table on ties — and select a uniformly random available person
with that value. Whenever a value reaches its max, everyone else with that value leaves the pool; a
selected person's household leaves the pool too. The greedy can paint itself into a corner; an attempt
that does not end with every quota met is discarded and retried.

Its selection probabilities have no closed form: coopgov estimates them as the share of ``runs``
independent draws that select each member (the standard error is at most 0.5/√runs).
"""

from __future__ import annotations

import numpy as np

from coopgov.domain.sortition.instance import FloatArray, IntArray, TypedInstance
from coopgov.domain.sortition.model import SortitionError

MAX_ATTEMPTS = 200


def _household_partners(inst: TypedInstance) -> list[list[tuple[int, float]]]:
    """For each type in shared households, every type of its household type (itself included) with the
    number of its members one household holds: selecting a member takes their whole household out of
    the pool. Empty for members who share no address."""
    partners: list[list[tuple[int, float]]] = [[] for _ in range(inst.n_types)]
    for types in inst.household_types():
        row = [(int(u), float(inst.per_household[u])) for u in types]
        for t in types:
            partners[int(t)] = row
    return partners


def legacy_counts(inst: TypedInstance, rng: np.random.Generator) -> IntArray:
    """One legacy draw, as counts per type (the module docstring gives the rule).

    Raises ``SortitionError`` when ``MAX_ATTEMPTS`` attempts in a row fail to meet the quotas.
    """
    partners = _household_partners(inst)
    for _ in range(MAX_ATTEMPTS):
        counts = _attempt(inst, rng, partners)
        if counts is not None:
            return counts
    raise SortitionError(
        f"the legacy greedy failed to meet the quotas in {MAX_ATTEMPTS} attempts; use the leximin algorithm"
    )


def _attempt(
    inst: TypedInstance, rng: np.random.Generator, partners: list[list[tuple[int, float]]]
) -> IntArray | None:
    matrix = inst.quota_matrix
    q_min, q_max = inst.q_min, inst.q_max
    available = inst.sizes.astype(np.float64).copy()
    # Values nobody may have: their holders leave the pool at once.
    for q in np.flatnonzero(q_max == 0):
        available[matrix[q] > 0] = 0.0
    selected_per_quota = np.zeros(len(inst.quotas))
    counts = np.zeros(inst.n_types, dtype=np.int64)
    for _ in range(inst.panel_size):
        remaining = matrix @ available
        needed = np.maximum(q_min - selected_per_quota, 0.0)
        if np.any(remaining < needed):
            return None
        candidates = (remaining > 0) & (q_max > 0)
        if not candidates.any():
            return None
        ratio = np.where(candidates, needed / np.where(remaining > 0, remaining, 1.0), -np.inf)
        q = int(np.argmax(ratio))  # argmax takes the first maximum: the quota table's order breaks ties
        # A uniformly random available person with value q: pick their type by its available count.
        cumulative = np.cumsum(available * matrix[q])
        t = int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
        counts[t] += 1
        selected_per_quota += matrix[:, t]
        if partners[t]:
            # One household of the type leaves the pool: its members of every type of the household type.
            for u, held in partners[t]:
                available[u] = max(available[u] - held, 0.0)
        else:
            available[t] -= 1.0
        for full in np.flatnonzero((matrix[:, t] > 0) & (selected_per_quota >= q_max)):
            available[matrix[full] > 0] = 0.0
    per_quota = matrix @ counts
    if np.any(per_quota < q_min) or np.any(per_quota > q_max):
        return None
    return counts


def legacy_probabilities(inst: TypedInstance, rng: np.random.Generator, runs: int) -> FloatArray:
    """Each type's per-member selection probability, estimated from ``runs`` legacy draws."""
    total = np.zeros(inst.n_types)
    for _ in range(runs):
        total += legacy_counts(inst, rng)
    return np.asarray(total / (runs * inst.sizes), dtype=np.float64)
