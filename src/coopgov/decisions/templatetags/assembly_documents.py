"""Template tags of the assembly pages: the documents of a convocation (files, ADR 0013; and links)."""

from __future__ import annotations

from django import template

from coopgov.decisions.models import Assembly, AssemblyLink
from coopgov.decisions.services_manage import documents_of

register = template.Library()


@register.simple_tag
def assembly_documents(assembly: Assembly) -> list[str]:
    """The names of the documents of an assembly's convocation, sorted."""
    return documents_of(assembly)


@register.simple_tag
def assembly_links(assembly: Assembly) -> list[AssemblyLink]:
    """The documents of an assembly's convocation published elsewhere (links), by title."""
    return list(assembly.links.order_by("title", "id"))
