"""Permission predicates of notifications: a notice is seen and marked read by its recipient only."""

from __future__ import annotations

from typing import Any

import rules


@rules.predicate
def is_recipient(user: Any, notification: Any = None) -> bool:
    return bool(
        notification is not None
        and user.is_authenticated
        and getattr(notification, "recipient_id", None) == user.pk
    )


rules.add_perm("notifications.view_notification", is_recipient)
rules.add_perm("notifications.read_notification", is_recipient)
