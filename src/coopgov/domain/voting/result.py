"""The result every counting rule returns: winners, ranking and an explanation a page can show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TieBreak:
    """One tie settled by the seeded lottery: who was tied, who came out ahead, and why it mattered."""

    tied: tuple[str, ...]
    order: tuple[str, ...]
    context: str


@dataclass(frozen=True)
class TallyResult:
    """What a counting rule decided, and enough detail to explain it.

    ``winners`` are candidate identifiers in order of election where the rule defines one.
    ``ranking`` is a list of tiers (candidates in one tier are tied) where the rule defines one.
    ``adopted`` is set for motions only. ``explanation`` holds rule-specific detail (rounds, pairwise
    matrix, grade distributions, per-collège tallies) as JSON-ready values.
    """

    method: str
    winners: tuple[str, ...]
    ranking: tuple[tuple[str, ...], ...] | None = None
    adopted: bool | None = None
    explanation: Mapping[str, Any] = field(default_factory=dict)
    tie_breaks: tuple[TieBreak, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: the shape `coopgov tally` prints and the platform stores."""
        out: dict[str, Any] = {"method": self.method, "winners": list(self.winners)}
        if self.ranking is not None:
            out["ranking"] = [list(tier) for tier in self.ranking]
        if self.adopted is not None:
            out["adopted"] = self.adopted
        out["explanation"] = dict(self.explanation)
        out["tie_breaks"] = [
            {"tied": list(t.tied), "order": list(t.order), "context": t.context} for t in self.tie_breaks
        ]
        return out
