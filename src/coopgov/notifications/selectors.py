"""Reads of notifications: a member's own notices (unread first), their unread count, their preferences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, QuerySet

from coopgov.accounts.models import User
from coopgov.notifications import kinds
from coopgov.notifications.models import DEFAULT_DELIVERY, Notification, Preference


@dataclass(frozen=True)
class Shown:
    """A notice as a page or the API shows it: its text rendered in the active language."""

    id: int
    kind: str
    text: str
    url: str
    created_at: datetime
    read_at: datetime | None
    actor: str


def actor_name(actor: User | None) -> str:
    """Who acted, as members know them: the register person's name, else the account's name. Never the
    e-mail address: notices show one member's act to others."""
    if actor is None:
        return ""
    person = getattr(actor, "person", None)
    if person is not None:
        return str(person.display_name)
    return actor.get_full_name()


def notifications_of(user: User) -> QuerySet[Notification]:
    """The user's notices, unread first, newest first within each."""
    return (
        Notification.objects.filter(recipient=user)
        .select_related("actor__person")
        .order_by(F("read_at").desc(nulls_first=True), "-created_at", "-id")
    )


def shown(notifications: list[Notification]) -> list[Shown]:
    """Render notices in the active language (wrap the call in ``translation.override`` for another)."""
    return [
        Shown(
            id=n.pk,
            kind=n.kind,
            text=kinds.render(n.kind, n.params),
            url=n.url,
            created_at=n.created_at,
            read_at=n.read_at,
            actor=actor_name(n.actor),
        )
        for n in notifications
    ]


def unread_count(user: User) -> int:
    """One COUNT query on the (recipient, read_at) index."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def preferences_of(user: User) -> dict[str, str]:
    """The user's delivery per group ('' is the general choice), with the default filled in."""
    chosen = dict(Preference.objects.filter(user=user).values_list("group", "delivery"))
    general = chosen.get("", DEFAULT_DELIVERY.value)
    result = {"": general}
    for group in kinds.GROUP_LABELS:
        result[group] = chosen.get(group, "")
    return result
