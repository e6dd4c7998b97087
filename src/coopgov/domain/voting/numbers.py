"""Exact numbers for tallies: weights and shares are fractions, printed as JSON numbers."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction

Number = int | Fraction


def to_fraction(value: object, *, what: str = "number") -> Fraction:
    """Read a weight, share or score exactly: an int, a Fraction, a decimal or "p/q" string, or a float
    (taken by its shortest decimal form, so 0.1 means one tenth and not the nearest binary double).

    Raises ValueError naming ``what`` for anything else (booleans included: ``true`` is not a weight).
    """
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number, not {value!r}")
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{what} must be a finite number, not {value!r}")
        return Fraction(Decimal(repr(value)))
    if isinstance(value, str):
        text = value.strip()
        try:
            if "/" in text:
                num, _, den = text.partition("/")
                return Fraction(int(num), int(den))
            return Fraction(Decimal(text))
        except (ValueError, ZeroDivisionError, InvalidOperation, OverflowError):
            pass
        raise ValueError(f"{what} must be a number such as 2, 0.5 or 1/3, not {value!r}")
    raise ValueError(f"{what} must be a number, not {value!r}")


def json_number(value: Fraction) -> int | float:
    """A fraction as a JSON number: an int when whole, else a float (the exact value is kept elsewhere
    as a "p/q" string where a reader may need it)."""
    if value.denominator == 1:
        return int(value)
    return float(value)


def exact(value: Fraction) -> str:
    """A fraction as an exact "p/q" string ("2/3"; "1" when whole)."""
    return str(value)
