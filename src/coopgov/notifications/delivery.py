"""Sending notices by e-mail: immediate ones, and the daily and weekly digests.

Each recipient's e-mail is sent inside a transaction that first takes a lock on the recipient (their user
row, ``SELECT … FOR UPDATE``), then reads and *claims* their pending notices, marked sent by an ``UPDATE …
WHERE … IS NULL`` whose row count must match. The lock is per recipient, not per notice: with row locks on
the notices alone (``SKIP LOCKED``), two runs could each lock part of one member's notices and each send
them a digest. A concurrent run waits for the recipient's lock, then reads in a new snapshot and finds
nothing left. On SQLite every transaction takes the write lock when it begins (``transaction_mode =
IMMEDIATE``), so runs are serialised and the second finds nothing left. If sending fails the transaction
rolls back and the notices stay pending for the next run. A crash between the mail server accepting the
e-mail and the commit can send one e-mail twice (at-least-once); two runs never both send the same
notices.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from coopgov.accounts.models import User
from coopgov.notifications.emails import build_email
from coopgov.notifications.models import Delivery, Notification

log = logging.getLogger(__name__)

PERIODS = (Delivery.DAILY.value, Delivery.WEEKLY.value)
# A digest lists at most this many notices (the newest), then links to the full list in the app.
DIGEST_LIMIT = 50


class _Taken(Exception):
    """Another run claimed some of these notices between our read and our update."""


def _claim(ids: list[int], field: str) -> None:
    claimed = Notification.objects.filter(pk__in=ids, **{f"{field}__isnull": True}).update(
        **{field: timezone.now()}
    )
    if claimed != len(ids):
        raise _Taken


def send_immediate(notification_ids: Iterable[int]) -> int:
    """E-mail each notice still waiting for immediate delivery; returns how many e-mails were sent."""
    sent = 0
    ids = list(notification_ids)
    recipients = (
        Notification.objects.filter(pk__in=ids, delivery=Delivery.IMMEDIATE, emailed_at__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    users = User.objects.select_related("person").in_bulk(list(recipients))
    for user_id, user in users.items():
        sent += _send_for(user, Notification.objects.filter(pk__in=ids, recipient_id=user_id), "")
    return sent


def send_digests(*, period: str) -> int:
    """Send one digest e-mail to every member with notices pending for this period; returns how many."""
    if period not in PERIODS:
        raise ValueError(f"unknown digest period {period!r}: 'daily' or 'weekly'")
    recipient_ids = (
        Notification.objects.filter(delivery=period, digest_sent_at__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    users = User.objects.select_related("person").in_bulk(list(recipient_ids))
    sent = 0
    for user_id in sorted(users):
        pending = Notification.objects.filter(recipient_id=user_id)
        sent += _send_for(users[user_id], pending, period)
    return sent


def _send_for(user: User, candidates: QuerySet[Notification], period: str) -> int:
    """Claim the user's pending notices among ``candidates``, e-mail them (one digest, or one e-mail per
    immediate notice), and keep the claim only if the e-mails left. Returns how many e-mails were sent."""
    if period:
        field, pending = "digest_sent_at", candidates.filter(delivery=period, digest_sent_at__isnull=True)
    else:
        field, pending = "emailed_at", candidates.filter(delivery=Delivery.IMMEDIATE, emailed_at__isnull=True)
    try:
        with transaction.atomic():
            # One run at a time per recipient; a run waiting here reads the notices afresh afterwards.
            User.objects.select_for_update().filter(pk=user.pk).values_list("pk").first()
            rows = list(pending.select_for_update().order_by("-created_at", "-id"))
            if not rows:
                return 0
            _claim([row.pk for row in rows], field)
            if not user.email or not user.is_active:
                return 0  # claimed as handled: nothing can be sent to this account
            if period:
                build_email(user, rows[:DIGEST_LIMIT], period, total=len(rows)).send()
                return 1
            for row in rows:
                build_email(user, [row], "").send()
            return len(rows)
    except _Taken:
        log.info("notices of user %s were taken by a concurrent run", user.pk)
        return 0
