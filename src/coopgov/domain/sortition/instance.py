"""A sortition instance reduced to member types, its feasibility checks, and the panel-finding MILP.

Pool members with the same value on every feature (and no shared household) are interchangeable: any
rule that treats people only through their features — quotas, LEXIMIN, the legacy greedy — gives them
the same selection probability. So the solvers work on *types*: a panel is a vector of counts, one per
type, and each member of a type is selected with probability E[count] / size of the type. On a pool of
2,000 with a few features this turns 2,000 binary variables into a few hundred integer ones, without
changing the result (the LEXIMIN optimum is unique and invariant under swapping interchangeable members).

Members of a shared household ("at most one per household") are interchangeable only with members of
households of the same *composition* — the same multiset of feature vectors. Those households form a
household type H with multiplicity m_H, and the members with vector v in them form one type (H, v),
whose count is how many of the m_H households send their member with vector v; a panel takes
Σ_v count(H, v) ≤ m_H of them (one seat per household). Swapping two households of type H, or two
members of one household with the same vector, maps panels to panels, so the same symmetry argument
applies: a member of type (H, v), where each household of type H holds c_{H,v} members with vector v, is
selected with probability E[count(H, v)] / (m_H · c_{H,v}). The former formulation, in which each member
of a shared household was a type of their own, stays available (``group_households=False``) as the
reference the tests and the benchmark compare with.
"""

from __future__ import annotations

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
    """The pool grouped into types, with the quota matrix and the household rows over types.

    ``members[t]`` are the pool indices of type ``t`` and ``sizes[t]`` their number; ``capacity[t]`` is
    the most members of type ``t`` one panel can hold: ``sizes[t]`` for members who share no address,
    m_H for the type (H, v) of a household type H. ``quota_matrix[q, t]`` is 1 when type ``t`` has the
    value of quota ``q``. ``household_matrix[h, t]`` is 1 when type ``t`` lives in households of type
    ``h``, of which there are ``household_counts[h]``; a panel holds at most that many of their members.
    ``per_household[t]`` is how many members of type ``t`` each such household holds (0 outside shared
    households); ``members[t]`` lists them household by household, in the same order of households for
    every type of ``h``, so household ``j`` holds ``members[t][j * c : (j + 1) * c]`` with
    ``c = per_household[t]``.
    """

    pool: tuple[Person, ...]
    quotas: tuple[Quota, ...]
    panel_size: int
    members: tuple[tuple[int, ...], ...]
    sizes: IntArray
    capacity: IntArray
    per_household: IntArray
    quota_matrix: FloatArray
    household_matrix: FloatArray
    household_counts: IntArray

    @property
    def n_types(self) -> int:
        return len(self.members)

    @property
    def q_min(self) -> FloatArray:
        return np.array([q.minimum for q in self.quotas], dtype=np.float64)

    @property
    def q_max(self) -> FloatArray:
        return np.array([q.maximum for q in self.quotas], dtype=np.float64)

    @property
    def shared_members(self) -> int:
        """How many pool members share an address with another pool member."""
        return int(self.sizes[self.per_household > 0].sum())

    def household_types(self) -> list[IntArray]:
        """For each household type, the types of its members (rows of ``household_matrix``)."""
        return [np.flatnonzero(row) for row in self.household_matrix]


def build_instance(
    pool: Sequence[Person], quotas: Sequence[Quota], panel_size: int, *, group_households: bool = True
) -> TypedInstance:
    """Group the pool into types after checking that every member has a value for every quota feature.

    Rule: Flanigan et al. (Nature 596, 2021), selection under quotas; grouping interchangeable members, and
    shared households of identical composition, is coopgov's exact reduction (see the module docstring).
    With ``group_households=False`` each member of a shared household is a type of their own and each
    household its own row (the former formulation, kept as a reference). Raises ``SortitionError`` on
    malformed input.
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
    vectors = [tuple(person.features[f] for f in features) for person in pool]
    homes: dict[str, list[int]] = {}
    for index, person in enumerate(pool):
        if person.household is not None:
            homes.setdefault(person.household, []).append(index)
    home_of = {i: home for home, group in homes.items() if len(group) > 1 for i in group}
    # A household's type is its composition (grouped) or the household itself (the former formulation).
    home_type: dict[str, object] = {
        home: tuple(sorted(vectors[i] for i in homes[home])) if group_households else home
        for home in dict.fromkeys(home_of.values())
    }

    def key_of(index: int) -> tuple[object, ...]:
        home = home_of.get(index)
        if home is None:
            return ("type", vectors[index])
        return ("household", home_type[home], vectors[index] if group_households else pool[index].id)

    keys: dict[tuple[object, ...], int] = {}
    members: list[list[int]] = []
    row_of_type: list[int] = []
    rows: dict[object, int] = {}
    homes_in_row: list[list[str]] = []
    for index in range(len(pool)):
        home = home_of.get(index)
        if home is not None and home_type[home] not in rows:
            rows[home_type[home]] = len(homes_in_row)
            homes_in_row.append([])
        if home is not None and homes[home][0] == index:
            homes_in_row[rows[home_type[home]]].append(home)
        key = key_of(index)
        if key not in keys:
            keys[key] = len(members)
            members.append([])
            row_of_type.append(-1 if home is None else rows[home_type[home]])
        if home is None:
            members[keys[key]].append(index)
    # Members of shared households are listed household by household (the draw relies on this layout).
    for row_homes in homes_in_row:
        for home in row_homes:
            for index in homes[home]:
                members[keys[key_of(index)]].append(index)
    n_types = len(members)
    sizes = np.array([len(g) for g in members], dtype=np.int64)
    household_counts = np.array([len(h) for h in homes_in_row], dtype=np.int64)
    household_matrix = np.zeros((len(homes_in_row), n_types))
    capacity = sizes.copy()
    per_household = np.zeros(n_types, dtype=np.int64)
    for t, row in enumerate(row_of_type):
        if row >= 0:
            household_matrix[row, t] = 1.0
            capacity[t] = household_counts[row]
            per_household[t] = sizes[t] // household_counts[row]
    quota_matrix = np.zeros((len(quotas), n_types))
    for t, group in enumerate(members):
        person = pool[group[0]]
        for qi, q in enumerate(quotas):
            if person.features[q.feature] == q.value:
                quota_matrix[qi, t] = 1.0
    return TypedInstance(
        pool=tuple(pool),
        quotas=tuple(quotas),
        panel_size=panel_size,
        members=tuple(tuple(g) for g in members),
        sizes=sizes,
        capacity=capacity,
        per_household=per_household,
        quota_matrix=quota_matrix,
        household_matrix=household_matrix,
        household_counts=household_counts,
    )


def without_households(inst: TypedInstance) -> tuple[TypedInstance, IntArray]:
    """The same pool, quotas and size with no household constraint, and for each type of ``inst`` the
    type of the relaxed instance that holds its members (the one with the same feature vector)."""
    relaxed = build_instance([Person(p.id, p.features) for p in inst.pool], inst.quotas, inst.panel_size)
    type_of = np.empty(len(inst.pool), dtype=np.int64)
    for r, group in enumerate(relaxed.members):
        type_of[list(group)] = r
    return relaxed, np.array([type_of[group[0]] for group in inst.members], dtype=np.int64)


def _panel_constraints(inst: TypedInstance) -> list[LinearConstraint]:
    k = float(inst.panel_size)
    constraints = [
        LinearConstraint(csr_array(np.ones((1, inst.n_types))), k, k),
        LinearConstraint(csr_array(inst.quota_matrix), inst.q_min, inst.q_max),
    ]
    if inst.household_matrix.shape[0]:
        households = inst.household_counts.astype(np.float64)
        constraints.append(LinearConstraint(csr_array(inst.household_matrix), -np.inf, households))
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
                inst.household_counts.astype(np.float64),
            )
        )
    upper = np.concatenate([inst.capacity.astype(np.float64), inst.q_min, np.full(n_q, k)])
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
    min_q ≤ Σ_{t has q} count_t ≤ max_q, Σ_{t in household type h} count_t ≤ m_h (one seat per shared
    household), 0 ≤ count_t ≤ capacity_t.
    """

    def __init__(self, inst: TypedInstance) -> None:
        self.inst = inst
        self._constraints = _panel_constraints(inst)
        self._bounds = Bounds(np.zeros(inst.n_types), inst.capacity.astype(np.float64))
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
            bounds = Bounds(lower, self.inst.capacity.astype(np.float64))
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
