"""Template tag of the assembly pages: the documents attached to a convocation (files, see ADR 0013)."""

from __future__ import annotations

from django import template

from coopgov.decisions.models import Assembly
from coopgov.decisions.services_manage import documents_of

register = template.Library()


@register.simple_tag
def assembly_documents(assembly: Assembly) -> list[str]:
    """The names of the documents of an assembly's convocation, sorted."""
    return documents_of(assembly)
