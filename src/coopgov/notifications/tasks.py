"""Background work of notifications: tasks load by id and call one function (Django Tasks API)."""

from __future__ import annotations

from django_tasks import task

from coopgov.notifications import delivery


@task()
def send_immediate(notification_ids: list[int]) -> int:
    """E-mail each of these notices that is still to be sent immediately; returns how many were sent."""
    return delivery.send_immediate(notification_ids)


@task()
def send_digests(period: str) -> int:
    """Send the daily or weekly digests due; returns how many e-mails were sent."""
    return delivery.send_digests(period=period)
