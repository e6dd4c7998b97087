"""The vocabulary of sortition: pool members, quotas, the drawn panel and the errors people read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Person:
    """One member of the pool: an identifier, one value per feature, and an optional household.

    ``household`` is a key shared by people living at the same address (the reader builds it from the
    address columns); two people with the same key are never selected together.
    """

    id: str
    features: Mapping[str, str]
    household: str | None = None


@dataclass(frozen=True)
class Quota:
    """How many panel members must have ``value`` for ``feature``: between ``minimum`` and ``maximum``.

    ``min_flex`` and ``max_flex`` are the Sortition Foundation's optional outer limits: how far an
    organiser accepts the quota being relaxed when the quotas cannot all be met. They are kept for the
    relaxation report, never applied silently.
    """

    feature: str
    value: str
    minimum: int
    maximum: int
    min_flex: int | None = None
    max_flex: int | None = None

    @property
    def label(self) -> str:
        """The quota as a person names it: ``gender=female``."""
        return f"{self.feature}={self.value}"


@dataclass(frozen=True)
class QuotaRelaxation:
    """One quota bound that must move for the quotas to become feasible: ``bound`` is "min" or "max"."""

    feature: str
    value: str
    bound: str
    current: int
    feasible: int


@dataclass(frozen=True)
class PanelDraw:
    """A drawn panel, each pool member's selection probability, and what is needed to replay the draw.

    ``probabilities`` maps every pool member's id to the probability that the algorithm selects them;
    they sum to the panel size. ``explanation`` holds algorithm-specific, JSON-ready detail (number of
    panels in the distribution, LEXIMIN levels, number of estimation runs of the legacy greedy).
    """

    algorithm: str
    seed: int
    panel_size: int
    selected: tuple[str, ...]
    probabilities: Mapping[str, float]
    explanation: Mapping[str, Any] = field(default_factory=dict)

    @property
    def min_probability(self) -> float:
        """The smallest selection probability in the pool (what MAXIMIN maximises)."""
        return min(self.probabilities.values()) if self.probabilities else 0.0

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: the shape `coopgov sortition` prints and the platform stores."""
        return {
            "algorithm": self.algorithm,
            "seed": self.seed,
            "panel_size": self.panel_size,
            "selected": list(self.selected),
            "probabilities": dict(self.probabilities),
            "min_probability": self.min_probability,
            "explanation": dict(self.explanation),
        }


class SortitionError(ValueError):
    """A sortition request that cannot be carried out, with a message meant for the organiser."""


class InfeasibleQuotasError(SortitionError):
    """No panel of the requested size meets every quota.

    ``conflicts`` names the quotas in conflict (as ``feature=value`` labels, plus ``panel size``);
    ``relaxations`` is the smallest change to the quota bounds that makes a panel possible, when the
    relaxation MILP found one.
    """

    def __init__(
        self, message: str, conflicts: tuple[str, ...], relaxations: tuple[QuotaRelaxation, ...] = ()
    ) -> None:
        super().__init__(message)
        self.conflicts = conflicts
        self.relaxations = relaxations
