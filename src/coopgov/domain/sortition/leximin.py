"""LEXIMIN: the distribution over quota-respecting panels whose selection probabilities are maximally fair.

Rule and source: Flanigan, Gölz, Gupta, Hennig and Procaccia, "Fair algorithms for selecting citizens'
assemblies", Nature 596 (2021), Methods, "Algorithm LEXIMIN". Among all probability distributions over
panels that meet the quotas, pick the one whose vector of selection probabilities is leximin-largest:
maximise the smallest probability, then, holding it, the second smallest, and so on.

How coopgov computes it (own implementation on open-source HiGHS; the published one needs Gurobi):
an outer loop fixes the probabilities of one level of types at a time. Each level is a column
generation on the dual LP

    minimise  ŷ − Σ_{t fixed} p_t · y_t
    s.t.      Σ_t y_t · count_t(P) / |t| ≤ ŷ   for every panel P found so far
              Σ_{t not fixed} y_t = 1,  y ≥ 0

whose pricing problem — is there a panel with Σ_t y_t · count_t(P) / |t| > ŷ? — is the quota MILP of
``PanelFinder``. When no such panel exists the level's value is optimal, and every type with positive
dual weight is held at that value in every optimal distribution (complementary slackness), so it is
fixed. The dual is re-solved by an interior-point method without crossover before fixing, which tends to
give strictly complementary solutions and hence fixes as many types per level as possible (the same
device as the reference, which runs Gurobi's barrier without crossover). A final LP finds the
distribution over the panels found that meets the fixed probabilities.

With shared households ("at most one per household"), the types include household types (see
``instance.py``), and before the level loop coopgov computes the LEXIMIN of the same pool without the
household constraint and checks, by one column generation, whether panels that respect the households
can meet those probabilities. If so they are the LEXIMIN optimum with households too, and the level loop,
whose time grows steeply with the number of types, is skipped (``_households_not_binding``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import highspy
import numpy as np

from coopgov.domain.sortition.instance import (
    FloatArray,
    IntArray,
    PanelFinder,
    TypedInstance,
    without_households,
)
from coopgov.domain.sortition.model import SortitionError

# Column generation stops when no panel beats the current dual bound by more than this.
GAP = 1e-5
# A dual weight above this marks a type as held at the level's value.
FIX_WEIGHT = 1e-6
# With households: the LEXIMIN of the pool without them counts as reached when z ≥ 1 − REACHED.
REACHED = 1e-9
# Seed panels for that check, per type (re-seated panels are cheap; MILP solves are not).
SEED_PANELS_PER_TYPE = 2


@dataclass(frozen=True)
class PanelDistribution:
    """Panels (as counts per type) with their probabilities, and each type's per-member probability.

    ``households_binding`` says whether the household constraint moved the optimum away from the LEXIMIN
    of the pool without it (always False without shared households).
    """

    panels: tuple[IntArray, ...]
    weights: FloatArray
    type_probabilities: FloatArray
    levels: int
    milp_calls: int
    households_binding: bool = False


def _new_highs() -> highspy.Highs:
    """A silent HiGHS model."""
    h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy's constructor carries no annotations
    h.setOptionValue("output_flag", False)
    return h


class _LevelLP:
    """The level LP, kept in one HiGHS model so that added panels and fixed types warm-start it.

    HiGHS solves the primal (max z s.t. Σ_P λ_P · share_t(P) ≥ z for free types, ≥ p_t for fixed
    ones, Σ λ = 1): a new panel is a new column, which keeps the previous basis primal feasible, and the
    row duals are the y_t and ŷ of the dual above.
    """

    def __init__(self, n_types: int, targets: FloatArray | None = None) -> None:
        self.n_types = n_types
        self.h = _new_highs()
        self.h.setOptionValue("output_flag", False)
        # Presolve would discard the basis that makes each re-solve after an added panel cheap.
        self.h.setOptionValue("presolve", "off")
        self.h.setOptionValue("solver", "simplex")
        self.h.setOptionValue("simplex_strategy", 4)
        inf = highspy.kHighsInf
        # Rows 0..T-1: the types; row T: Σ λ = 1. Column 0: z (free, maximised).
        self.h.addRows(
            n_types,
            np.zeros(n_types),
            np.full(n_types, inf),
            0,
            np.array([0], dtype=np.int32),
            np.array([], dtype=np.int32),
            np.array([], dtype=np.float64),
        )
        self.h.addRow(1.0, 1.0, 0, np.array([], dtype=np.int32), np.array([], dtype=np.float64))
        # With ``targets`` the rows read Σ_P λ_P · share_t(P) ≥ z · target_t: how far the targets can be met.
        scale = np.ones(n_types) if targets is None else targets
        self.h.addCol(1.0, -inf, inf, n_types, np.arange(n_types, dtype=np.int32), -scale)
        self.h.changeObjectiveSense(highspy.ObjSense.kMaximize)

    def add_panel(self, shares: FloatArray) -> None:
        index = np.flatnonzero(shares)
        rows = np.append(index, self.n_types).astype(np.int32)
        vals = np.append(shares[index], 1.0)
        self.h.addCol(0.0, 0.0, highspy.kHighsInf, len(rows), rows, vals)

    def fix(self, t: int, probability: float) -> None:
        self.h.changeCoeff(t, 0, 0.0)
        self.h.changeRowBounds(t, probability, highspy.kHighsInf)

    def solve(self) -> tuple[FloatArray, float, float]:
        """Re-solve by simplex from the previous basis; return (y, ŷ, objective).

        On rare degenerate models the warm-started simplex ends without a verdict (status Unknown);
        the model is then solved again from scratch with presolve, which settles it.
        """
        self.h.run()
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            self.h.clearSolver()
            self.h.setOptionValue("presolve", "on")
            self.h.run()
            self.h.setOptionValue("presolve", "off")
        return self._solution(self.h)

    def solve_interior(self) -> tuple[FloatArray, float, float]:
        """Solve a copy by interior point without crossover: a central optimal solution, whose positive
        weights mark every type that is tight in all optimal distributions (as far as tolerances allow)."""
        other = _new_highs()
        other.setOptionValue("output_flag", False)
        other.passModel(self.h.getModel())
        other.setOptionValue("solver", "ipm")
        other.setOptionValue("run_crossover", "off")
        other.run()
        if other.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            # Interior point without crossover may stop short of a verdict; crossover settles it.
            other.setOptionValue("run_crossover", "on")
            other.run()
        return self._solution(other)

    def _solution(self, h: highspy.Highs) -> tuple[FloatArray, float, float]:
        status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise SortitionError(
                f"the LP solver (HiGHS) stopped with status {h.modelStatusToString(status)} while computing "
                "LEXIMIN; please report this pool and these quotas"
            )
        duals = np.abs(np.array(h.getSolution().row_dual))
        objective = float(h.getInfo().objective_function_value)
        return duals[: self.n_types], float(duals[self.n_types]), objective


def _initial_panels(inst: TypedInstance, finder: PanelFinder) -> dict[bytes, IntArray]:
    """A first, varied set of panels (multiplicative weights), then one panel through each type left out.

    Flanigan et al. seed the column generation the same way: panels that spread over many people make
    the first LPs informative, and a type that no panel can include is known to get probability 0.
    """
    sizes = inst.sizes.astype(np.float64)
    weights = np.ones(inst.n_types)
    panels: dict[bytes, IntArray] = {}
    for _ in range(min(inst.n_types, 60)):
        found = finder.best(weights / sizes)
        if found is None:
            break
        counts, _value = found
        panels.setdefault(counts.tobytes(), counts)
        # Make the types just used less attractive so that the next panel includes others.
        weights = np.where(counts > 0, weights * 0.8, weights)
        weights *= inst.n_types / weights.sum()
    return panels


def leximin(inst: TypedInstance, *, try_without_households: bool = True) -> PanelDistribution:
    """The LEXIMIN distribution over panels of ``inst`` (Flanigan et al., Nature 2021; see module doc).

    ``inst`` must have passed ``check_quotas``. Types that no panel can include get probability 0. With
    shared households, the LEXIMIN of the same pool without the household constraint is computed first:
    when a distribution over panels that respect the households meets its probabilities, they are the
    LEXIMIN optimum here too (see ``_households_not_binding``); otherwise, or with
    ``try_without_households=False`` (the tests' and the benchmark's reference), the level loop runs on
    ``inst`` itself.
    """
    finder = PanelFinder(inst)
    panels: dict[bytes, IntArray] = {}
    if try_without_households and inst.household_counts.size:
        found, relaxed_calls = _households_not_binding(inst, finder, panels)
        if found is not None:
            return found
        levels = _levels(inst, finder, panels)
        return replace(levels, milp_calls=relaxed_calls + levels.milp_calls, households_binding=True)
    return _levels(inst, finder, panels)


def _levels(inst: TypedInstance, finder: PanelFinder, known: dict[bytes, IntArray]) -> PanelDistribution:
    """The outer loop of the module docstring, starting from the panels ``known`` (may be empty)."""
    sizes = inst.sizes.astype(np.float64)
    panels = _initial_panels(inst, finder)
    for key, counts in known.items():
        panels.setdefault(key, counts)
    covered = np.zeros(inst.n_types, dtype=bool)
    for counts in panels.values():
        covered |= counts > 0
    fixed = np.full(inst.n_types, np.nan)
    for t in np.flatnonzero(~covered):
        found = finder.best(np.zeros(inst.n_types), require=int(t))
        if found is None:
            fixed[t] = 0.0
        else:
            panels.setdefault(found[0].tobytes(), found[0])
            covered |= found[0] > 0

    lp = _LevelLP(inst.n_types)
    for t in np.flatnonzero(~np.isnan(fixed)):
        lp.fix(int(t), 0.0)
    for counts in panels.values():
        lp.add_panel(counts / sizes)
    levels = 0
    while np.isnan(fixed).any():
        levels += 1
        while True:
            # Price the simplex (vertex) dual until no panel improves it, then the central dual: the
            # central one decides which types are fixed, so it too must be proven optimal by pricing
            # (the restricted LP's central dual can differ from the full problem's).
            y, cap, objective = lp.solve()
            if _add_improving_panel(finder, panels, lp, y, cap, sizes):
                continue
            y, cap, _central_objective = lp.solve_interior()
            if _add_improving_panel(finder, panels, lp, y, cap, sizes):
                continue
            break
        level_value = max(0.0, objective)
        newly = [t for t in range(inst.n_types) if np.isnan(fixed[t]) and y[t] > FIX_WEIGHT]
        if not newly:
            # Numerical safety: the largest dual weight always marks a type at the level's value.
            free = np.flatnonzero(np.isnan(fixed))
            newly = [int(free[np.argmax(y[free])])]
        for t in newly:
            fixed[t] = level_value
            lp.fix(t, level_value)

    return _distribution(list(panels.values()), fixed, sizes, levels, finder.calls)


def _distribution(
    panel_list: list[IntArray], fixed: FloatArray, sizes: FloatArray, levels: int, milp_calls: int
) -> PanelDistribution:
    """The final lottery over ``panel_list`` meeting the ``fixed`` probabilities, without unused panels."""
    weights = _final_distribution(panel_list, fixed, sizes)
    keep = weights > 1e-12
    panel_list = [p for p, k in zip(panel_list, keep, strict=True) if k]
    weights = weights[keep] / weights[keep].sum()
    matrix = np.array(panel_list, dtype=np.float64)
    type_probabilities = (weights @ matrix) / sizes
    return PanelDistribution(
        panels=tuple(panel_list),
        weights=weights,
        type_probabilities=type_probabilities,
        levels=levels,
        milp_calls=milp_calls,
    )


def _households_not_binding(
    inst: TypedInstance, finder: PanelFinder, panels: dict[bytes, IntArray]
) -> tuple[PanelDistribution | None, int]:
    """LEXIMIN with households, when the household constraint does not change the optimum.

    Dropping the constraint "one seat per household" can only enlarge the set of reachable probability
    vectors, so the LEXIMIN vector p* of the pool without households is leximin-at-least as good as any
    vector reachable with them. If some distribution over panels that respect the households reaches p*,
    p* is therefore the LEXIMIN optimum with households as well (and, being unique, the one the level loop
    would find). This is the usual case — a household's seats are rare events next to one seat — and it is
    settled by one LP instead of a level loop over the household types: column generation on "maximise z
    such that every type gets at least z · p*", seeded with panels made from those of p* by re-seating
    them household-aware; z = 1 proves p* reachable. Otherwise ``None``, and the panels found are left in
    ``panels`` for the level loop. Exactness does not depend on the seeds, only the speed. The second value
    is the number of MILPs solved for the pool without households.
    """
    relaxed, relaxed_of = without_households(inst)
    base = _levels(relaxed, PanelFinder(relaxed), {})
    targets = base.type_probabilities[relaxed_of]
    sizes = inst.sizes.astype(np.float64)
    for counts in _reseated(inst, relaxed_of, base.panels, SEED_PANELS_PER_TYPE * inst.n_types):
        panels.setdefault(counts.tobytes(), counts)
    lp = _LevelLP(inst.n_types, targets)
    for counts in panels.values():
        lp.add_panel(counts / sizes)
    while True:
        y, cap, objective = lp.solve()
        if objective >= 1.0 - REACHED:
            break
        if not _add_improving_panel(finder, panels, lp, y, cap, sizes, gap=REACHED):
            return None, base.milp_calls
    calls = base.milp_calls + finder.calls
    return _distribution(list(panels.values()), targets, sizes, base.levels, calls), base.milp_calls


def _reseated(
    inst: TypedInstance, relaxed_of: IntArray, relaxed_panels: tuple[IntArray, ...], count: int
) -> list[IntArray]:
    """About ``count`` panels of ``inst`` made from the panels of the pool without households: seat by
    seat, in a random order of feature vectors, each seat goes to a uniformly random available member with
    that vector, whose household then leaves the pool. They meet the quotas (same counts per vector) and
    the households, and on average come close to p*. A fixed seed keeps them, and hence the distribution,
    a function of the instance alone."""
    rng = np.random.default_rng(0)
    by_relaxed = [np.flatnonzero(relaxed_of == r) for r in range(int(relaxed_of.max()) + 1)]
    partners: list[IntArray] = [np.array([t]) for t in range(inst.n_types)]
    for types in inst.household_types():
        for t in types:
            partners[int(t)] = types
    held = np.where(inst.per_household > 0, inst.per_household, 1).astype(np.float64)
    out: list[IntArray] = []
    per_panel = -(-count // max(len(relaxed_panels), 1))
    for relaxed_counts in relaxed_panels:
        for _ in range(per_panel):
            available = inst.sizes.astype(np.float64)
            counts = np.zeros(inst.n_types, dtype=np.int64)
            complete = True
            for r in rng.permutation(np.flatnonzero(relaxed_counts)):
                types = by_relaxed[int(r)]
                for _seat in range(int(relaxed_counts[r])):
                    cumulative = np.cumsum(available[types])
                    if cumulative[-1] <= 0:
                        complete = False
                        break
                    t = int(types[np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right")])
                    counts[t] += 1
                    others = partners[t]
                    available[others] = np.maximum(available[others] - held[others], 0.0)
                if not complete:
                    break
            if complete:
                out.append(counts)
    return out


def _add_improving_panel(
    finder: PanelFinder,
    panels: dict[bytes, IntArray],
    lp: _LevelLP,
    y: FloatArray,
    cap: float,
    sizes: FloatArray,
    *,
    gap: float = GAP,
) -> bool:
    """Pricing: add the heaviest panel under dual weights ``y`` if it beats ŷ by more than ``gap``."""
    found = finder.best(y / sizes)
    if found is None:  # cannot happen once check_quotas has passed, short of a solver failure
        raise SortitionError("the MILP solver (HiGHS) found no panel although the quotas are feasible")
    counts, value = found
    key = counts.tobytes()
    # A panel already in the LP can only "improve" by solver round-off: the level is done.
    if value <= cap + gap or key in panels:
        return False
    panels[key] = counts
    lp.add_panel(counts / sizes)
    return True


def _final_distribution(panels: list[IntArray], fixed: FloatArray, sizes: FloatArray) -> FloatArray:
    """Probabilities over ``panels`` giving each type at least its fixed probability, up to the smallest
    uniform shortfall ε (zero in exact arithmetic; the variable absorbs solver round-off)."""
    n_panels = len(panels)
    shares = np.array(panels, dtype=np.float64).T / sizes[:, None]  # types × panels
    h = _new_highs()
    h.silent()
    h.setOptionValue("output_flag", False)
    inf = highspy.kHighsInf
    # Columns: λ_P for each panel, then ε.
    h.addVars(n_panels + 1, np.zeros(n_panels + 1), np.full(n_panels + 1, inf))
    h.changeColCost(n_panels, 1.0)
    h.addRow(1.0, 1.0, n_panels, np.arange(n_panels, dtype=np.int32), np.ones(n_panels))
    for t in range(shares.shape[0]):
        index = np.flatnonzero(shares[t])
        cols = np.append(index, n_panels).astype(np.int32)
        vals = np.append(shares[t, index], 1.0)
        h.addRow(float(fixed[t]), inf, len(cols), cols, vals)
    h.run()
    values = np.array(h.getSolution().col_value)[:n_panels]
    return np.asarray(np.clip(values, 0.0, None), dtype=np.float64)
