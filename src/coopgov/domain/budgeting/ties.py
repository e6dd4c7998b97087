"""How budgeting rules settle ties between projects: a published order first, then the seeded lottery."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from coopgov.domain.budgeting.model import BudgetingError
from coopgov.domain.voting.ties import SeededLottery

#: ``official``: cheapest project first, then most voters, then the seeded lottery — the order
#: equalshares.net recommends ("How to break ties?", equalshares.net/implementation/tie-breaking).
#: ``lottery``: the seeded lottery alone. ``project-id``: the smallest project identifier as text —
#: pabutools' default ``lexico_tie_breaking``, offered to reproduce its outcomes.
TIE_RULES = ("official", "lottery", "project-id")


def break_tie(
    tied: Sequence[str],
    *,
    rule: str,
    lottery: SeededLottery,
    context: str,
    cost: Mapping[str, Fraction],
    votes: Mapping[str, int],
) -> str:
    """The project that wins a tie under ``rule`` (see ``TIE_RULES``); lottery draws are recorded."""
    candidates = sorted(set(tied))
    if len(candidates) == 1:
        return candidates[0]
    if rule == "project-id":
        return candidates[0]
    if rule == "official":
        cheapest = min(cost[p] for p in candidates)
        candidates = [p for p in candidates if cost[p] == cheapest]
        most = max(votes[p] for p in candidates)
        candidates = [p for p in candidates if votes[p] == most]
    elif rule != "lottery":
        raise BudgetingError(f"unknown tie-breaking rule {rule!r}; use one of {', '.join(TIE_RULES)}")
    return lottery.pick(candidates, context)
