"""Errors of the register that people read: each carries the reasons a rule gave."""

from __future__ import annotations

from coopgov.domain.governance.reasons import Reason


class RuleViolation(Exception):
    """An act broke one or more statutory rules; nothing was written."""

    def __init__(self, reasons: tuple[Reason, ...] | list[Reason]) -> None:
        self.reasons = tuple(reasons)
        from coopgov.members.explain import explain

        super().__init__("; ".join(str(explain(r)) for r in self.reasons))
