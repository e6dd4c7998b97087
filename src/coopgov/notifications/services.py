"""Writes of notifications: ``notify()`` creates one row per recipient and routes its e-mail by the
recipient's preference; marking read; setting a delivery preference. Notices are not governance acts, so
they are not written to the audit log (the act that caused them is)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone, translation

from coopgov.accounts.models import User
from coopgov.notifications import kinds
from coopgov.notifications.errors import MissingParams
from coopgov.notifications.models import DEFAULT_DELIVERY, Delivery, Notification, Preference

# Immediate e-mails are handed to the background in batches of this many notices (one task each).
TASK_BATCH = 200
# Recipients' preferences are read this many at a time.
LOOKUP_CHUNK = 5000


def _check_params(kind: kinds.Kind, params: dict[str, Any]) -> None:
    try:
        json.dumps(params)
    except (TypeError, ValueError) as error:
        raise MissingParams(
            f"params of notification kind {kind.name!r} must be JSON values (str, int, …): {error}"
        ) from None
    # Fill the text once (in the default language) so a wrong placeholder fails here, not in an e-mail.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            str(kind.text) % params
        except KeyError as error:
            raise MissingParams(
                f"notification kind {kind.name!r} needs the parameter {error.args[0]!r} in params"
            ) from None
        except (TypeError, ValueError) as error:
            raise MissingParams(f"params do not fill the text of {kind.name!r}: {error}") from None


def deliveries_for(user_ids: Iterable[int], group: str) -> dict[int, str]:
    """Each user's delivery for a group of kinds: their choice for the group, else their general choice,
    else the default (a daily digest). One query for any number of users."""
    ids = list(user_ids)
    chosen: dict[int, dict[str, str]] = {}
    # In chunks: SQLite limits the number of parameters of one query.
    for start in range(0, len(ids), LOOKUP_CHUNK):
        for user_id, pref_group, delivery in Preference.objects.filter(
            user_id__in=ids[start : start + LOOKUP_CHUNK], group__in=[group, ""]
        ).values_list("user_id", "group", "delivery"):
            chosen.setdefault(user_id, {})[pref_group] = delivery
    result = {}
    for user_id in ids:
        mine = chosen.get(user_id, {})
        result[user_id] = mine.get(group) or mine.get("") or DEFAULT_DELIVERY.value
    return result


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    target: models.Model | None = None,
    actor: User | None = None,
    params: dict[str, Any] | None = None,
    url: str = "",
) -> int:
    """Notify each recipient once (duplicates and inactive accounts are skipped); returns how many rows were
    created. ``kind`` must be registered (``kinds.register``); ``params`` fill its text's placeholders and
    must be JSON values. The actor is not removed from the recipients: the caller decides who is told.
    Immediate e-mails are sent by a background task after the commit; digests by ``send_digests``."""
    registered = kinds.get(kind)
    params = dict(params or {})
    _check_params(registered, params)
    seen: dict[int, User] = {}
    for user in recipients:
        if user.pk is not None and user.is_active and user.pk not in seen:
            seen[user.pk] = user
    if not seen:
        return 0
    target_type = target_id = None
    if target is not None:
        target_type = ContentType.objects.get_for_model(target)
        target_id = target.pk
        if not url and hasattr(target, "get_absolute_url"):
            url = target.get_absolute_url()
    deliveries = deliveries_for(seen, registered.group)
    rows = [
        Notification(
            recipient_id=user_id,
            kind=kind,
            params=params,
            target_type=target_type,
            target_id=target_id,
            url=url,
            actor=actor if actor is not None and actor.pk else None,
            delivery=deliveries[user_id],
        )
        for user_id in seen
    ]
    created = Notification.objects.bulk_create(rows)
    immediate = [n.pk for n in created if n.delivery == Delivery.IMMEDIATE]
    if immediate:
        if any(pk is None for pk in immediate):  # a backend that does not return ids (not ours)
            immediate = list(
                Notification.objects.filter(
                    kind=kind, delivery=Delivery.IMMEDIATE, emailed_at__isnull=True, recipient_id__in=seen
                ).values_list("pk", flat=True)
            )
        _enqueue_immediate(immediate)
    return len(created)


def _enqueue_immediate(ids: list[int]) -> None:
    from coopgov.notifications.tasks import send_immediate

    for start in range(0, len(ids), TASK_BATCH):
        batch = ids[start : start + TASK_BATCH]
        transaction.on_commit(partial(send_immediate.enqueue, batch))


def notification_mark_read(*, notification: Notification, user: User) -> Notification:
    """Mark one of the user's own notices read (reading it twice keeps the first time)."""
    if notification.recipient_id != user.pk:
        raise PermissionDenied("a member can only mark their own notifications read")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notification_mark_all_read(*, user: User) -> int:
    """Mark every unread notice of the user read; returns how many were unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def preferences_set(*, user: User, choices: dict[str, str]) -> None:
    """Set how the user receives notices: ``choices['']`` is the general delivery; a group mapped to a
    delivery has its own, a group mapped to '' follows the general one. Notices not yet e-mailed follow the
    new choices at once (so stopping e-mails stops them for what is pending too)."""
    for group, delivery in choices.items():
        if group and group not in kinds.GROUP_LABELS:
            raise ValueError(
                f"unknown group of notifications {group!r}: one of {', '.join(kinds.GROUP_LABELS)}"
            )
        if delivery and delivery not in Delivery.values:
            raise ValueError(f"unknown delivery {delivery!r}: one of {', '.join(Delivery.values)}")
        if not group and not delivery:
            raise ValueError("the general delivery cannot be empty")
    for group, delivery in choices.items():
        if delivery:
            Preference.objects.update_or_create(user=user, group=group, defaults={"delivery": delivery})
        else:
            Preference.objects.filter(user=user, group=group).delete()
    _reroute_pending(user)


def preference_set(*, user: User, delivery: str, group: str = "") -> None:
    """Set the user's delivery for one group ('' : the general one)."""
    preferences_set(user=user, choices={group: delivery})


def _reroute_pending(user: User) -> None:
    pending = Notification.objects.filter(
        recipient=user,
        emailed_at__isnull=True,
        digest_sent_at__isnull=True,
        delivery__in=[Delivery.DAILY, Delivery.WEEKLY],
    )
    for group in kinds.GROUP_LABELS:
        new = deliveries_for([user.pk], group)[user.pk]
        if new == Delivery.IMMEDIATE:
            # Switching to immediate does not flood the member with the backlog: it goes in the next daily.
            new = Delivery.DAILY
        pending.filter(kind__startswith=f"{group}.").exclude(delivery=new).update(delivery=new)


def notifications_prune(*, read_before: datetime) -> int:
    """Delete the notices read before this moment (unread ones are kept whatever their age); returns how
    many were deleted. Run by ``coopgov prune_notifications``."""
    deleted, _ = Notification.objects.filter(read_at__lt=read_before).delete()
    return deleted
