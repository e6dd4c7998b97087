"""Small helpers shared by the ranked counting rules: JSON-ready numbers and matrices."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt


def num(x: float, digits: int = 6) -> int | float:
    """A vote total as JSON shows it best: an int when whole, else rounded to ``digits`` decimals."""
    value = float(x)
    if value.is_integer():
        return int(value)
    return round(value, digits)


def matrix(m: npt.NDArray[np.float64], ids: Sequence[str]) -> dict[str, dict[str, int | float]]:
    """A square matrix as ``{row id: {column id: value}}`` (diagonal left out)."""
    return {a: {b: num(m[i, j]) for j, b in enumerate(ids) if i != j} for i, a in enumerate(ids)}


def totals(values: Iterable[float], ids: Sequence[str]) -> dict[str, int | float]:
    """Per-candidate totals as ``{id: value}``."""
    return {cid: num(v) for cid, v in zip(ids, values, strict=True)}
