"""API of notifications: each endpoint authorises with a django-rules permission, then calls one
selector or service. A member reads and marks only their own notices.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError

from coopgov.api.errors import READ_ERRORS, WRITE_ERRORS
from coopgov.notifications import selectors, services
from coopgov.notifications.models import Notification

router = Router(tags=["notifications"])

IdPath = Annotated[int, Path(ge=1, le=9_223_372_036_854_775_807, description="The notice's id")]


class NotificationOut(Schema):
    id: int
    kind: str
    text: str = Field(description="The notice in the reader's language")
    url: str
    actor: str
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Schema):
    count: int
    unread: int
    limit: int
    offset: int
    items: list[NotificationOut]


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000_000)
    unread: bool = Field(False, description="Only unread notices")


@router.get("/notifications", response={200: NotificationPage, **READ_ERRORS})
def list_notifications(request: HttpRequest, query: Query[PageQuery]) -> dict[str, object]:
    """My notices, unread first, newest first; texts in the reader's language."""
    qs = selectors.notifications_of(request.user)  # type: ignore[arg-type]
    if query.unread:
        qs = qs.filter(read_at__isnull=True)
    page = list(qs[query.offset : query.offset + query.limit])
    return {
        "count": qs.count(),
        "unread": selectors.unread_count(request.user),  # type: ignore[arg-type]
        "limit": query.limit,
        "offset": query.offset,
        "items": selectors.shown(page),
    }


@router.post("/notifications/{notification_id}/read", response={200: NotificationOut, **WRITE_ERRORS})
def read_notification(request: HttpRequest, notification_id: IdPath) -> selectors.Shown:
    """Mark one of my notices read (again is harmless). Another member's notice answers 404, like a
    missing one: ids of others' notices are not disclosed."""
    # Looked up among the reader's own notices: not even a superuser reads or marks another's.
    notification = (
        Notification.objects.select_related("actor__person")
        .filter(pk=notification_id, recipient_id=request.user.pk)
        .first()
    )
    if notification is None or not request.user.has_perm("notifications.read_notification", notification):
        raise HttpError(404, _("You have no notice with the id %(id)d.") % {"id": notification_id})
    services.notification_mark_read(notification=notification, user=request.user)  # type: ignore[arg-type]
    return selectors.shown([notification])[0]


class ReadAllOut(Schema):
    marked: int = Field(description="How many of my notices were unread and are now read")


@router.post("/notifications/read-all", response={200: ReadAllOut, **WRITE_ERRORS})
def read_all_notifications(request: HttpRequest) -> dict[str, int]:
    """Mark every one of my unread notices read."""
    return {"marked": services.notification_mark_all_read(user=request.user)}  # type: ignore[arg-type]
