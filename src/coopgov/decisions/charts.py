"""Bars for a result page: the numbers of a stored result, drawn as server-side SVG and listed as a table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    width: float  # 0–100, share of the longest bar
    y: int


def _numeric(d: Any) -> dict[str, float] | None:
    if isinstance(d, dict) and d and all(isinstance(v, int | float) for v in d.values()):
        return {str(k): float(v) for k, v in d.items()}
    return None


def result_numbers(result: dict[str, Any], names: dict[str, str]) -> tuple[str, dict[str, float]]:
    """What to draw: a caption and {label: number}, from whichever totals the counting rule reports."""
    explanation = result.get("explanation", {})
    if result.get("adopted") is not None:
        labels = {
            "yes": _("For"),
            "no": _("Against"),
            "abstain": _("Abstain"),
            "blank": _("Blank"),
            "null": _("Null"),
        }
        counts = _numeric(explanation.get("counts")) or {}
        return _("Votes (weighted)"), {labels.get(k, k): v for k, v in counts.items()}
    for key in ("votes", "approvals", "scores", "totals", "points"):
        found = _numeric(explanation.get(key))
        if found:
            return _("Votes per candidate"), {names.get(k, k): v for k, v in found.items()}
    stages = explanation.get("stages") or explanation.get("rounds")
    if isinstance(stages, list) and stages and isinstance(stages[0], dict):
        found = _numeric(stages[0].get("totals"))
        if found:
            return _("First preferences"), {names.get(k, k): v for k, v in found.items()}
    return "", {}


def bars(numbers: dict[str, float], *, row_height: int = 28) -> list[Bar]:
    top = max(numbers.values(), default=0) or 1
    return [
        Bar(label=label, value=value, width=round(100 * value / top, 2), y=i * row_height)
        for i, (label, value) in enumerate(numbers.items())
    ]
