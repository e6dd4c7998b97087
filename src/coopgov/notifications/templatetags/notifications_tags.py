"""The header's link to the notices, with the unread count (one query, only for a signed-in user)."""

from __future__ import annotations

from typing import Any

from django import template

from coopgov.notifications.selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/header_link.html", takes_context=True)
def notifications_link(context: dict[str, Any]) -> dict[str, Any]:
    user = context.get("user")
    count = unread_count(user) if user is not None and user.is_authenticated else 0
    return {"count": count}
