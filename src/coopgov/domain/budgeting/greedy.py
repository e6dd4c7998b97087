"""Greedy participatory budgeting: fund the most supported projects while the money lasts."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from coopgov.domain.budgeting.model import BudgetingError, BudgetResult, Election, money
from coopgov.domain.budgeting.ties import TIE_RULES, break_tie
from coopgov.domain.voting.ties import SeededLottery


def scores(election: Election) -> dict[str, int]:
    """Each project's support as greedy counts it, by ballot kind.

    Approval and choose-1: the number of voters who chose it. Cumulative and scoring: the points it
    received. Ordinal: positional points as Pabulib's ``score`` column counts them for the Polish
    elections (Kraków): a ballot of at most ``max_length`` places gives ``max_length`` points to its
    first choice, one less to the next, and so on.
    """
    total = {p.id: 0 for p in election.projects}
    if election.vote_type == "ordinal":
        top = election.max_length or max((len(b.projects) for b in election.ballots), default=0)
        for ballot in election.ballots:
            for place, pid in enumerate(ballot.projects):
                total[pid] += max(top - place, 0)
    elif election.vote_type in ("cumulative", "scoring"):
        for ballot in election.ballots:
            for pid, pts in zip(ballot.projects, ballot.points or (), strict=True):
                total[pid] += pts
    else:
        for ballot in election.ballots:
            for pid in set(ballot.projects):
                total[pid] += 1
    return total


def greedy(
    election: Election,
    *,
    skip: bool = True,
    tie_break: str = "lottery",
    seed: int | str = 0,
    fund_unsupported: bool = False,
) -> BudgetResult:
    """Fund projects in order of support while they fit the budget ("greedy by votes").

    Rule: the utilitarian greedy rule of Pabulib's ``greedy`` and ``greedy-no-skip`` (Faliszewski et
    al., "Participatory Budgeting: Data, Tools, and Analysis", IJCAI 2023), which CONSUL Democracy
    applies to a budget heading (``Budget::Result``: investments by votes, each funded if it still
    fits). With ``skip=True`` a project that does not fit is passed over and cheaper ones below it
    may still be funded; with ``skip=False`` funding stops at the first project that does not fit
    (Pabulib ``greedy-no-skip``). Support is counted by ``scores``. Projects nobody supported are not
    funded unless ``fund_unsupported``. Equal support is settled by ``tie_break`` (default: the seeded
    lottery, recorded in the result).
    """
    if tie_break not in TIE_RULES:
        raise BudgetingError(f"unknown tie-breaking rule {tie_break!r}; use one of {', '.join(TIE_RULES)}")
    support = scores(election)
    cost = {p.id: p.cost for p in election.projects}
    votes = {p.id: 0 for p in election.projects}
    for ballot in election.ballots:
        for pid in set(ballot.projects):
            votes[pid] += 1
    lottery = SeededLottery(seed)
    by_score: dict[int, list[str]] = {}
    for pid, s in support.items():
        by_score.setdefault(s, []).append(pid)
    order: list[str] = []
    for s in sorted(by_score, reverse=True):
        tier = sorted(by_score[s])
        if tie_break == "lottery":
            order.extend(lottery.order(tier, f"greedy: {s} support"))
            continue
        while tier:
            first = break_tie(
                tier, rule=tie_break, lottery=lottery, context=f"greedy: {s} support", cost=cost, votes=votes
            )
            order.append(first)
            tier.remove(first)
    left = election.budget
    selected: list[str] = []
    steps: list[dict[str, Any]] = []
    stopped = False
    for pid in order:
        step: dict[str, Any] = {"project": pid, "support": support[pid], "cost": money(cost[pid])}
        if stopped:
            step["decision"] = "not reached: funding stopped earlier"
        elif support[pid] == 0 and not fund_unsupported:
            step["decision"] = "not funded: no support"
        elif cost[pid] <= left:
            left -= cost[pid]
            selected.append(pid)
            step["decision"] = "funded"
        elif skip:
            step["decision"] = "skipped: does not fit the money left"
        else:
            step["decision"] = "does not fit the money left: funding stops here"
            stopped = True
        step["money_left"] = money(left)
        steps.append(step)
    return BudgetResult(
        method="greedy" if skip else "greedy-no-skip",
        selected=tuple(selected),
        cost=sum((cost[p] for p in selected), Fraction(0)),
        budget=election.budget,
        explanation={
            "support": _support_kind(election),
            "skip": skip,
            "tie_break": tie_break,
            "steps": steps,
        },
        tie_breaks=tuple(lottery.draws),
    )


def _support_kind(election: Election) -> str:
    if election.vote_type == "ordinal":
        return "positional points (max_length for first place, one less per place)"
    if election.vote_type in ("cumulative", "scoring"):
        return "points"
    return "voters"
