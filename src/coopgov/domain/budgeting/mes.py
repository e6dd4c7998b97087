"""The Method of Equal Shares for participatory budgeting, with the completions used in real elections."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from coopgov.domain.budgeting.greedy import greedy
from coopgov.domain.budgeting.model import BudgetingError, BudgetResult, Election, money
from coopgov.domain.budgeting.ties import TIE_RULES, break_tie
from coopgov.domain.voting.ties import SeededLottery

UTILITIES = ("cost", "approval", "points")
COMPLETIONS = ("none", "add1", "add1-comparison")

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Floating point decides a step only when its answer is clear by this relative margin; any closer
# call (a near-tie, a project whose supporters hold almost exactly its cost) re-runs the whole
# computation in exact rational arithmetic. Double precision errors here are around 1e-13.
_MARGIN = 1e-9
TIE_CONTEXT = "equal shares: projects tied on effective support"


@dataclass(frozen=True)
class _Prepared:
    """An election reduced to what equal shares needs; voters with identical ballots form one group.

    Voters with the same ballot are treated alike by the rule at every step, so they always hold the
    same remaining money: one group with a weight stands for all of them.
    """

    ids: tuple[str, ...]
    costs: tuple[Fraction, ...]
    votes: tuple[int, ...]  # voters supporting each project
    n_voters: int
    weight: IntArray  # voters in each group
    supporters: tuple[IntArray, ...]  # groups supporting each project
    points: tuple[IntArray | None, ...]  # utility units per supporting group; None means one each
    scale: tuple[Fraction, ...]  # what one utility unit is worth (the cost, for cost utilities)
    top_point: int


def _prepare(election: Election, utility: str) -> _Prepared:
    kind = election.vote_type
    if kind == "ordinal":
        raise BudgetingError(
            "equal shares needs approval, choose-1, cumulative or scoring ballots: "
            "ranked (ordinal) ballots carry no utilities; use greedy for them"
        )
    if utility not in UTILITIES:
        raise BudgetingError(f"unknown utility {utility!r}; use one of {', '.join(UTILITIES)}")
    cardinal = kind in ("cumulative", "scoring")
    if cardinal and utility != "points":
        raise BudgetingError(f"{kind} ballots give points: use the 'points' utility, not {utility!r}")
    if not cardinal and utility == "points":
        raise BudgetingError(f"{kind} ballots give no points: use the 'cost' or 'approval' utility")
    index = {p.id: k for k, p in enumerate(election.projects)}
    groups: dict[tuple[tuple[int, int], ...], int] = {}
    weights: list[int] = []
    # Count identical ballots as written first (fast hashing), then normalise each distinct one.
    written = Counter((b.projects, b.points if cardinal else None) for b in election.ballots)
    for (chosen, given), count in written.items():
        pts = given if given is not None else (1,) * len(chosen)
        merged: dict[int, int] = {}
        for pid, pt in zip(chosen, pts, strict=True):
            merged[index[pid]] = merged.get(index[pid], 0) + pt
        key = tuple(sorted((p, u) for p, u in merged.items() if u > 0))
        g = groups.setdefault(key, len(groups))
        if g == len(weights):
            weights.append(0)
        weights[g] += count
    supp: list[list[int]] = [[] for _ in election.projects]
    upts: list[list[int]] = [[] for _ in election.projects]
    for key, g in groups.items():
        for p, u in key:
            supp[p].append(g)
            upts[p].append(u)
    weight = np.array(weights, dtype=np.int64)
    supporters = tuple(np.array(s, dtype=np.int64) for s in supp)
    points = tuple(np.array(u, dtype=np.int64) if cardinal else None for u in upts)
    top = max((max(u) for u in upts if u), default=1) if cardinal else 1
    return _Prepared(
        ids=tuple(p.id for p in election.projects),
        costs=tuple(p.cost for p in election.projects),
        votes=tuple(int(weight[s].sum()) for s in supporters),
        n_voters=len(election.ballots),
        weight=weight,
        supporters=supporters,
        points=points,
        scale=tuple(p.cost if utility == "cost" else Fraction(1) for p in election.projects),
        top_point=top,
    )


@dataclass
class _Run:
    """One run of equal shares at a fixed share per voter."""

    selected: list[int] = field(default_factory=list)
    rounds: list[dict[str, Any]] = field(default_factory=list)
    last_support: dict[int, Fraction | float] = field(default_factory=dict)
    unaffordable: dict[int, Fraction | float] = field(default_factory=dict)
    draws: list[Any] = field(default_factory=list)
    unsure: bool = False
    exact: bool = False


class _Unsure(Exception):
    """Floating point cannot settle a step safely: redo the run exactly."""


class _Budgets:
    """The voters' remaining money, as a few classes of equal value (exact or float)."""

    def __init__(self, share: Fraction, n_groups: int, exact: bool) -> None:
        self.exact = exact
        first: Fraction | float = share if exact else float(share)
        self.values: list[Fraction | float] = [first]
        self.valuef = np.array([float(share)], dtype=np.float64)
        self.where: dict[Fraction | float, int] = {first: 0}
        self.cls = np.zeros(n_groups, dtype=np.int64)

    def class_of(self, value: Fraction | float) -> int:
        k = self.where.get(value)
        if k is None:
            k = len(self.values)
            self.values.append(value)
            self.where[value] = k
            self.valuef = np.append(self.valuef, float(value))
        return k


def _pairs(prep: _Prepared, budgets: _Budgets, p: int) -> tuple[IntArray, IntArray, IntArray]:
    """Supporters of ``p`` aggregated by (money class, utility units): classes, units, voters."""
    groups = prep.supporters[p]
    w = prep.weight[groups]
    units = prep.points[p]
    base = prep.top_point + 1
    keys = budgets.cls[groups] * base + (units if units is not None else 1)
    counts = np.bincount(keys, weights=w)
    nz = np.nonzero(counts)[0]
    return nz // base, nz % base, counts[nz].astype(np.int64)


def _price_float(cost: float, v: FloatArray, u: IntArray, n: IntArray) -> float:
    """Smallest price per unit such that supporters paying min(money, price × units) cover the cost."""
    order = np.argsort(v / u, kind="stable")
    v, u, n = v[order], u[order], n[order]
    money_in = n * v
    paid_before = np.cumsum(money_in) - money_in
    units_in = n * u
    units_left = units_in.sum() - (np.cumsum(units_in) - units_in)
    price = (cost - paid_before) / units_left
    ok = np.nonzero(price * u <= v * (1 + 1e-12))[0]
    if len(ok) == 0:
        raise _Unsure
    return float(price[ok[0]])


def _price_exact(cost: Fraction, items: list[tuple[Fraction, int, int]]) -> Fraction | None:
    items = sorted(items, key=lambda t: t[0] / t[1])
    paid = Fraction(0)
    units_left = sum(u * n for _, u, n in items)
    for v, u, n in items:
        price = (cost - paid) / units_left
        if price * u <= v:
            return price
        paid += v * n
        units_left -= u * n
    return None


def _run(
    prep: _Prepared, share: Fraction, *, exact: bool, tie_rule: str, seed: int | str, explain: bool
) -> _Run:
    """Equal shares with every voter starting at ``share`` (Peters, Pierczyński & Skowron, 2021)."""
    run = _Run(exact=exact)
    lottery = SeededLottery(seed)
    budgets = _Budgets(share, len(prep.weight), exact)
    cost_of = dict(zip(prep.ids, prep.costs, strict=True))
    votes_of = dict(zip(prep.ids, prep.votes, strict=True))
    remaining: list[int] = []
    # Lower bounds on each project's price per utility: prices only rise as voters spend.
    bound: dict[int, float] = {}
    for p, cost in enumerate(prep.costs):
        if prep.votes[p] == 0:
            continue
        if cost == 0:
            run.selected.append(p)  # supported and free: funded at once, as pabutools does
            continue
        remaining.append(p)
        units = prep.points[p]
        total_units = int((prep.weight[prep.supporters[p]] * (units if units is not None else 1)).sum())
        bound[p] = float(cost / (total_units * prep.scale[p]))
    while remaining:
        best = math.inf
        priced: dict[int, Fraction | float] = {}
        money_behind: dict[int, Fraction | float] = {}
        for p in sorted(remaining, key=lambda q: bound[q]):
            if bound[p] > best * (1 + _MARGIN) and not explain:
                break
            cls, units, n = _pairs(prep, budgets, p)
            cost = prep.costs[p]
            if exact:
                items = [
                    (Fraction(budgets.values[c]), int(u), int(k))
                    for c, u, k in zip(cls, units, n, strict=True)
                ]
                behind: Fraction | float = sum((v * k for v, _, k in items), Fraction(0))
                if behind < cost:
                    remaining.remove(p)
                    run.unaffordable[p] = behind
                    continue
                price = _price_exact(cost, items)
                assert price is not None  # the supporters hold enough, so a price exists
                rho: Fraction | float = price / prep.scale[p]
            else:
                v = budgets.valuef[cls]
                behind = float((v * n).sum())
                costf = float(cost)
                if behind < costf * (1 - _MARGIN):
                    remaining.remove(p)
                    run.unaffordable[p] = behind
                    continue
                if behind < costf * (1 + _MARGIN):
                    raise _Unsure
                rho = _price_float(costf, v, units, n) / float(prep.scale[p])
            bound[p] = float(rho)
            priced[p] = rho
            money_behind[p] = behind
            best = min(best, float(rho))
        if not priced:
            break
        low = min(priced.values())
        if exact:
            tied = [p for p, r in priced.items() if r == low]
        else:
            tied = [p for p, r in priced.items() if r <= float(low) * (1 + _MARGIN)]
            if len(tied) > 1:
                raise _Unsure
        if len(tied) > 1:
            before = len(lottery.draws)
            name = break_tie(
                [prep.ids[p] for p in tied],
                rule=tie_rule,
                lottery=lottery,
                context=TIE_CONTEXT,
                cost=cost_of,
                votes=votes_of,
            )
            winner = prep.ids.index(name)
            run.draws.extend(lottery.draws[before:])
        else:
            winner = tied[0]
        _pay(prep, budgets, winner, priced[winner], run, explain, priced, money_behind)
        run.selected.append(winner)
        remaining.remove(winner)
        for p, r in priced.items():
            run.last_support[p] = r
    return run


def _pay(
    prep: _Prepared,
    budgets: _Budgets,
    p: int,
    rho: Fraction | float,
    run: _Run,
    explain: bool,
    priced: dict[int, Fraction | float],
    money_behind: dict[int, Fraction | float],
) -> None:
    """Charge the supporters of ``p``: each pays min(money left, price × utility units)."""
    groups = prep.supporters[p]
    units = prep.points[p]
    base = prep.top_point + 1
    old = budgets.cls[groups]
    keys = old * base + (units if units is not None else 1)
    uniq, inverse = np.unique(keys, return_inverse=True)
    per_unit: Fraction | float = rho * prep.scale[p] if budgets.exact else float(rho) * float(prep.scale[p])
    new_cls = np.empty(len(uniq), dtype=np.int64)
    payments: dict[Fraction | float, int] = {}
    w = prep.weight[groups]
    voters_per_key = np.bincount(inverse, weights=w).astype(np.int64)
    full = exhausted = 0
    for k, key in enumerate(uniq):
        value = budgets.values[int(key) // base]
        due = per_unit * int(key % base)
        if due < value:
            new_value = value - due
            full += int(voters_per_key[k])
        else:
            due, new_value = value, (Fraction(0) if budgets.exact else 0.0)
            exhausted += int(voters_per_key[k])
        new_cls[k] = budgets.class_of(new_value)
        payments[due] = payments.get(due, 0) + int(voters_per_key[k])
    budgets.cls[groups] = new_cls[inverse]
    if not explain:
        return
    cost = prep.costs[p]
    others = sorted((r, q) for q, r in priced.items() if q != p)
    left = float((budgets.valuef[budgets.cls] * prep.weight).sum())
    record: dict[str, Any] = {
        "round": len(run.rounds) + 1,
        "project": prep.ids[p],
        "cost": money(cost),
        "supporters": prep.votes[p],
        "effective_support": _round(float(cost) / float(per_unit)),
        "max_payment": _round(float(per_unit)),
        "money_behind": _round(float(money_behind[p])),
        "paying_full_share": full,
        "paying_all_they_had": exhausted,
        "payments": [[_round(float(amount)), n] for amount, n in sorted(payments.items(), reverse=True)],
        "voters_money_left": _round(left),
    }
    if others:
        r, q = others[0]
        record["runner_up"] = {
            "project": prep.ids[q],
            "effective_support": _round(float(prep.costs[q]) / (float(r) * float(prep.scale[q]))),
        }
    run.rounds.append(record)


def _round(x: float) -> float:
    return round(x, 2)


def _fixed(prep: _Prepared, share: Fraction, tie_rule: str, seed: int | str, explain: bool = False) -> _Run:
    """Run in floating point; if any step was too close to call, run again in exact arithmetic."""
    try:
        return _run(prep, share, exact=False, tie_rule=tie_rule, seed=seed, explain=explain)
    except _Unsure:
        return _run(prep, share, exact=True, tie_rule=tie_rule, seed=seed, explain=explain)


def _total(prep: _Prepared, chosen: Sequence[int]) -> Fraction:
    return sum((prep.costs[p] for p in chosen), Fraction(0))


def equal_shares(
    election: Election,
    *,
    utility: str | None = None,
    completion: str = "none",
    tie_break: str = "official",
    seed: int | str = 0,
    comparison: str = "satisfaction",
    stop_when_exhaustive: bool = False,
) -> BudgetResult:
    """Select projects by the Method of Equal Shares (MES).

    Rule: Peters, Pierczyński & Skowron, "Proportional Participatory Budgeting with Additive
    Utilities" (NeurIPS 2021), as described on equalshares.net. The budget is split equally among
    the voters; in each round the project whose cost its supporters can cover at the lowest price per
    unit of utility is funded, each supporter paying min(their money left, price × their utility).
    Utilities: ``cost`` (approval ballots: a project is worth its cost; the equalshares.net default),
    ``approval`` (worth 1) or ``points`` (cumulative and scoring ballots: the points given, as
    pabutools' ``Additive_Cardinal_Sat``). Ordinal ballots are refused.

    Completions (equalshares.net/implementation/completion and the equalshares compute tool, whose
    names Pabulib's ``rule`` field uses): ``none``; ``add1``: start every voter at ⌊budget / voters⌋
    and raise everyone's share by 1 as long as the next outcome still fits the budget (skipped when
    every project fits the budget at once). This is the variant that reproduces the three official
    Equal Shares elections in Pabulib; ``stop_when_exhaustive`` also stops as soon as no further
    project would fit (the compute tool's later "exhaustive" option). ``add1-comparison``: ``add1``,
    then the greedy outcome replaces it if more voters prefer greedy (more approved projects funded,
    ``comparison="satisfaction"``; or funded at all, ``comparison="exclusionRatio"``).

    Ties are broken by ``tie_break`` (see ``coopgov.domain.budgeting.ties``): by default the cheaper
    project, then the one with more voters, then the seeded lottery, as equalshares.net recommends.
    """
    if completion not in COMPLETIONS:
        raise BudgetingError(f"unknown completion {completion!r}; use one of {', '.join(COMPLETIONS)}")
    if tie_break not in TIE_RULES:
        raise BudgetingError(f"unknown tie-breaking rule {tie_break!r}; use one of {', '.join(TIE_RULES)}")
    if comparison not in ("satisfaction", "exclusionRatio"):
        raise BudgetingError(f"unknown comparison {comparison!r}; use satisfaction or exclusionRatio")
    if utility is None:
        utility = "points" if election.vote_type in ("cumulative", "scoring") else "cost"
    prep = _prepare(election, utility)
    budget = election.budget
    n = max(prep.n_voters, 1)
    explanation: dict[str, Any] = {"utility": utility, "completion": completion, "tie_break": tie_break}
    everything_fits = _total(prep, range(len(prep.ids))) <= budget
    if completion == "none" or everything_fits or prep.n_voters == 0:
        share = budget / n
        if completion != "none":
            explanation["completion_note"] = "every project fits the budget: no completion needed"
    else:
        share, steps, stop = _add1(prep, budget, tie_break, seed, stop_when_exhaustive)
        explanation["add1"] = {
            "start_share": money(Fraction(math.floor(budget / n))),
            "final_share": money(share),
            "increments": steps,
            "stopped_because": stop,
        }
    final = _fixed(prep, share, tie_break, seed, explain=True)
    selected = [prep.ids[p] for p in final.selected]
    method = "equal-shares" if completion == "none" else f"equal-shares/{completion}"
    explanation["initial_share"] = money(share)
    explanation["exact_arithmetic"] = final.exact
    explanation["rounds"] = final.rounds
    explanation["not_funded"] = _not_funded(prep, final)
    draws = list(final.draws)
    if completion == "add1-comparison" and not everything_fits:
        alternative = greedy(election, skip=True, tie_break=tie_break, seed=seed)
        verdict = _compare(election, selected, list(alternative.selected), comparison)
        explanation["comparison"] = verdict
        if verdict["prefer_greedy"] > verdict["prefer_equal_shares"]:
            explanation["comparison"]["outcome"] = "greedy"
            selected = list(alternative.selected)
            draws.extend(alternative.tie_breaks)
        else:
            explanation["comparison"]["outcome"] = "equal shares"
    costs = dict(zip(prep.ids, prep.costs, strict=True))
    return BudgetResult(
        method=method,
        selected=tuple(selected),
        cost=sum((costs[p] for p in selected), Fraction(0)),
        budget=budget,
        explanation=explanation,
        tie_breaks=tuple(draws),
    )


def _add1(
    prep: _Prepared, budget: Fraction, tie_rule: str, seed: int | str, stop_when_exhaustive: bool
) -> tuple[Fraction, int, str]:
    """The share per voter the add1 completion settles on (equalshares compute tool, "add1")."""
    n = prep.n_voters
    share = Fraction(math.floor(budget / n))
    supported = _total(prep, [p for p in range(len(prep.ids)) if prep.votes[p] > 0])
    if supported <= budget:
        # Every outcome fits, so add1 would raise the shares without end. Once each voter holds the
        # cost of all supported projects, every one of them is funded and nothing changes after.
        return max(share, Fraction(math.ceil(supported))), 0, "every supported project fits the budget"
    run = _fixed(prep, share, tie_rule, seed)
    spent = _total(prep, run.selected)
    steps = 0
    while True:
        chosen = set(run.selected)
        if stop_when_exhaustive and all(p in chosen or spent + c > budget for p, c in enumerate(prep.costs)):
            return share, steps, "exhaustive: no further project fits the budget"
        following = _fixed(prep, share + 1, tie_rule, seed)
        following_cost = _total(prep, following.selected)
        if following_cost > budget:
            return share, steps, "one more unit per voter would overspend the budget"
        share, run, spent, steps = share + 1, following, following_cost, steps + 1


def _not_funded(prep: _Prepared, run: _Run) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    chosen = set(run.selected)
    for p, pid in enumerate(prep.ids):
        if p in chosen:
            continue
        entry: dict[str, Any] = {"project": pid, "cost": money(prep.costs[p]), "supporters": prep.votes[p]}
        if prep.votes[p] == 0:
            entry["reason"] = "no supporters"
        elif p in run.unaffordable:
            entry["reason"] = "its supporters' remaining money could not cover its cost"
            entry["money_behind"] = _round(float(run.unaffordable[p]))
        else:
            entry["reason"] = "never the best value when money remained"
            if p in run.last_support:
                per_unit = float(run.last_support[p]) * float(prep.scale[p])
                entry["last_effective_support"] = _round(float(prep.costs[p]) / per_unit)
        out.append(entry)
    return out


def _compare(election: Election, mes: list[str], other: list[str], how: str) -> dict[str, Any]:
    """The equalshares.net comparison step: how many voters prefer each outcome."""
    a, b = set(mes), set(other)
    prefer_mes = prefer_greedy = 0
    for ballot in election.ballots:
        mine = set(ballot.projects)
        if how == "satisfaction":
            x, y = len(mine & a), len(mine & b)
        else:
            x, y = int(bool(mine & a)), int(bool(mine & b))
        prefer_mes += x > y
        prefer_greedy += y > x
    return {"method": how, "prefer_equal_shares": prefer_mes, "prefer_greedy": prefer_greedy}
