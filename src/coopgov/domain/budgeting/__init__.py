"""Participatory budgeting: greedy by votes and the Method of Equal Shares, each explaining its outcome."""

from coopgov.domain.budgeting.greedy import greedy, scores
from coopgov.domain.budgeting.mes import COMPLETIONS, UTILITIES, equal_shares
from coopgov.domain.budgeting.model import VOTE_TYPES, Ballot, BudgetingError, BudgetResult, Election, Project
from coopgov.domain.budgeting.ties import TIE_RULES

__all__ = [
    "COMPLETIONS",
    "TIE_RULES",
    "UTILITIES",
    "VOTE_TYPES",
    "Ballot",
    "BudgetResult",
    "BudgetingError",
    "Election",
    "Project",
    "equal_shares",
    "greedy",
    "scores",
]
