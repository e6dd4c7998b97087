"""Background work of the opinion conversations: tasks call one service (Django Tasks API, ADR 0002)."""

from __future__ import annotations

from django_tasks import task

from coopgov.conversations import services
from coopgov.conversations.models import Conversation


@task()
def refresh_map(conversation_id: int) -> int:
    """Compute a conversation's opinion map again; returns the number of members placed on it."""
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        return 0
    return len(services.map_refresh(conversation=conversation).result.get("points", {}))
