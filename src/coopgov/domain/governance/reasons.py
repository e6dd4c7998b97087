"""A reason is a code with parameters: the app turns it into a sentence in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reason:
    """Why a rule gave its answer: ``code`` names the rule, ``params`` fills its sentence.

    ``ok`` says whether this reason speaks for (True) or against (False) the act or right checked.
    """

    code: str
    ok: bool
    params: dict[str, Any] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.code, self.ok, tuple(sorted(self.params.items()))))
