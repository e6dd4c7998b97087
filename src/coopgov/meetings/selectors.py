"""Reads of meetings: lists, one meeting with everything its page shows, the meetings of a process,
and where a user may schedule a meeting."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from coopgov.meetings.models import AgendaItem, Attendance, Contribution, Meeting, Minutes, Registration
from coopgov.organisation.models import Unit
from coopgov.organisation.selectors import units_where


def meetings(*, antenna: Unit | None = None, process_id: int | None = None) -> QuerySet[Meeting]:
    """Meetings with their antenna, process and seats taken, the latest first."""
    qs = Meeting.objects.select_related("antenna", "process").annotate(
        registered=Count("registrations", filter=Q(registrations__status=Registration.Status.REGISTERED))
    )
    if antenna is not None:
        qs = qs.filter(antenna__path__startswith=antenna.path)
    if process_id is not None:
        qs = qs.filter(process_id=process_id)
    return qs.order_by("-starts_at", "-id")


def meeting_page(pk: int) -> Meeting:
    """One meeting with its agenda, contributions (and who entered them for whom), minutes, attachments."""
    contributions = Contribution.objects.select_related(
        "author__person", "entered_by__person", "attendance", "agenda_item"
    ).order_by("created_at", "id")
    return (
        Meeting.objects.select_related("antenna", "process__unit")
        .prefetch_related("agenda", Prefetch("contributions", queryset=contributions))
        .annotate(
            registered=Count("registrations", filter=Q(registrations__status=Registration.Status.REGISTERED))
        )
        .get(pk=pk)
    )


def minutes_of(meeting: Meeting) -> Minutes | None:
    return (
        Minutes.objects.filter(meeting=meeting, published_at__isnull=False)
        .prefetch_related("attachments")
        .first()
    )


def registration_of(meeting: Meeting, user: Any) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return meeting.registrations.filter(user=user, status=Registration.Status.REGISTERED).first()


def registrations(meeting: Meeting) -> list[Registration]:
    """Active registrations, each with its attendance if recorded."""
    return list(
        meeting.registrations.filter(status=Registration.Status.REGISTERED)
        .select_related("attendance")
        .order_by("name", "id")
    )


def attendances(meeting: Meeting) -> list[Attendance]:
    return list(meeting.attendances.select_related("registration").order_by("name", "id"))


def published_minutes_of_process(process_id: int) -> list[Minutes]:
    """The published minutes of a process's meetings, for the process page."""
    return list(
        Minutes.objects.filter(meeting__process_id=process_id, published_at__isnull=False)
        .select_related("meeting__antenna")
        .prefetch_related("attachments")
        .order_by("-meeting__starts_at")
    )


def antennas_for_meetings(user: Any, unit: Unit) -> list[Unit]:
    """The antennas under ``unit`` (or ``unit`` itself) where ``user`` is relay or staff."""
    reach = units_where(user, "relay") | units_where(user, "staff")
    return list(reach.filter(kind=Unit.Kind.ANTENNA, path__startswith=unit.path).distinct().order_by("name"))


def meeting_summaries(meeting_ids: list[int]) -> dict[int, tuple[list[AgendaItem], int, bool]]:
    """For each meeting: its agenda, how many contributions, whether minutes are published (3 queries)."""
    agenda: dict[int, list[AgendaItem]] = {pk: [] for pk in meeting_ids}
    for item in AgendaItem.objects.filter(meeting_id__in=meeting_ids).order_by("order"):
        agenda[item.meeting_id].append(item)
    counts = dict(
        Contribution.objects.filter(meeting_id__in=meeting_ids)
        .values("meeting_id")
        .annotate(n=Count("id"))
        .values_list("meeting_id", "n")
    )
    published = set(
        Minutes.objects.filter(meeting_id__in=meeting_ids, published_at__isnull=False).values_list(
            "meeting_id", flat=True
        )
    )
    return {pk: (agenda[pk], counts.get(pk, 0), pk in published) for pk in meeting_ids}


def processes_hosting_meetings() -> list[Any]:
    """Processes whose components include meetings, with their unit (for the list page's links)."""
    from coopgov.participation.models import Process

    return [
        p
        for p in Process.objects.select_related("unit").order_by("unit__path", "-created_at")
        if p.has_component("meetings")
    ]
