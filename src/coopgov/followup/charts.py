"""Geometry of the follow-up and dashboard charts, drawn as server-side SVG (the numbers are also tables)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from coopgov.domain.governance.representation import DimensionFigures

LABEL_WIDTH = 220
BAR_SPACE = 360
ROW = 28


@dataclass(frozen=True)
class HBar:
    label: str
    value: str
    y: int
    width: float  # in SVG units, 0–BAR_SPACE


def status_bars(counts: list[tuple[str, int]]) -> tuple[list[HBar], int]:
    """One horizontal bar per status; returns the bars and the chart height."""
    top = max((n for _label, n in counts), default=0) or 1
    bars = [
        HBar(label, str(n), i * ROW, round(BAR_SPACE * n / top, 1)) for i, (label, n) in enumerate(counts)
    ]
    return bars, max(ROW, len(bars) * ROW)


@dataclass(frozen=True)
class PairBar:
    """A group with two bars: its share of the register (light) and of the participants (dark)."""

    label: str
    register_pct: str
    participant_pct: str
    y: int
    register_width: float
    participant_width: float
    flagged: bool


def _pct(value: Fraction) -> str:
    return f"{float(value) * 100:.1f}"


def share_pairs(figures: DimensionFigures, labels: dict[str, str]) -> tuple[list[PairBar], int]:
    """Per group, the share of the register against the share of the participants (both 0–100 %)."""
    top = (
        max(
            [float(r.register_share) for r in figures.rows]
            + [float(r.participant_share) for r in figures.rows],
            default=0,
        )
        or 1.0
    )
    step = 2 * 16 + 12
    pairs = [
        PairBar(
            label=labels.get(row.group, row.group),
            register_pct=_pct(row.register_share),
            participant_pct=_pct(row.participant_share),
            y=i * step,
            register_width=round(BAR_SPACE * float(row.register_share) / top, 1),
            participant_width=round(BAR_SPACE * float(row.participant_share) / top, 1),
            flagged=row.under_represented,
        )
        for i, row in enumerate(figures.rows)
    ]
    return pairs, max(step, len(pairs) * step)


@dataclass(frozen=True)
class Column:
    x: int
    y: float
    height: float
    value: int
    month: str


def month_columns(
    values: tuple[int, ...], months: tuple[str, ...], *, height: int = 40, width: int = 12
) -> list[Column]:
    """Small columns, one per month (participants in the month), scaled to the row's own maximum."""
    top = max(values, default=0) or 1
    return [
        Column(
            x=i * (width + 2),
            y=round(height - height * v / top, 1),
            height=round(height * v / top, 1),
            value=v,
            month=m,
        )
        for i, (v, m) in enumerate(zip(values, months, strict=True))
    ]
