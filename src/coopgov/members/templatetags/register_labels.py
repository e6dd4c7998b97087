"""Template filters that turn the register's stored codes into words in the reader's language."""

from __future__ import annotations

from django import template

from coopgov.members.labels import SIMULATION_CLASS_LABELS, STATUS_LABELS
from coopgov.members.models import Profile

register = template.Library()


@register.filter
def status_label(code: str) -> str:
    """A membership status code (``admitted``) as its translated label (``Admis·e``); unknown codes as is."""
    return str(STATUS_LABELS.get(code, code))


@register.filter
def change_label(key: str) -> str:
    """A simulation change ``compliant->must_join`` in words: « en règle → doit devenir sociétaire »."""
    old, _, new = key.partition("->")
    return " → ".join(str(SIMULATION_CLASS_LABELS.get(part, part)) for part in (old, new) if part)


@register.filter
def profile_label(code: str) -> str:
    """A stakeholder profile code (``entrepreneur``) as its translated label."""
    return str(dict(Profile.choices).get(code, code))
