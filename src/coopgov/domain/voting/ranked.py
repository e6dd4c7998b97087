"""Single-winner ranked counting rules: Schulze, ranked pairs (Tideman) and instant-runoff voting.

Each function takes a :class:`~coopgov.domain.voting.ranked_ballots.RankedProfile` and a seed, and
returns a :class:`~coopgov.domain.voting.result.TallyResult` whose explanation a page can show.
Ties the rule cannot settle are settled by :class:`~coopgov.domain.voting.ties.SeededLottery`, and
every draw is recorded in ``tie_breaks``.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from coopgov.domain.voting._ranked_util import matrix, num, totals
from coopgov.domain.voting.ranked_ballots import UNRANKED, RankedProfile, pairwise_matrix
from coopgov.domain.voting.result import TallyResult
from coopgov.domain.voting.ties import SeededLottery

Strength = Literal["winning", "margin"]


def _tiers_from_beats(beats: npt.NDArray[np.bool_], ids: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Peel off, tier by tier, the candidates no remaining candidate beats (``beats`` is acyclic)."""
    remaining = list(range(len(ids)))
    tiers: list[tuple[str, ...]] = []
    while remaining:
        sub = beats[np.ix_(remaining, remaining)]
        top = [remaining[i] for i in range(len(remaining)) if not sub[:, i].any()]
        if not top:  # cannot happen for an acyclic relation; keep the loop finite regardless
            top = list(remaining)
        tiers.append(tuple(ids[i] for i in top))
        remaining = [c for c in remaining if c not in top]
    return tuple(tiers)


def _widest_paths(links: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Strength of the strongest path between every pair (Floyd–Warshall on max–min), vectorised."""
    p = links.copy()
    n = p.shape[0]
    for k in range(n):
        via = np.minimum(p[:, k, None], p[None, k, :])
        np.maximum(p, via, out=p)
    np.fill_diagonal(p, 0.0)
    return p


def schulze(profile: RankedProfile, *, seed: int | str = 0, strength: Strength = "winning") -> TallyResult:
    """Schulze method (beatpath): the winner and a full ranking with ties.

    Source: M. Schulze, "A new monotonic, clone-independent, reversal symmetric, and Condorcet-consistent
    single-winner election method", Social Choice and Welfare 36 (2011) 267–303, §2–§4. Link strength
    is "winning votes" by default (``d[a,b]`` when ``d[a,b] > d[b,a]``, else 0), as Schulze recommends and
    as Debian's constitution (A.6) counts; ``strength="margin"`` uses ``d[a,b] − d[b,a]``. Candidate ``a``
    beats ``b`` when the strongest path from ``a`` to ``b`` is stronger than from ``b`` to ``a``; this
    relation is transitive (Schulze §4.1), so the ranking is its tiers. Several unbeaten candidates:
    the seeded lottery picks the winner and is recorded. Unranked candidates count below ranked ones.
    """
    ids = profile.candidate_ids
    lottery = SeededLottery(seed)
    d = pairwise_matrix(profile)
    if strength == "winning":
        links = np.where(d > d.T, d, 0.0)
    elif strength == "margin":
        links = np.maximum(d - d.T, 0.0)
    else:
        raise ValueError(f"unknown Schulze link strength {strength!r} (use 'winning' or 'margin')")
    np.fill_diagonal(links, 0.0)
    paths = _widest_paths(links)
    beats = paths > paths.T
    ranking = _tiers_from_beats(beats, ids)
    unbeaten = ranking[0] if ranking else ()
    winner = lottery.pick(unbeaten, "schulze: several candidates unbeaten") if unbeaten else None
    explanation: dict[str, Any] = {
        "rule": "Schulze (beatpath), Schulze 2011",
        "strength": strength,
        "candidates": {c.id: c.name for c in profile.candidates},
        "voters": num(profile.total_weight),
        "pairwise": matrix(d, ids),
        "strongest_paths": matrix(paths, ids),
        "unbeaten": list(unbeaten),
    }
    return TallyResult(
        method="schulze",
        winners=(winner,) if winner is not None else (),
        ranking=ranking,
        explanation=explanation,
        tie_breaks=tuple(lottery.draws),
    )


def _reaches(graph: npt.NDArray[np.bool_], start: int, goal: int) -> bool:
    """Is there a path ``start → … → goal`` in the directed graph?"""
    seen = {start}
    stack = [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for nxt in np.flatnonzero(graph[node]).tolist():
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def ranked_pairs(
    profile: RankedProfile, *, seed: int | str = 0, strength: Strength = "margin"
) -> TallyResult:
    """Ranked pairs: lock majorities from the largest down, skipping any that would close a cycle.

    Source: T. N. Tideman, "Independence of clones as a criterion for voting rules", Social Choice and
    Welfare 4 (1987) 185–206. Majorities are ordered by margin (``strength="winning"`` orders them by the
    winning side's votes). Equal majorities are ordered by a tie-breaking ranking of the candidates
    drawn by the seeded lottery, as Tideman prescribes (pair (x, y) before (w, z) if x is ahead of w, or
    x = w and z is ahead of y); the draw is made and recorded only when equal majorities exist. The
    winner is the candidate no locked pair points at; the ranking peels the locked graph tier by tier.
    """
    ids = profile.candidate_ids
    n = len(ids)
    lottery = SeededLottery(seed)
    d = pairwise_matrix(profile)
    margins = d - d.T
    if strength == "margin":
        weight = margins
    elif strength == "winning":
        weight = np.where(margins > 0, d, 0.0)
    else:
        raise ValueError(f"unknown ranked-pairs strength {strength!r} (use 'margin' or 'winning')")
    pairs = [(a, b) for a in range(n) for b in range(n) if margins[a, b] > 0]
    values = [weight[a, b] for a, b in pairs]
    tie_rank = {i: i for i in range(n)}
    if len(set(values)) != len(values):
        order = lottery.order(ids, "ranked pairs: tie-breaking ranking of candidates for equal majorities")
        tie_rank = {ids.index(cid): k for k, cid in enumerate(order)}
    pairs.sort(key=lambda ab: (-weight[ab[0], ab[1]], tie_rank[ab[0]], -tie_rank[ab[1]]))
    locked = np.zeros((n, n), dtype=bool)
    steps: list[dict[str, Any]] = []
    for a, b in pairs:
        closes_cycle = _reaches(locked, b, a)
        if not closes_cycle:
            locked[a, b] = True
        steps.append(
            {
                "pair": [ids[a], ids[b]],
                "margin": num(margins[a, b]),
                "strength": num(weight[a, b]),
                "locked": not closes_cycle,
            }
        )
    ranking = _tiers_from_beats(locked, ids)
    top = ranking[0] if ranking else ()
    winner = lottery.pick(top, "ranked pairs: several candidates unbeaten") if top else None
    explanation: dict[str, Any] = {
        "rule": "Ranked pairs, Tideman 1987",
        "strength": strength,
        "candidates": {c.id: c.name for c in profile.candidates},
        "voters": num(profile.total_weight),
        "pairwise": matrix(d, ids),
        "pairs": steps,
    }
    return TallyResult(
        method="ranked_pairs",
        winners=(winner,) if winner is not None else (),
        ranking=ranking,
        explanation=explanation,
        tie_breaks=tuple(lottery.draws),
    )


def first_choices(
    profile: RankedProfile, continuing: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.float64], float]:
    """Each continuing candidate's votes from ballots whose top continuing choice is that candidate alone.

    A ballot whose highest tier among continuing candidates holds several of them cannot be counted for
    either (as a Scottish paper with two equal marks) and is counted as exhausted, with the ballots that
    rank no continuing candidate. Returns ``(votes per candidate, exhausted weight)``.
    """
    n = profile.n_candidates
    ranks = np.where(continuing[None, :], profile.ranks, UNRANKED)
    top = ranks.min(axis=1, initial=UNRANKED)
    at_top = ranks == top[:, None]
    usable = (top != UNRANKED) & (at_top.sum(axis=1) == 1)
    first = np.argmax(at_top, axis=1)
    votes = np.bincount(first[usable], weights=profile.weights[usable], minlength=n)
    exhausted = float(profile.weights[~usable].sum())
    return votes.astype(np.float64), exhausted


def irv(profile: RankedProfile, *, seed: int | str = 0) -> TallyResult:
    """Instant-runoff voting (alternative vote): eliminate the last-placed candidate until one has a majority.

    Source: the alternative vote as used for single-seat elections (e.g. Australian House of
    Representatives, Commonwealth Electoral Act 1918 s. 274; Scottish/Irish by-elections). Each round
    counts every ballot for its most preferred continuing candidate; a candidate with more than half of
    the ballots still counting is elected; otherwise the candidate with the fewest votes is eliminated
    (a tie for last place is settled by the seeded lottery, recorded). Ballots ranking several continuing
    candidates equal first count for none of them in that round.
    """
    ids = profile.candidate_ids
    n = len(ids)
    lottery = SeededLottery(seed)
    continuing = np.ones(n, dtype=bool)
    eliminated: list[str] = []
    rounds: list[dict[str, Any]] = []
    winner: str | None = None
    last_votes = np.zeros(n)
    round_no = 0
    while continuing.any():
        round_no += 1
        votes, exhausted = first_choices(profile, continuing)
        last_votes = votes
        active = float(votes.sum())
        cont_idx = np.flatnonzero(continuing)
        entry: dict[str, Any] = {
            "round": round_no,
            "votes": {ids[i]: num(votes[i]) for i in cont_idx},
            "exhausted": num(exhausted),
        }
        leader = int(cont_idx[np.argmax(votes[cont_idx])])
        if len(cont_idx) == 1 or (active > 0 and votes[leader] * 2 > active):
            winner = ids[leader]
            entry["elected"] = winner
            rounds.append(entry)
            break
        low = votes[cont_idx].min()
        lowest = [ids[i] for i in cont_idx if votes[i] == low]
        loser = (
            lottery.pick(lowest, f"irv round {round_no}: tie for last place")
            if len(lowest) > 1
            else lowest[0]
        )
        entry["eliminated"] = loser
        rounds.append(entry)
        eliminated.append(loser)
        continuing[ids.index(loser)] = False
    # Ranking: the winner, then the others still standing by final votes, then eliminations reversed.
    ranking: list[tuple[str, ...]] = []
    if winner is not None:
        ranking.append((winner,))
        standing = [i for i in np.flatnonzero(continuing).tolist() if ids[i] != winner]
        for v in sorted({float(last_votes[i]) for i in standing}, reverse=True):
            ranking.append(tuple(ids[i] for i in standing if last_votes[i] == v))
    ranking.extend((cid,) for cid in reversed(eliminated))
    explanation: dict[str, Any] = {
        "rule": "Instant-runoff voting (alternative vote)",
        "candidates": {c.id: c.name for c in profile.candidates},
        "voters": num(profile.total_weight),
        "rounds": rounds,
        "first_preferences": totals(first_choices(profile, np.ones(n, dtype=bool))[0], ids),
    }
    return TallyResult(
        method="irv",
        winners=(winner,) if winner is not None else (),
        ranking=tuple(ranking),
        explanation=explanation,
        tie_breaks=tuple(lottery.draws),
    )
