"""A sortition instance reduced to member types, its feasibility checks, and the panel-finding MILP.

Pool members with the same value on every feature (and no shared household) are interchangeable: any
rule that treats people only through their features — quotas, LEXIMIN, the legacy greedy — gives them
the same selection probability. So the solvers work on *types*: a panel is a vector of counts, one per
type, and each member of a type is selected with probability E[count] / size of the type. On a pool of
2,000 with a few features this turns 2,000 binary variables into a few hundred integer ones, without
changing the result (the LEXIMIN optimum is unique and invariant under swapping interchangeable members).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from coopgov.domain.sortition.model import (
    InfeasibleQuotasError,
    Person,
    Quota,
    QuotaRelaxation,
    SortitionError,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# The pricing MILP must be solved (almost) to optimality for column generation to stop at the true
# optimum; HiGHS's default relative gap (1e-4) would stop LEXIMIN up to 1e-4 short.
MIP_REL_GAP = 1e-9


@dataclass(frozen=True)
class TypedInstance:
    """The pool grouped into types, with the quota matrix over types.

    ``members[t]`` are the pool indices of type ``t``; ``quota_matrix[q, t]`` is 1 when type ``t`` has
    the value of quota ``q``; ``household_matrix[h, t]`` is 1 when type ``t`` is a member of shared
    household ``h`` (such members are always a type of their own).
    """

    pool: tuple[Person, ...]
    quotas: tuple[Quota, ...]
    panel_size: int
    members: tuple[tuple[int, ...], ...]
    sizes: IntArray
    quota_matrix: FloatArray
    household_matrix: FloatArray

    @property
    def n_types(self) -> int:
        return len(self.members)

    @property
    def q_min(self) -> FloatArray:
        return np.array([q.minimum for q in self.quotas], dtype=np.float64)

    @property
    def q_max(self) -> FloatArray:
        return np.array([q.maximum for q in self.quotas], dtype=np.float64)


def build_instance(pool: Sequence[Person], quotas: Sequence[Quota], panel_size: int) -> TypedInstance:
    """Group the pool into types after checking that every member has a value for every quota feature.

    Rule: Flanigan et al. (Nature 596, 2021), selection under quotas; grouping interchangeable members is
    coopgov's exact reduction (see the module docstring). Raises ``SortitionError`` on malformed input.
    """
    if panel_size <= 0:
        raise SortitionError(f"the panel size must be a positive number, not {panel_size}")
    features = list(dict.fromkeys(q.feature for q in quotas))
    if not features:
        raise SortitionError("there are no quotas: at least one feature with min and max is needed")
    seen: set[tuple[str, str]] = set()
    for q in quotas:
        if (q.feature, q.value) in seen:
            raise SortitionError(f"the quota {q.label} is given twice")
        seen.add((q.feature, q.value))
    values = {f: {q.value for q in quotas if q.feature == f} for f in features}
    ids: set[str] = set()
    for person in pool:
        if person.id in ids:
            raise SortitionError(f"the pool member id {person.id!r} appears twice")
        ids.add(person.id)
        for f in features:
            v = person.features.get(f)
            if v is None:
                raise SortitionError(f"pool member {person.id!r} has no value for the feature {f!r}")
            if v not in values[f]:
                raise SortitionError(
                    f"pool member {person.id!r} has {f}={v!r}, which has no quota "
                    f"(known values: {', '.join(sorted(values[f]))})"
                )
    household_sizes = Counter(p.household for p in pool if p.household is not None)
    keys: dict[tuple[object, ...], int] = {}
    members: list[list[int]] = []
    households: list[str | None] = []
    for index, person in enumerate(pool):
        shared = person.household is not None and household_sizes[person.household] > 1
        # A member of a shared household is a type of their own: the household constraint is about
        # that very person, so they are no longer interchangeable with look-alikes.
        key: tuple[object, ...] = (
            ("person", person.id) if shared else tuple(person.features[f] for f in features)
        )
        if key not in keys:
            keys[key] = len(members)
            members.append([])
            households.append(person.household if shared else None)
        members[keys[key]].append(index)
    n_types = len(members)
    quota_matrix = np.zeros((len(quotas), n_types))
    for t, group in enumerate(members):
        person = pool[group[0]]
        for qi, q in enumerate(quotas):
            if person.features[q.feature] == q.value:
                quota_matrix[qi, t] = 1.0
    shared_keys = sorted({h for h in households if h is not None})
    household_matrix = np.zeros((len(shared_keys), n_types))
    row_of = {h: i for i, h in enumerate(shared_keys)}
    for t, h in enumerate(households):
        if h is not None:
            household_matrix[row_of[h], t] = 1.0
    return TypedInstance(
        pool=tuple(pool),
        quotas=tuple(quotas),
        panel_size=panel_size,
        members=tuple(tuple(g) for g in members),
        sizes=np.array([len(g) for g in members], dtype=np.int64),
        quota_matrix=quota_matrix,
        household_matrix=household_matrix,
    )


def _panel_constraints(inst: TypedInstance) -> list[LinearConstraint]:
    k = float(inst.panel_size)
    constraints = [
        LinearConstraint(csr_array(np.ones((1, inst.n_types))), k, k),
        LinearConstraint(csr_array(inst.quota_matrix), inst.q_min, inst.q_max),
    ]
    if inst.household_matrix.shape[0]:
        constraints.append(LinearConstraint(csr_array(inst.household_matrix), -np.inf, 1.0))
    return constraints


def check_quotas(inst: TypedInstance) -> None:
    """Reject quotas that no panel can meet, naming the quotas in conflict.

    Rule: a panel of k exists only if each quota's min ≤ max, the pool holds at least min members with
    each value, and for each feature Σ min ≤ k ≤ Σ max (Sortition Foundation's pre-checks, as in
    sortition-algorithms' ``check_min_max``). When these pass but the quotas still conflict (they
    interact across features or with households), a relaxation MILP finds the smallest change to the
    bounds that makes a panel possible, and the error lists it.
    """
    k = inst.panel_size
    problems: list[str] = []
    conflicts: list[str] = []
    available = inst.quota_matrix @ inst.sizes.astype(np.float64)
    if len(inst.pool) < k:
        problems.append(f"the pool has {len(inst.pool)} members, fewer than the panel size {k}")
        conflicts.append("panel size")
    for qi, q in enumerate(inst.quotas):
        if q.minimum < 0 or q.maximum < 0:
            problems.append(f"{q.label} has a negative bound (min {q.minimum}, max {q.maximum})")
            conflicts.append(q.label)
        elif q.maximum < q.minimum:
            problems.append(f"{q.label} has max {q.maximum} below min {q.minimum}")
            conflicts.append(q.label)
        elif available[qi] < q.minimum:
            problems.append(
                f"{q.label} needs at least {q.minimum} but the pool has only {int(available[qi])}"
            )
            conflicts.append(q.label)
    for feature in dict.fromkeys(q.feature for q in inst.quotas):
        group = [q for q in inst.quotas if q.feature == feature]
        total_min = sum(q.minimum for q in group)
        total_max = sum(q.maximum for q in group)
        if total_min > k:
            problems.append(
                f"the minimums of {feature} ({', '.join(f'{q.value} {q.minimum}' for q in group)}) "
                f"add up to {total_min}, more than the panel size {k}"
            )
            conflicts.extend(q.label for q in group if q.minimum > 0)
        if total_max < k:
            problems.append(
                f"the maximums of {feature} ({', '.join(f'{q.value} {q.maximum}' for q in group)}) "
                f"add up to {total_max}, less than the panel size {k}"
            )
            conflicts.extend(q.label for q in group)
    if problems:
        raise InfeasibleQuotasError(
            "the quotas cannot be met: " + "; ".join(problems), tuple(dict.fromkeys(conflicts))
        )
    _check_by_relaxation(inst)


def _check_by_relaxation(inst: TypedInstance) -> None:
    """Solve min Σ (lowering of mins + raising of maxes) s.t. a panel exists; zero means feasible."""
    n_t, n_q = inst.n_types, len(inst.quotas)
    k = float(inst.panel_size)
    # Variables: type counts (integer), then how much each min is lowered, then how much each max is raised.
    cost = np.concatenate([np.zeros(n_t), np.ones(n_q), np.ones(n_q)])
    eye = np.eye(n_q)
    rows = [
        LinearConstraint(np.concatenate([np.ones(n_t), np.zeros(2 * n_q)])[None, :], k, k),
        LinearConstraint(np.hstack([inst.quota_matrix, eye, np.zeros((n_q, n_q))]), inst.q_min, np.inf),
        LinearConstraint(np.hstack([inst.quota_matrix, np.zeros((n_q, n_q)), -eye]), -np.inf, inst.q_max),
    ]
    if inst.household_matrix.shape[0]:
        rows.append(
            LinearConstraint(
                np.hstack([inst.household_matrix, np.zeros((inst.household_matrix.shape[0], 2 * n_q))]),
                -np.inf,
                1.0,
            )
        )
    upper = np.concatenate([inst.sizes.astype(np.float64), inst.q_min, np.full(n_q, k)])
    result = milp(
        cost,
        constraints=rows,
        bounds=Bounds(np.zeros(n_t + 2 * n_q), upper),
        integrality=np.concatenate([np.ones(n_t), np.ones(2 * n_q)]),
        options={"disp": False},
    )
    if result.status == 2 or result.x is None:
        raise InfeasibleQuotasError(
            f"no panel of {inst.panel_size} exists even with relaxed quotas: people sharing an address "
            "may not sit together, and too few households remain",
            ("panel size",),
        )
    if result.fun < 0.5:
        return
    lowered = np.rint(result.x[n_t : n_t + n_q]).astype(int)
    raised = np.rint(result.x[n_t + n_q :]).astype(int)
    relaxations: list[QuotaRelaxation] = []
    for qi, q in enumerate(inst.quotas):
        if lowered[qi]:
            relaxations.append(QuotaRelaxation(q.feature, q.value, "min", q.minimum, q.minimum - lowered[qi]))
        if raised[qi]:
            relaxations.append(QuotaRelaxation(q.feature, q.value, "max", q.maximum, q.maximum + raised[qi]))
    changes = ", ".join(f"{r.feature}={r.value} {r.bound} {r.current} → {r.feasible}" for r in relaxations)
    raise InfeasibleQuotasError(
        f"the quotas cannot all be met by a panel of {inst.panel_size}; the quotas in conflict and the "
        f"smallest change that makes a panel possible: {changes}",
        tuple(dict.fromkeys(f"{r.feature}={r.value}" for r in relaxations)),
        tuple(relaxations),
    )


class PanelFinder:
    """Finds the panel (a vector of type counts) with the largest weight, under the quotas.

    The pricing problem of the column generation: maximise Σ_t w_t · count_t subject to Σ count = k,
    min_q ≤ Σ_{t has q} count_t ≤ max_q, at most one per shared household, 0 ≤ count_t ≤ |t|.
    """

    def __init__(self, inst: TypedInstance) -> None:
        self.inst = inst
        self._constraints = _panel_constraints(inst)
        self._bounds = Bounds(np.zeros(inst.n_types), inst.sizes.astype(np.float64))
        self._integrality = np.ones(inst.n_types)
        self.calls = 0

    def best(self, weights: FloatArray, *, require: int | None = None) -> tuple[IntArray, float] | None:
        """The heaviest panel and its weight, or None when none exists (with ``require``: containing a
        member of type ``require``)."""
        self.calls += 1
        bounds = self._bounds
        if require is not None:
            lower = np.zeros(self.inst.n_types)
            lower[require] = 1.0
            bounds = Bounds(lower, self.inst.sizes.astype(np.float64))
        result = milp(
            -weights,
            constraints=self._constraints,
            bounds=bounds,
            integrality=self._integrality,
            options={"disp": False, "mip_rel_gap": MIP_REL_GAP},
        )
        if result.x is None:
            return None
        counts = np.rint(result.x).astype(np.int64)
        return counts, float(weights @ counts)
