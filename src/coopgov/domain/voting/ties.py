"""Ties broken by an explicit, seeded lottery that is recorded in the result."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

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
