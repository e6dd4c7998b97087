"""Ties broken by an explicit, seeded lottery that is recorded in the result."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from coopgov.domain.voting.result import TieBreak


class SeededLottery:
    """A reproducible lottery: same seed and same tied candidates, same order, on any machine.

    Each candidate's rank comes from SHA-256(seed, context, candidate), so the order does not depend
    on the order in which the tied candidates are listed, nor on Python's hash seed. Every draw is
    recorded so the result can show which ties chance decided.
    """

    def __init__(self, seed: int | str = 0) -> None:
        self.seed = str(seed)
        self.draws: list[TieBreak] = []

    def order(self, tied: Iterable[str], context: str) -> tuple[str, ...]:
        """Return the tied candidates in lottery order (first = favoured), recording the draw."""
        candidates = sorted(set(tied))
        if len(candidates) <= 1:
            return tuple(candidates)

        def key(candidate: str) -> str:
            return hashlib.sha256(f"{self.seed}\x1f{context}\x1f{candidate}".encode()).hexdigest()

        ordered = tuple(sorted(candidates, key=key))
        self.draws.append(TieBreak(tied=tuple(candidates), order=ordered, context=context))
        return ordered

    def pick(self, tied: Iterable[str], context: str) -> str:
        """The one candidate favoured by the lottery among ``tied``."""
        return self.order(tied, context)[0]


def elect_from_tiers(
    tiers: Sequence[Sequence[str]], seats: int, lottery: SeededLottery, context: str
) -> tuple[str, ...]:
    """Fill ``seats`` from a ranking in tiers, best tier first; the lottery orders only the tier
    that straddles the last seat (the usual rule: chance decides only a tie that matters).
    """
    winners: list[str] = []
    for tier in tiers:
        free = seats - len(winners)
        if free <= 0:
            break
        if len(tier) <= free:
            winners.extend(sorted(tier))
        else:
            winners.extend(
                lottery.order(tier, f"{context}: {free} of {len(tier)} tied for the last seats")[:free]
            )
    return tuple(winners)


def tiers_by_key(candidates: Iterable[str], key: Callable[[str], Any]) -> tuple[tuple[str, ...], ...]:
    """Group candidates into tiers of equal ``key``, best (highest key) first; a tier lists its
    members in alphabetical order so the ranking never depends on input order.
    """
    ordered = sorted(set(candidates), key=key, reverse=True)
    tiers: list[list[str]] = []
    previous: Any = _MISSING
    for candidate in ordered:
        value = key(candidate)
        if tiers and value == previous:
            tiers[-1].append(candidate)
        else:
            tiers.append([candidate])
        previous = value
    return tuple(tuple(sorted(tier)) for tier in tiers)


_MISSING = object()
