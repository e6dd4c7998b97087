"""What a participatory budget is made of (projects, ballots, budget) and what a budgeting rule returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from coopgov.domain.voting.result import TieBreak

#: The ballot kinds Pabulib defines. ``choose-1`` is an approval ballot of exactly one project.
VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")


class BudgetingError(ValueError):
    """A budgeting rule cannot be applied to this election (for example equal shares on ranked ballots)."""


@dataclass(frozen=True)
class Project:
    """A project put to the vote: its identifier as published, its cost (exact) and its name."""

    id: str
    cost: Fraction
    name: str = ""


@dataclass(frozen=True)
class Ballot:
    """One voter's ballot.

    ``projects`` lists the projects the voter supports; on an ordinal ballot the order is the ranking
    (first = preferred). ``points`` is set on cumulative and scoring ballots only, aligned with
    ``projects``.
    """

    projects: tuple[str, ...]
    points: tuple[int, ...] | None = None
    voter_id: str = ""


@dataclass(frozen=True)
class Election:
    """A participatory budget: the money available, the projects, the ballots and their kind.

    ``max_length`` is the most projects a ballot may name (Pabulib's ``max_length``); it fixes the
    points of an ordinal ballot (first place earns ``max_length`` points, then one less per place).
    """

    budget: Fraction
    projects: tuple[Project, ...]
    ballots: tuple[Ballot, ...]
    vote_type: str = "approval"
    max_length: int | None = None

    def project(self, project_id: str) -> Project:
        """The project with this identifier."""
        for p in self.projects:
            if p.id == project_id:
                return p
        raise KeyError(project_id)


def money(value: Fraction) -> int | str:
    """An exact amount as JSON: an integer when whole, else the exact fraction as ``"p/q"``."""
    if value.denominator == 1:
        return int(value.numerator)
    return f"{value.numerator}/{value.denominator}"


@dataclass(frozen=True)
class BudgetResult:
    """What a budgeting rule funded, what it cost, and enough detail to explain each choice.

    ``selected`` holds project identifiers in the order the rule funded them. ``explanation`` holds
    rule-specific, JSON-ready detail (for equal shares: every round's price and the voters' remaining
    shares). ``tie_breaks`` lists the ties the seeded lottery settled.
    """

    method: str
    selected: tuple[str, ...]
    cost: Fraction
    budget: Fraction
    explanation: Mapping[str, Any] = field(default_factory=dict)
    tie_breaks: tuple[TieBreak, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: what `coopgov budget` prints and the platform stores (mirrors TallyResult)."""
        return {
            "method": self.method,
            "selected": list(self.selected),
            "cost": money(self.cost),
            "budget": money(self.budget),
            "explanation": dict(self.explanation),
            "tie_breaks": [
                {"tied": list(t.tied), "order": list(t.order), "context": t.context} for t in self.tie_breaks
            ],
        }
