"""Sortition of member panels under quotas: LEXIMIN (maximally fair) and the legacy greedy."""

from coopgov.domain.sortition.draw import ALGORITHMS, select_panel
from coopgov.domain.sortition.model import (
    InfeasibleQuotasError,
    PanelDraw,
    Person,
    Quota,
    QuotaRelaxation,
    SortitionError,
)

__all__ = [
    "ALGORITHMS",
    "InfeasibleQuotasError",
    "PanelDraw",
    "Person",
    "Quota",
    "QuotaRelaxation",
    "SortitionError",
    "select_panel",
]
