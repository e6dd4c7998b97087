"""Writes of meetings: each act is one atomic, audited function (`<entity>_<verb>`, keyword-only)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from coopgov.accounts.models import User
from coopgov.audit.services import audit_record
from coopgov.meetings import tasks
from coopgov.meetings.models import (
    AgendaItem,
    Attendance,
    Contribution,
    Meeting,
    Minutes,
    MinutesAttachment,
    Registration,
)
from coopgov.notifications.services import notify
from coopgov.organisation.models import Unit

LANGUAGES = ("fr", "nl", "en")


class MeetingRefused(Exception):
    """An act on a meeting that the rules refuse; ``message`` says why, for the person who tried."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _require(user: Any, perm: str, obj: Any) -> None:
    if not user.has_perm(perm, obj):
        raise MeetingRefused(_("You may not do this in this antenna."))


def _language(language: str) -> str:
    if language not in LANGUAGES:
        raise MeetingRefused(_("Choose French, Dutch or English."))
    return language


@transaction.atomic
def meeting_create(
    *,
    process: Any,
    antenna: Unit,
    title: str,
    starts_at: datetime,
    actor: Any,
    language: str = "fr",
    description: str = "",
    ends_at: datetime | None = None,
    place: str = "",
    online_url: str = "",
    capacity: int | None = None,
    agenda: Sequence[str] = (),
) -> Meeting:
    """Schedule a meeting of ``antenna`` in ``process`` (a process of the antenna or of a unit above it)."""
    _require(actor, "meetings.manage_meeting", antenna)
    if antenna.kind != Unit.Kind.ANTENNA:
        raise MeetingRefused(_("A bilan participatif is held by an antenna."))
    if not antenna.path.startswith(process.unit.path):
        raise MeetingRefused(_("The antenna is not part of the unit that runs this process."))
    if not process.has_component("meetings"):
        raise MeetingRefused(_("This process does not host meetings."))
    if not title.strip():
        raise MeetingRefused(_("Give the meeting a title."))
    if not place.strip() and not online_url.strip():
        raise MeetingRefused(_("Give a place or an online link."))
    if ends_at is not None and ends_at <= starts_at:
        raise MeetingRefused(_("The meeting must end after it starts."))
    if capacity is not None and capacity < 1:
        raise MeetingRefused(_("The capacity must be at least one seat."))
    meeting = Meeting.objects.create(
        process=process,
        antenna=antenna,
        title=title.strip(),
        language=_language(language),
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        online_url=online_url.strip(),
        capacity=capacity,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    items = [t.strip() for t in agenda if t.strip()]
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, order=i, title=t) for i, t in enumerate(items, start=1)
    )
    audit_record(
        actor=actor,
        action="meetings.meeting_create",
        obj=meeting,
        unit=antenna,
        after={"title": meeting.title, "starts_at": starts_at, "process": process.pk, "agenda": items},
    )
    return meeting


def _seats_taken(meeting: Meeting) -> int:
    return meeting.registrations.filter(status=Registration.Status.REGISTERED).count()


@transaction.atomic
def registration_create(
    *,
    meeting: Meeting,
    name: str,
    email: str,
    language: str,
    actor: Any,
    user: Any = None,
    base_url: str = "",
) -> Registration:
    """Register a member (``user``) or a guest without an account (name and e-mail). The seat count is
    checked under a lock on the meeting row, so two last registrations cannot both take the last seat.
    A confirmation e-mail with a cancellation link is sent after the commit, in the person's language."""
    Meeting.objects.select_for_update().get(pk=meeting.pk)
    name, email = name.strip(), email.strip().lower()
    if not name:
        raise MeetingRefused(_("Give your name."))
    if "@" not in email:
        raise MeetingRefused(_("Give a valid e-mail address."))
    if meeting.starts_at < timezone.now():
        raise MeetingRefused(_("This meeting has already taken place."))
    active = meeting.registrations.filter(status=Registration.Status.REGISTERED)
    if active.filter(email=email).exists() or (user is not None and active.filter(user=user).exists()):
        raise MeetingRefused(_("This person is already registered for this meeting."))
    if meeting.capacity is not None and _seats_taken(meeting) >= meeting.capacity:
        raise MeetingRefused(_("The meeting is full."))
    registration = Registration.objects.create(
        meeting=meeting, user=user, name=name, email=email, language=_language(language)
    )
    audit_record(
        actor=actor if user is not None else f"guest <{email}>",
        action="meetings.registration_create",
        obj=registration,
        unit=meeting.antenna,
        after={"meeting": meeting.pk, "guest": user is None},
    )
    transaction.on_commit(lambda: tasks.send_registration_confirmation.enqueue(registration.pk, base_url))
    if user is not None:
        notify(
            recipients=[user],
            kind="meetings.registered",
            target=meeting,
            params={
                "meeting": meeting.title,
                "when": formats.date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT"),
            },
        )
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration, actor: Any) -> Registration:
    """Give the seat back (from the cancellation link, or by the member signed in)."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        raise MeetingRefused(_("This registration was already cancelled."))
    if hasattr(registration, "attendance"):
        raise MeetingRefused(_("Attendance has been recorded; the registration can no longer be cancelled."))
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    audit_record(
        actor=actor,
        action="meetings.registration_cancel",
        obj=registration,
        unit=registration.meeting.antenna,
    )
    return registration


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, actor: Any, registration: Registration | None = None, name: str = ""
) -> Attendance:
    """A relay records someone present: a registered person, or a walk-in by name."""
    _require(actor, "meetings.record_attendance", meeting)
    if registration is not None:
        if registration.meeting_id != meeting.pk or registration.status != Registration.Status.REGISTERED:
            raise MeetingRefused(_("This registration is not an active registration for this meeting."))
        if Attendance.objects.filter(registration=registration).exists():
            raise MeetingRefused(_("%(name)s is already recorded present.") % {"name": registration.name})
        name, user = registration.name, registration.user
    else:
        name, user = name.strip(), None
        if not name:
            raise MeetingRefused(_("Give the name of the person present."))
    attendance = Attendance.objects.create(
        meeting=meeting, registration=registration, user=user, name=name, recorded_by=actor
    )
    audit_record(
        actor=actor,
        action="meetings.attendance_record",
        obj=attendance,
        unit=meeting.antenna,
        after={"meeting": meeting.pk, "name": name, "walk_in": registration is None},
    )
    return attendance


@transaction.atomic
def contribution_add(
    *,
    meeting: Meeting,
    text: str,
    actor: Any,
    language: str = "fr",
    agenda_item: AgendaItem | None = None,
    on_behalf: str = Contribution.For.SELF,
    attendance: Attendance | None = None,
) -> Contribution:
    """Add a contribution. ``on_behalf`` is "self" (a participant writes it), "participant" (a relay enters
    it for ``attendance``) or "room" (a relay enters what the room said); the last two are marked and
    audited as entered by the relay for that participant or the room."""
    if not text.strip():
        raise MeetingRefused(_("The contribution is empty."))
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise MeetingRefused(_("This agenda item belongs to another meeting."))
    entered_by, author = None, None
    if on_behalf == Contribution.For.SELF:
        _require(actor, "meetings.contribute", meeting)
        author, attendance = actor, None
        label = ""
    elif on_behalf in (Contribution.For.PARTICIPANT, Contribution.For.ROOM):
        _require(actor, "meetings.enter_on_behalf", meeting)
        entered_by = actor
        if on_behalf == Contribution.For.PARTICIPANT:
            if attendance is None or attendance.meeting_id != meeting.pk:
                raise MeetingRefused(_("Choose a participant recorded present at this meeting."))
            author, label = attendance.user, attendance.name
        else:
            attendance, label = None, "room"
    else:
        raise MeetingRefused(_("Say on whose behalf this contribution is entered."))
    contribution = Contribution.objects.create(
        meeting=meeting,
        agenda_item=agenda_item,
        text=text.strip(),
        language=_language(language),
        on_behalf=on_behalf,
        author=author,
        attendance=attendance,
        entered_by=entered_by,
    )
    audit_record(
        actor=actor,
        action="meetings.contribution_add",
        obj=contribution,
        unit=meeting.antenna,
        on_behalf_of=label,
        after={
            "meeting": meeting.pk,
            "on_behalf": on_behalf,
            "agenda_item": getattr(agenda_item, "pk", None),
        },
    )
    return contribution


@transaction.atomic
def minutes_publish(
    *,
    meeting: Meeting,
    text: str,
    actor: Any,
    language: str = "fr",
    attachments: Sequence[tuple[str, UploadedFile]] = (),
) -> Minutes:
    """Publish (or correct) the minutes of a meeting on its process, with attachments; the registered
    members and those recorded present are notified the first time."""
    _require(actor, "meetings.publish_minutes", meeting)
    if not text.strip():
        raise MeetingRefused(_("The minutes are empty."))
    minutes, _created = Minutes.objects.select_for_update().get_or_create(
        meeting=meeting, defaults={"text": text.strip(), "language": _language(language)}
    )
    first_time = minutes.published_at is None
    before = None if _created else {"text": minutes.text}
    minutes.text, minutes.language = text.strip(), _language(language)
    minutes.published_at = minutes.published_at or timezone.now()
    minutes.published_by = actor
    minutes.save()
    for title, file in attachments:
        MinutesAttachment.objects.create(minutes=minutes, title=title.strip() or file.name or "", file=file)
    audit_record(
        actor=actor,
        action="meetings.minutes_publish",
        obj=minutes,
        unit=meeting.antenna,
        before=before,
        after={"text": minutes.text, "attachments": [t for t, _f in attachments]},
    )
    if first_time:
        user_ids = set(
            meeting.registrations.filter(
                status=Registration.Status.REGISTERED, user__isnull=False
            ).values_list("user_id", flat=True)
        ) | set(meeting.attendances.filter(user__isnull=False).values_list("user_id", flat=True))
        notify(
            recipients=User.objects.filter(pk__in=user_ids),
            kind="meetings.minutes_published",
            target=meeting,
            actor=actor,
            params={"meeting": meeting.title},
        )
    return minutes
