"""Single transferable vote for multi-seat elections (boards): Scottish STV and Meek STV.

Both read a :class:`~coopgov.domain.voting.ranked_ballots.RankedProfile` and return a
:class:`~coopgov.domain.voting.result.TallyResult` whose ``winners`` are in order of election and whose
explanation lists every stage: quota, the totals, what was transferred where, what became
non-transferable. A ballot that ranks two candidates equal is used up to that point only, as a
Scottish paper with two equal marks becomes non-transferable there. Counting is vectorised over
distinct ballots with numpy, so a million ballots cost what their distinct rankings cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from coopgov.domain.voting._ranked_util import num
from coopgov.domain.voting.ranked_ballots import RankedProfile
from coopgov.domain.voting.result import TallyResult
from coopgov.domain.voting.ties import SeededLottery

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: Scottish values are kept to five decimal places (SSI 2007/42 rule 48(3)): one vote = 100 000 units.
SCOTTISH_SCALE = 100_000

_CONTINUING, _ELECTED, _EXCLUDED = 0, 1, 2


def stv_preferences(profile: RankedProfile) -> tuple[IntArray, FloatArray]:
    """The ballots as STV reads them: ``(order, weights)``, one row per ballot that ranks someone.

    ``order[b, j]`` is the column of ballot ``b``'s ``j``-th preference, padded with -1. A ballot is cut
    where it first ranks two candidates equal (they and everything after are left out).
    """
    order, tier = profile.preference_lists()
    order = order.astype(np.int64)
    if order.shape[1] > 1:
        tied = (tier[:, 1:] == tier[:, :-1]) & (tier[:, 1:] >= 0)
        cut = np.zeros(order.shape, dtype=bool)
        cut[:, :-1] |= tied
        cut[:, 1:] |= tied
        cut = np.maximum.accumulate(cut, axis=1)
        order[cut] = -1
    weights = np.asarray(profile.weights, dtype=np.float64)
    keep = (order[:, 0] >= 0) & (weights > 0) if order.shape[1] else np.zeros(len(weights), dtype=bool)
    return np.ascontiguousarray(order[keep]), weights[keep]


def _seats(profile: RankedProfile, seats: int | None) -> int:
    chosen = profile.seats if seats is None else seats
    if chosen is None:
        raise ValueError("STV needs the number of seats (the profile gives none)")
    if chosen < 1:
        raise ValueError(f"seats must be at least 1, got {chosen}")
    return int(chosen)


def _prefer_by_history(tied: Sequence[int], history: Sequence[Sequence[float]], highest: bool) -> list[int]:
    """Narrow a tie by the most recent earlier stage at which the tied candidates had unequal totals."""
    remaining = list(tied)
    for snapshot in reversed(history):
        if len(remaining) <= 1:
            break
        values = [snapshot[c] for c in remaining]
        best = max(values) if highest else min(values)
        remaining = [c for c, v in zip(remaining, values, strict=True) if v == best]
    return remaining


class _ScottishCount:
    """The mutable state of one Scottish count; :func:`scottish_stv` drives it stage by stage."""

    def __init__(self, profile: RankedProfile, seats: int, lottery: SeededLottery) -> None:
        self.ids = profile.candidate_ids
        self.n = len(self.ids)
        self.seats = seats
        self.lottery = lottery
        self.order, weights = stv_preferences(profile)
        self.width = self.order.shape[1]
        integral = bool(np.all(weights == np.round(weights)))
        # Whole-number ballots (every real election) are counted in exact integers of 1/100 000 vote.
        self.exact = integral
        self.weights: npt.NDArray[Any] = weights.astype(np.int64) if integral else weights
        self.value = np.full(len(weights), SCOTTISH_SCALE, dtype=np.int64)
        self.pos = np.zeros(len(weights), dtype=np.int64)
        self.holder = self.order[:, 0].copy() if self.width else np.full(len(weights), -1, dtype=np.int64)
        self.status = np.zeros(self.n, dtype=np.int64)
        valid = float(weights.sum())
        self.valid_votes = valid
        self.quota = (int(valid) // (seats + 1) + 1) * SCOTTISH_SCALE
        self.totals: npt.NDArray[Any] = self._tally(np.arange(len(weights)))
        self.non_transferable: float = 0.0
        self.lost_to_rounding: float = 0.0
        self.history: list[list[float]] = [self.totals.tolist()]

    def _tally(self, idx: IntArray) -> npt.NDArray[Any]:
        holder = self.holder[idx]
        ok = holder >= 0
        amounts = self.weights[idx][ok] * self.value[idx][ok]
        if self.exact:
            # bincount sums in float64: exact for integers below 2**53 units (about 90 billion votes).
            sums = np.bincount(holder[ok], weights=amounts.astype(np.float64), minlength=self.n)
            return np.rint(sums).astype(np.int64)
        return np.bincount(holder[ok], weights=amounts.astype(np.float64), minlength=self.n)

    def _advance(self, idx: IntArray) -> None:
        """Move the given papers to their next preference for a continuing candidate (or none: -1)."""
        status_ext = np.append(self.status, _CONTINUING)  # index -1 (no preference) counts as a stop
        p = self.pos[idx] + 1
        while True:
            inside = p < self.width
            cand = np.where(inside, self.order[idx, np.minimum(p, self.width - 1)], -1)
            stop = status_ext[cand] == _CONTINUING
            if stop.all():
                break
            p = np.where(stop, p, p + 1)
        self.pos[idx] = p
        self.holder[idx] = cand

    def continuing(self) -> list[int]:
        return [int(c) for c in np.flatnonzero(self.status == _CONTINUING)]

    def votes(self, c: int) -> float:
        return float(self.totals[c]) / SCOTTISH_SCALE

    def transfer(self, c: int, surplus: bool) -> dict[str, Any]:
        """Transfer candidate ``c``'s papers: the surplus (rule 48) or all of them on exclusion (rule 50)."""
        idx = np.flatnonzero(self.holder == c)
        before = self.totals.copy()
        total = self.totals[c]
        entry: dict[str, Any] = {}
        if surplus:
            excess = total - self.quota
            if self.exact:
                # Rule 48(3): each paper moves at (surplus × its value) / total, truncated to 5 decimals.
                self.value[idx] = (int(excess) * self.value[idx]) // int(total)
            else:
                self.value[idx] = np.floor(float(excess) * self.value[idx] / float(total)).astype(np.int64)
            entry["surplus"] = num(float(excess) / SCOTTISH_SCALE, 5)
            entry["transfer_value"] = num(
                ((int(excess) * SCOTTISH_SCALE) // int(total) if self.exact else excess / total)
                / SCOTTISH_SCALE,
                5,
            )
            moving = float(excess)
            self.totals[c] = self.quota
        else:
            moving = float(total)
            self.totals[c] = 0
        self._advance(idx)
        received = self._tally(idx)
        self.totals = self.totals + received
        exhausted_idx = idx[self.holder[idx] < 0]
        gone = float((self.weights[exhausted_idx] * self.value[exhausted_idx]).sum())
        self.non_transferable += gone
        self.lost_to_rounding += moving - float(received.sum()) - gone
        entry["transfers"] = {
            self.ids[i]: num(float(self.totals[i] - before[i]) / SCOTTISH_SCALE, 5)
            for i in range(self.n)
            if self.totals[i] != before[i] and i != c
        }
        entry["non_transferable"] = num(gone / SCOTTISH_SCALE, 5)
        return entry

    def snapshot(self) -> dict[str, int | float]:
        return {
            self.ids[i]: num(float(self.totals[i]) / SCOTTISH_SCALE, 5)
            for i in range(self.n)
            if self.status[i] != _EXCLUDED
        }


def scottish_stv(profile: RankedProfile, seats: int | None = None, *, seed: int | str = 0) -> TallyResult:
    """Scottish STV: the weighted inclusive Gregory method of Scottish local government elections.

    Source: The Scottish Local Government Elections Order 2007 (SSI 2007/42), schedule 1, rules 45–52.
    Quota = ⌊valid votes / (seats + 1)⌋ + 1 (rule 46). A candidate reaching the quota is elected. The
    largest surplus is transferred first (rule 49): every paper of the elected candidate moves to its
    next continuing preference at (surplus × the paper's value) / the candidate's total, truncated to
    five decimals (rule 48). With no surplus left, the candidate with the fewest votes is excluded and
    each of their papers moves at its current value (rule 50). Ties for the largest surplus or the
    fewest votes go to the most recent earlier stage where the candidates differed, then to the seeded
    lottery (rules 49(2), 51), recorded. When the continuing candidates are as many as the vacancies
    left, they are all elected (rule 52). ``seats`` defaults to the profile's.
    """
    n_seats = _seats(profile, seats)
    lottery = SeededLottery(seed)
    count = _ScottishCount(profile, n_seats, lottery)
    ids = count.ids
    elected: list[int] = []
    excluded: list[int] = []
    pending: list[int] = []  # elected candidates whose surplus is not transferred yet
    stages: list[dict[str, Any]] = [{"stage": 1, "action": "first preferences", "totals": count.snapshot()}]

    def elect(candidates: list[int], stage: dict[str, Any], reason: str) -> None:
        # Several reach the quota at once: they are elected in order of votes (ties: history, then lot).
        by_votes: dict[float, list[int]] = {}
        for c in candidates:
            by_votes.setdefault(float(count.totals[c]), []).append(c)
        for v in sorted(by_votes, reverse=True):
            group = by_votes[v]
            if len(group) > 1:
                first = _prefer_by_history(group, count.history, highest=True)
                ordered_first = (
                    [
                        ids.index(x)
                        for x in lottery.order(
                            [ids[c] for c in first], f"stage {len(stages)}: order of election"
                        )
                    ]
                    if len(first) > 1
                    else first
                )
                group = ordered_first + [c for c in group if c not in ordered_first]
            for c in group:
                count.status[c] = _ELECTED
                elected.append(c)
                pending.append(c)
                stage.setdefault("elected", []).append(ids[c])
        if candidates:
            stage["elected_because"] = reason

    while True:
        stage = stages[-1]
        reached = [c for c in count.continuing() if count.totals[c] >= count.quota]
        if reached:
            elect(reached, stage, "reached the quota")
        if len(elected) >= n_seats:
            break
        continuing = count.continuing()
        if len(continuing) <= n_seats - len(elected):
            elect(continuing, stage, "as many continuing candidates as vacancies left (rule 52)")
            break
        with_surplus = [c for c in pending if count.totals[c] > count.quota]
        if with_surplus:
            best = max(count.totals[c] for c in with_surplus)
            tied = [c for c in with_surplus if count.totals[c] == best]
            chosen = tied[0]
            if len(tied) > 1:
                narrowed = _prefer_by_history(tied, count.history, highest=True)
                chosen = narrowed[0]
                if len(narrowed) > 1:
                    chosen = ids.index(
                        lottery.pick([ids[c] for c in narrowed], f"stage {len(stages) + 1}: equal surpluses")
                    )
            pending.remove(chosen)
            entry = {"stage": len(stages) + 1, "action": "surplus", "candidate": ids[chosen]}
            entry.update(count.transfer(chosen, surplus=True))
        else:
            pending.clear()
            low = min(count.totals[c] for c in continuing)
            lowest = [c for c in continuing if count.totals[c] == low]
            chosen = lowest[0]
            if len(lowest) > 1:
                narrowed = _prefer_by_history(lowest, count.history, highest=False)
                chosen = narrowed[0]
                if len(narrowed) > 1:
                    chosen = ids.index(
                        lottery.pick(
                            [ids[c] for c in narrowed], f"stage {len(stages) + 1}: tie for exclusion"
                        )
                    )
            count.status[chosen] = _EXCLUDED
            excluded.append(chosen)
            entry = {"stage": len(stages) + 1, "action": "exclusion", "candidate": ids[chosen]}
            entry.update(count.transfer(chosen, surplus=False))
        entry["totals"] = count.snapshot()
        count.history.append(count.totals.tolist())
        stages.append(entry)

    explanation: dict[str, Any] = {
        "rule": "Scottish STV (weighted inclusive Gregory), SSI 2007/42 schedule 1 rules 45–52",
        "candidates": {c.id: c.name for c in profile.candidates},
        "seats": n_seats,
        "valid_votes": num(count.valid_votes),
        "quota": num(count.quota / SCOTTISH_SCALE),
        "stages": stages,
        "excluded": [ids[c] for c in excluded],
        "non_transferable": num(count.non_transferable / SCOTTISH_SCALE, 5),
        "lost_to_rounding": num(count.lost_to_rounding / SCOTTISH_SCALE, 5),
    }
    return TallyResult(
        method="scottish_stv",
        winners=tuple(ids[c] for c in elected),
        explanation=explanation,
        tie_breaks=tuple(lottery.draws),
    )


def _meek_tally(order: IntArray, weights: FloatArray, keep: FloatArray) -> tuple[FloatArray, float]:
    """Votes under keep factors: each ballot leaves ``keep`` of what reaches a candidate, passes the rest."""
    n = len(keep)
    keep_ext = np.concatenate([[0.0], keep])  # column 0 stands for "no further preference"
    remaining = weights.copy()
    votes = np.zeros(n + 1)
    shifted = order + 1
    for j in range(order.shape[1]):
        c = shifted[:, j]
        give = remaining * keep_ext[c]
        votes += np.bincount(c, weights=give, minlength=n + 1)
        remaining -= give
    return votes[1:], float(remaining.sum())


def meek_stv(
    profile: RankedProfile,
    seats: int | None = None,
    *,
    seed: int | str = 0,
    tolerance: float = 1e-9,
    max_iterations: int = 10_000,
) -> TallyResult:
    """Meek STV: keep factors make every elected candidate hold exactly the quota, recomputed each stage.

    Source: I. D. Hill, B. A. Wichmann and D. R. Woodall, "Algorithm 123 — Single Transferable Vote by
    Meek's method", The Computer Journal 30 (1987) 277–281. Each candidate has a keep factor (hopeful 1,
    excluded 0, elected < 1); a ballot gives each candidate in turn the keep factor of what reaches it
    and passes the rest on. Quota = (votes − excess) / (seats + 1). Elected candidates' keep factors are
    iterated, ``k ← k × quota / votes``, until each holds the quota within ``tolerance`` (relative).
    Then every hopeful at or above the quota is elected; if none, the hopeful with the fewest votes is
    excluded (a tie goes to the most recent earlier stage where they differed, then to the seeded
    lottery, recorded). Computed in floating point, as Algorithm 123 in fixed nine-decimal arithmetic.
    """
    n_seats = _seats(profile, seats)
    lottery = SeededLottery(seed)
    ids = profile.candidate_ids
    n = len(ids)
    order, weights = stv_preferences(profile)
    status = np.zeros(n, dtype=np.int64)
    keep = np.ones(n)
    elected: list[int] = []
    excluded: list[int] = []
    stages: list[dict[str, Any]] = []
    history: list[list[float]] = []
    total_iterations = 0
    valid = float(weights.sum())

    def converge() -> tuple[FloatArray, float, float, int]:
        nonlocal keep
        iterations = 0
        # Within a stage a hopeful candidate keeps everything that reaches it (keep factor 1), so a
        # ballot's flow stops at its first hopeful: ballots starting with one give a fixed tally, and the
        # others only need their prefix up to it. This makes each iteration far cheaper.
        hopeful_ext = np.append(status == _CONTINUING, True)  # padding (-1) also stops the flow
        # One extra always-stopping column: a ballot naming no hopeful at all stops past its end.
        stops = np.concatenate([hopeful_ext[order], np.ones((len(weights), 1), dtype=bool)], axis=1)
        first_stop = np.argmax(stops, axis=1)
        fixed = first_stop == 0
        static = np.zeros(n)
        if order.size:
            first = order[fixed, 0]
            ok = first >= 0
            static = np.bincount(first[ok], weights=weights[fixed][ok], minlength=n).astype(np.float64)
        moving = ~fixed
        depth = int(first_stop[moving].max(initial=0)) + 1
        dyn_order = np.ascontiguousarray(order[moving, :depth])
        dyn_weights = weights[moving]
        while True:
            dyn_votes, excess = _meek_tally(dyn_order, dyn_weights, keep)
            votes = static + dyn_votes
            quota = (valid - excess) / (n_seats + 1)
            el = status == _ELECTED
            if not el.any() or iterations >= max_iterations:
                return votes, excess, quota, iterations
            off = np.abs(votes[el] - quota)
            if np.all(off <= tolerance * max(quota, 1.0)):
                return votes, excess, quota, iterations
            factor = np.where(el & (votes > 0), quota / np.where(votes > 0, votes, 1.0), 1.0)
            keep = np.minimum(keep * factor, 1.0)
            iterations += 1

    while True:
        votes, excess, quota, iterations = converge()
        total_iterations += iterations
        history.append(votes.tolist())
        entry: dict[str, Any] = {
            "stage": len(stages) + 1,
            "quota": num(quota),
            "iterations": iterations,
            "votes": {ids[i]: num(votes[i]) for i in range(n) if status[i] != _EXCLUDED},
            "keep_factors": {ids[i]: num(keep[i], 9) for i in range(n) if status[i] == _ELECTED},
            "excess": num(excess),
        }
        stages.append(entry)
        hopeful = [int(c) for c in np.flatnonzero(status == _CONTINUING)]
        if not hopeful:
            break  # fewer candidates than seats: everyone standing is elected
        # Elect at or above quota, allowing the iteration's own tolerance.
        reached = [c for c in hopeful if votes[c] >= quota - tolerance * max(quota, 1.0)]
        vacancies = n_seats - len(elected)
        if len(hopeful) <= vacancies and not reached:
            reached = hopeful
            entry["elected_because"] = "as many hopeful candidates as vacancies left"
        if reached:
            reached.sort(key=lambda c: -votes[c])
            if len(reached) > vacancies:
                # More reach the quota than seats remain (only possible at the tolerance's edge).
                cut = votes[reached[vacancies - 1]]
                sure = [c for c in reached if votes[c] > cut]
                edge = [c for c in reached if votes[c] == cut]
                picked = [
                    ids.index(x)
                    for x in lottery.order([ids[c] for c in edge], f"meek stage {len(stages)}: last seat")
                ]
                reached = sure + picked[: vacancies - len(sure)]
            for c in reached:
                status[c] = _ELECTED
                elected.append(c)
            entry["elected"] = [ids[c] for c in reached]
            if len(elected) >= n_seats:
                break
            continue
        low = min(votes[c] for c in hopeful)
        lowest = [c for c in hopeful if votes[c] == low]
        chosen = lowest[0]
        if len(lowest) > 1:
            narrowed = _prefer_by_history(lowest, history[:-1], highest=False)
            chosen = narrowed[0]
            if len(narrowed) > 1:
                chosen = ids.index(
                    lottery.pick([ids[c] for c in narrowed], f"meek stage {len(stages)}: tie for exclusion")
                )
        status[chosen] = _EXCLUDED
        keep[chosen] = 0.0
        excluded.append(chosen)
        entry["excluded"] = ids[chosen]

    explanation: dict[str, Any] = {
        "rule": "Meek STV, Hill, Wichmann & Woodall 1987 (Algorithm 123)",
        "candidates": {c.id: c.name for c in profile.candidates},
        "seats": n_seats,
        "valid_votes": num(valid),
        "tolerance": tolerance,
        "iterations": total_iterations,
        "stages": stages,
        "excluded": [ids[c] for c in excluded],
    }
    return TallyResult(
        method="meek_stv",
        winners=tuple(ids[c] for c in elected),
        explanation=explanation,
        tie_breaks=tuple(lottery.draws),
    )
