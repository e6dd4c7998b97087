"""API of meetings: each endpoint authorises with a django-rules permission, then calls one selector or
service. Meetings are public (anyone may register), so listing them needs only an authenticated client."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from coopgov.api.errors import READ_ERRORS, Code
from coopgov.meetings import selectors
from coopgov.meetings.models import Meeting
from coopgov.organisation.models import Unit

router = Router(tags=["meetings"])


class AgendaItemOut(Schema):
    order: int
    title: str


class MeetingOut(Schema):
    id: int
    title: str
    language: str
    antenna: str
    process: int
    starts_at: str
    ends_at: str | None
    place: str
    online_url: str
    capacity: int | None
    registered: int
    agenda: list[AgendaItemOut]
    contributions: int
    minutes_published: bool
    url: str


class MeetingPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[MeetingOut]


class MeetingFilters(Schema):
    antenna: Code | None = Field(None, description="A unit code: meetings of this unit and those below it")
    process: Annotated[int, Field(ge=1, le=2_147_483_647)] | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000_000)


def _out(m: Meeting, agenda: list[Any], contributions: int, published: bool) -> dict[str, Any]:
    return {
        "id": m.pk,
        "title": m.title,
        "language": m.language,
        "antenna": m.antenna.code,
        "process": m.process_id,
        "starts_at": m.starts_at.isoformat(),
        "ends_at": m.ends_at.isoformat() if m.ends_at else None,
        "place": m.place,
        "online_url": m.online_url,
        "capacity": m.capacity,
        "registered": m.registered,  # type: ignore[attr-defined]
        "agenda": [{"order": i.order, "title": i.title} for i in agenda],
        "contributions": contributions,
        "minutes_published": published,
        "url": m.get_absolute_url(),
    }


@router.get(
    "/meetings",
    response={200: MeetingPage, **READ_ERRORS},
    summary="Meetings (bilans participatifs), the latest first, with their agenda and seats taken",
)
def list_meetings(request: HttpRequest, filters: Query[MeetingFilters]) -> dict[str, Any]:
    antenna = None
    if filters.antenna:
        antenna = Unit.objects.filter(code=filters.antenna).first()
        if antenna is None:
            raise HttpError(404, _("No unit with the code %(code)s.") % {"code": filters.antenna})
    qs = selectors.meetings(antenna=antenna, process_id=filters.process)
    page = list(qs[filters.offset : filters.offset + filters.limit])
    details = selectors.meeting_summaries([m.pk for m in page])
    items = [_out(m, *details[m.pk]) for m in page]
    return {"count": qs.count(), "limit": filters.limit, "offset": filters.offset, "items": items}
