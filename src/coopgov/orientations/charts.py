"""Horizontal bars for the provenance views, drawn as server-side SVG with the same numbers in a table."""

from __future__ import annotations

from dataclasses import dataclass

ROW_HEIGHT = 28
LABEL_WIDTH = 200
BAR_WIDTH = 380


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: int  # pixels, the longest bar is BAR_WIDTH
    y: int


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int
    label_width: int = LABEL_WIDTH
    total_width: int = LABEL_WIDTH + BAR_WIDTH + 60


def bar_chart(numbers: list[tuple[str, int]]) -> Chart:
    """One bar per (label, value), in the given order; a zero gets no bar but keeps its row and number."""
    top = max((v for _l, v in numbers), default=0) or 1
    bars = [
        Bar(label=label, value=value, width=round(BAR_WIDTH * value / top), y=i * ROW_HEIGHT)
        for i, (label, value) in enumerate(numbers)
    ]
    return Chart(bars=bars, height=max(ROW_HEIGHT, len(bars) * ROW_HEIGHT))
