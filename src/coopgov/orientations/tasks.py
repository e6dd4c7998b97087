"""Background work of the orientations: tasks call one service (Django Tasks API, ADR 0002)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from coopgov.orientations import services
from coopgov.participation.models import Proposal


@task()
def refresh_duplicate_suggestions(proposal_id: int) -> int:
    """Recompute the suggested duplicates of the units above a proposal whose text was written, edited or
    translated; returns how many pairs are stored (``coopgov refresh_duplicates`` recomputes them all)."""
    proposal = Proposal.objects.select_related("process__unit").filter(pk=proposal_id).first()
    if proposal is None:  # deleted before the worker ran: nothing of it to compare
        return 0
    return services.duplicate_suggestions_refresh_for(proposal=proposal, now=timezone.now())
