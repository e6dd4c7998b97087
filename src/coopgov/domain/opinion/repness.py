"""Statement statistics of an opinion map: repness, consensus, group-informed consensus, divisiveness.

The formulas are Polis's (compdemocracy/polis, math/src/polismath/math/repness.clj and stats.clj):
probabilities carry a +1/+2 (Laplace) prior, significance is a one-sided z-test at 90 % (z > 1.2816).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "Z_90",
    "ConsensusStatement",
    "DivisiveStatement",
    "RepresentativeStatement",
    "group_informed_consensus",
    "prop_test",
    "select_consensus",
    "select_divisive",
    "select_representative",
    "two_prop_test",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# One-sided 90 % critical value of the standard normal (stats.clj, z-sig-90?).
Z_90 = 1.2816


def prop_test(successes: FloatArray, trials: FloatArray) -> FloatArray:
    """Polis's one-proportion z-score against ½ with a +1 prior: 2·√(n+1)·((s+1)/(n+1) − ½) (stats.clj)."""
    s = np.asarray(successes, dtype=np.float64) + 1.0
    n = np.asarray(trials, dtype=np.float64) + 1.0
    return np.asarray(2.0 * np.sqrt(n) * (s / n - 0.5), dtype=np.float64)


def two_prop_test(
    succ_in: FloatArray, succ_out: FloatArray, pop_in: FloatArray, pop_out: FloatArray
) -> FloatArray:
    """Polis's two-proportion z-score, +1 on every count; 0 when the pooled proportion is 1 (stats.clj)."""
    s1 = np.asarray(succ_in, dtype=np.float64) + 1.0
    s2 = np.asarray(succ_out, dtype=np.float64) + 1.0
    n1 = np.asarray(pop_in, dtype=np.float64) + 1.0
    n2 = np.asarray(pop_out, dtype=np.float64) + 1.0
    pooled = (s1 + s2) / (n1 + n2)
    spread = np.sqrt(np.clip(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2), 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s1 / n1 - s2 / n2) / spread
    return np.asarray(np.where((pooled >= 1.0) | (spread == 0), 0.0, z), dtype=np.float64)


@dataclass(frozen=True)
class RepresentativeStatement:
    """A statement that sets a group apart: how the group reacted, compared with everyone else."""

    statement: int
    direction: str  # "agree" or "disagree"
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    best_agree: bool = False


@dataclass(frozen=True)
class ConsensusStatement:
    """A statement that most participants agree (or disagree) with, significantly more than half."""

    statement: int
    direction: str
    n_success: int
    n_trials: int
    p_success: float
    p_test: float


@dataclass(frozen=True)
class DivisiveStatement:
    """A statement that the groups answer most differently: the widest gap in agreement between groups."""

    statement: int
    most_agreeing_group: int
    least_agreeing_group: int
    gap: float
    z: float


def _finalize(stat: dict[str, float], statement: int, best_agree: bool = False) -> RepresentativeStatement:
    if stat["rat"] > stat["rdt"]:
        keys = ("na", "pa", "pat", "ra", "rat", "agree")
    else:
        keys = ("nd", "pd", "pdt", "rd", "rdt", "disagree")
    return RepresentativeStatement(
        statement=statement,
        direction=keys[5],
        n_success=int(stat[keys[0]]),
        n_trials=int(stat["ns"]),
        p_success=float(stat[keys[1]]),
        p_test=float(stat[keys[2]]),
        repness=float(stat[keys[3]]),
        repness_test=float(stat[keys[4]]),
        best_agree=best_agree,
    )


def _metric(r: RepresentativeStatement) -> float:
    return r.repness * r.repness_test * r.p_success * r.p_test


def select_representative(
    statements: IntArray,
    agree: FloatArray,
    disagree: FloatArray,
    seen: FloatArray,
    excluded: frozenset[int] = frozenset(),
    pick: int = 5,
) -> tuple[tuple[RepresentativeStatement, ...], ...]:
    """Each group's representative statements, as Polis's conv-repness and select-rep-comments (repness.clj).

    ``agree``, ``disagree`` and ``seen`` are (groups × statements) counts among group members. A statement
    is representative of a group when both its agreement (or disagreement) in the group and the gap with
    the rest are significant at 90 %; up to ``pick`` are kept by repness × tests × probability, the best
    agreed statement first and agreements before disagreements. A group with none gets its best one.
    """
    g = agree.shape[0]
    rest_a = agree.sum(axis=0) - agree
    rest_d = disagree.sum(axis=0) - disagree
    rest_s = seen.sum(axis=0) - seen
    pa = (agree + 1.0) / (seen + 2.0)
    pd = (disagree + 1.0) / (seen + 2.0)
    table = {
        "na": agree,
        "nd": disagree,
        "ns": seen,
        "pa": pa,
        "pd": pd,
        "pat": prop_test(agree, seen),
        "pdt": prop_test(disagree, seen),
        "ra": pa / ((rest_a + 1.0) / (rest_s + 2.0)),
        "rd": pd / ((rest_d + 1.0) / (rest_s + 2.0)),
        "rat": two_prop_test(agree, rest_a, seen, rest_s),
        "rdt": two_prop_test(disagree, rest_d, seen, rest_s),
    }
    out: list[tuple[RepresentativeStatement, ...]] = []
    for gi in range(g):
        sufficient: list[RepresentativeStatement] = []
        best: RepresentativeStatement | None = None
        best_agree: dict[str, float] | None = None
        best_agree_tid = -1
        for j, tid in enumerate(statements.tolist()):
            if tid in excluded:
                continue
            st = {key: float(val[gi, j]) for key, val in table.items()}
            passes = (st["rat"] > Z_90 and st["pat"] > Z_90) or (st["rdt"] > Z_90 and st["pdt"] > Z_90)
            if passes:
                sufficient.append(_finalize(st, tid))
            if not sufficient and (best is None or max(st["rat"], st["rdt"]) > best.repness_test):
                best = _finalize(st, tid)
            if _beats_best_agree(st, best_agree):
                best_agree, best_agree_tid = st, tid
        head: list[RepresentativeStatement] = []
        if best_agree is not None:
            head = [_finalize(best_agree, best_agree_tid, best_agree=True)]
        elif best is not None:
            head = [best]
        if not sufficient:
            out.append(tuple(head))
            continue
        ranked = sorted((r for r in sufficient if r.statement != best_agree_tid), key=_metric, reverse=True)
        chosen = ([head[0]] if best_agree is not None else []) + ranked
        chosen = chosen[:pick]
        out.append(
            tuple(
                [r for r in chosen if r.direction == "agree"] + [r for r in chosen if r.direction != "agree"]
            )
        )
    return tuple(out)


def _beats_best_agree(st: dict[str, float], current: dict[str, float] | None) -> bool:
    # repness.clj, beats-best-agr?: keep a statement the group agrees with, even when nothing is significant.
    if st["na"] == 0 and st["nd"] == 0:
        return False
    if current is not None and current["ra"] > 1.0:
        return (
            st["ra"] * st["rat"] * st["pa"] * st["pat"]
            > current["ra"] * current["rat"] * current["pa"] * current["pat"]
        )
    if current is not None:
        return st["pa"] * st["pat"] > current["pa"] * current["pat"]
    return st["pat"] > Z_90 or (st["ra"] > 1.0 and st["pa"] > 0.5)


def select_consensus(
    statements: IntArray,
    agree: FloatArray,
    disagree: FloatArray,
    seen: FloatArray,
    excluded: frozenset[int] = frozenset(),
    pick: int = 5,
) -> dict[str, tuple[ConsensusStatement, ...]]:
    """Statements most agreed (disagreed) overall: probability > ½ and z > 1.2816, top ``pick`` by p·z.

    Polis's consensus-stats and select-consensus-comments (repness.clj); counts are over all participants.
    """
    result: dict[str, tuple[ConsensusStatement, ...]] = {}
    for direction, n in (("agree", agree), ("disagree", disagree)):
        p = (n + 1.0) / (seen + 2.0)
        z = prop_test(n, seen)
        keep = [
            j
            for j, tid in enumerate(statements.tolist())
            if tid not in excluded and p[j] > 0.5 and z[j] > Z_90
        ]
        keep.sort(key=lambda j: -p[j] * z[j])
        result[direction] = tuple(
            ConsensusStatement(
                int(statements[j]), direction, int(n[j]), int(seen[j]), float(p[j]), float(z[j])
            )
            for j in keep[:pick]
        )
    return result


def group_informed_consensus(
    agree: FloatArray, disagree: FloatArray, seen: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Group-informed consensus: the product over groups of (A+1)/(S+2), for agree and for disagree.

    Polis's group-aware-consensus (conversation.clj); high only when every group agrees, whatever its size.
    """
    gac_agree = np.prod((agree + 1.0) / (seen + 2.0), axis=0)
    gac_disagree = np.prod((disagree + 1.0) / (seen + 2.0), axis=0)
    return np.asarray(gac_agree, dtype=np.float64), np.asarray(gac_disagree, dtype=np.float64)


def select_divisive(
    statements: IntArray,
    agree: FloatArray,
    seen: FloatArray,
    excluded: frozenset[int] = frozenset(),
    pick: int = 5,
) -> tuple[DivisiveStatement, ...]:
    """Statements on which groups differ most: largest gap in (A+1)/(S+2) between two groups, significant.

    coopgov's rule (Polis shows divisiveness only through its map): the gap between the most and the least
    agreeing group, kept when Polis's two-proportion z-test between those two groups exceeds 1.2816.
    """
    if agree.shape[0] < 2:
        return ()
    p = (agree + 1.0) / (seen + 2.0)
    hi = p.argmax(axis=0)
    lo = p.argmin(axis=0)
    cols = np.arange(p.shape[1])
    gap = p[hi, cols] - p[lo, cols]
    z = two_prop_test(agree[hi, cols], agree[lo, cols], seen[hi, cols], seen[lo, cols])
    order = [
        j
        for j in np.argsort(-gap, kind="stable").tolist()
        if z[j] > Z_90 and int(statements[j]) not in excluded
    ]
    return tuple(
        DivisiveStatement(int(statements[j]), int(hi[j]), int(lo[j]), float(gap[j]), float(z[j]))
        for j in order[:pick]
    )
