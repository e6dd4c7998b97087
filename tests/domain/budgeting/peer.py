"""pabutools driven the way coopgov's rules are defined, for differential tests and the benchmark.

pabutools is a test-only dependency. Its default tie-breaking is by project name; here it is given
coopgov's own order (cheaper, then more voters, then the same seeded lottery hash) so that both
libraries break ties alike. Its ``voter_budget_increment`` completion differs from the official add1
by design (see ``official_add1``), so add1 is reproduced by re-running pabutools' fixed-budget rule.
"""

from __future__ import annotations

import hashlib
from fractions import Fraction
from math import floor
from pathlib import Path
from typing import Any

from coopgov.domain.budgeting.mes import TIE_CONTEXT


def lottery_key(seed: int | str, candidate: str, context: str = TIE_CONTEXT) -> str:
    """The rank coopgov's SeededLottery gives ``candidate`` (same formula, recomputed here)."""
    return hashlib.sha256(f"{seed}\x1f{context}\x1f{candidate}".encode()).hexdigest()


def load(path: Path) -> tuple[Any, Any]:
    from pabutools.election import parse_pabulib

    return parse_pabulib(str(path))


def _supporters(profile: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ballot in profile:
        mult = profile.multiplicity(ballot) if hasattr(profile, "multiplicity") else 1
        for project in ballot:
            if not hasattr(ballot, "get") or ballot.get(project, 1) > 0:
                counts[project.name] = counts.get(project.name, 0) + mult
    return counts


def official_order(profile: Any, seed: int | str = 0) -> Any:
    """A pabutools tie-breaking rule equal to coopgov's ``official`` rule."""
    from pabutools.tiebreaking import TieBreakingRule

    votes = _supporters(profile)
    return TieBreakingRule(lambda inst, prof, p: (p.cost, -votes.get(p.name, 0), lottery_key(seed, p.name)))


def sat_class(kind: str) -> Any:
    from pabutools.election import Additive_Cardinal_Sat, Cardinality_Sat, Cost_Sat

    return {"cost": Cost_Sat, "approval": Cardinality_Sat, "points": Additive_Cardinal_Sat}[kind]


def mes(instance: Any, profile: Any, utility: str, seed: int | str = 0) -> set[str]:
    """pabutools' Method of Equal Shares at budget / voters per voter, no completion."""
    from pabutools.rules import method_of_equal_shares

    out = method_of_equal_shares(
        instance, profile, sat_class=sat_class(utility), tie_breaking=official_order(profile, seed)
    )
    return {p.name for p in out}


def official_add1(instance: Any, profile: Any, utility: str, seed: int | str = 0) -> set[str]:
    """The official add1 completion driven by pabutools' fixed-budget rule.

    Start every voter at ⌊budget / voters⌋ and add 1 while the next outcome fits the budget. This is
    what Pabulib's "equalshares/add1" elections used; pabutools' own ``voter_budget_increment=1``
    starts at budget / voters (not rounded down) and also stops as soon as the outcome is exhaustive,
    which gives another outcome on Wieliczka.
    """
    from pabutools.rules import method_of_equal_shares

    original = instance.budget_limit
    budget = Fraction(str(original))
    n = profile.num_ballots()
    if sum(Fraction(p.cost) for p in instance) <= budget:
        return mes(instance, profile, utility, seed)
    tie = official_order(profile, seed)
    sat = sat_class(utility)

    def run(share: int) -> set[str]:
        instance.budget_limit = share * n
        try:
            return {
                p.name for p in method_of_equal_shares(instance, profile, sat_class=sat, tie_breaking=tie)
            }
        finally:
            instance.budget_limit = original

    costs = {p.name: Fraction(p.cost) for p in instance}
    share = floor(budget / n)
    chosen = run(share)
    while True:
        following = run(share + 1)
        if sum(costs[p] for p in following) > budget:
            return chosen
        share, chosen = share + 1, following


def pabutools_increment_add1(instance: Any, profile: Any, utility: str, seed: int | str = 0) -> set[str]:
    """pabutools' own iterated MES (``voter_budget_increment=1``): not the official add1."""
    from pabutools.rules import method_of_equal_shares

    out = method_of_equal_shares(
        instance,
        profile,
        sat_class=sat_class(utility),
        tie_breaking=official_order(profile, seed),
        voter_budget_increment=1,
    )
    return {p.name for p in out}


def greedy_by_votes(instance: Any, profile: Any) -> set[str]:
    """pabutools' greedy utilitarian welfare with cost utilities = greedy by number of voters.

    Marginal welfare per unit of cost is then the number of voters, so the order is coopgov's greedy
    order; ties go by project name (pabutools' default), as coopgov's ``project-id`` tie rule.
    Unlike coopgov's default, pabutools also funds projects nobody voted for when they fit.
    """
    from pabutools.election import Cost_Sat
    from pabutools.rules import greedy_utilitarian_welfare

    return {p.name for p in greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)}
