"""Template filters of the conversation pages."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def marker(shape: str, x: float, y: float, colour: str, size: float = 5.0) -> str:
    """One point of the map as an SVG shape: each group has its own shape, so colour is never the only
    difference between groups."""
    if shape == "square":
        return format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
            x - size,
            y - size,
            2 * size,
            2 * size,
            colour,
        )
    if shape == "triangle":
        return format_html(
            '<polygon points="{},{} {},{} {},{}" fill="{}"/>',
            x, y - size * 1.2, x - size * 1.1, y + size * 0.9, x + size * 1.1, y + size * 0.9, colour,
        )  # fmt: skip
    if shape == "diamond":
        return format_html(
            '<polygon points="{},{} {},{} {},{} {},{}" fill="{}"/>',
            x, y - size * 1.3, x + size * 1.3, y, x, y + size * 1.3, x - size * 1.3, y, colour,
        )  # fmt: skip
    if shape == "cross":
        return format_html(
            '<path d="M{} {}h{}M{} {}v{}" stroke="{}" stroke-width="{}"/>',
            x - size, y, 2 * size, x, y - size, 2 * size, colour, size * 0.8,
        )  # fmt: skip
    return format_html('<circle cx="{}" cy="{}" r="{}" fill="{}"/>', x, y, size, colour)
