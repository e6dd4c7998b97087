"""Template filters of the panels pages."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value: float | None, digits: int = 1) -> str:
    """A probability as a percentage in the reader's number format (0.0912 → "9,1" in French)."""
    if value is None:
        return "-"
    return str(number_format(round(float(value) * 100, digits), decimal_pos=digits))
