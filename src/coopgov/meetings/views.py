"""Pages of meetings: parse, authorise, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopgov.meetings import selectors, services
from coopgov.meetings.forms import (
    ContributionForm,
    GuestRegistrationForm,
    MeetingForm,
    MinutesForm,
    WalkInForm,
)
from coopgov.meetings.models import Attendance, Meeting, MinutesAttachment, Registration, user_label
from coopgov.meetings.services import MeetingRefused
from coopgov.participation.models import Process


def _meeting(request: HttpRequest, pk: int, perm: str) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("antenna", "process"), pk=pk)
    if not request.user.has_perm(perm, meeting):
        raise PermissionDenied
    return meeting


def _language(request: HttpRequest) -> str:
    return (get_language() or "fr")[:2]


def meeting_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.meetings(), 50).get_page(request.GET.get("page"))
    context = {"page": page, "processes": selectors.processes_hosting_meetings()}
    return render(request, "meetings/list.html", context)


def process_meetings(request: HttpRequest, process_pk: int) -> HttpResponse:
    process = get_object_or_404(Process.objects.select_related("unit"), pk=process_pk)
    context = {
        "process": process,
        "meetings": list(selectors.meetings(process_id=process.pk)),
        "minutes": selectors.published_minutes_of_process(process.pk),
        "can_schedule": bool(selectors.antennas_for_meetings(request.user, process.unit)),
    }
    return render(request, "meetings/process.html", context)


@login_required
def meeting_create(request: HttpRequest, process_pk: int) -> HttpResponse:
    process = get_object_or_404(Process.objects.select_related("unit"), pk=process_pk)
    antennas = {str(a.pk): a for a in selectors.antennas_for_meetings(request.user, process.unit)}
    if not antennas:
        raise PermissionDenied
    choices = [(k, a.display_name) for k, a in antennas.items()]
    form = MeetingForm(request.POST or None, antennas=choices, initial={"language": _language(request)})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            meeting = services.meeting_create(
                process=process,
                antenna=antennas[d["antenna"]],
                title=d["title"],
                language=d["language"],
                description=d["description"],
                starts_at=d["starts_at"],
                ends_at=d["ends_at"],
                place=d["place"],
                online_url=d["online_url"],
                capacity=d["capacity"],
                agenda=d["agenda"].splitlines(),
                actor=request.user,
            )
        except MeetingRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The meeting has been scheduled."))
            return redirect(meeting)
    return render(request, "meetings/form.html", {"form": form, "process": process})


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    meeting = selectors.meeting_page(meeting.pk)
    user = request.user
    runs = user.has_perm("meetings.manage_meeting", meeting)
    can_contribute = user.has_perm("meetings.contribute", meeting)
    context: dict[str, Any] = {
        "meeting": meeting,
        "agenda": list(meeting.agenda.all()),
        "contributions": list(meeting.contributions.all()),
        "minutes": selectors.minutes_of(meeting),
        "my_registration": selectors.registration_of(meeting, user),
        "guest_form": GuestRegistrationForm(initial={"language": _language(request)}),
        "full": meeting.capacity is not None and meeting.registered >= meeting.capacity,  # type: ignore[attr-defined]
        "runs": runs,
    }
    if can_contribute:
        context["contribution_form"] = _contribution_form(meeting, runs, None, request)
    return render(request, "meetings/detail.html", context)


def _contribution_form(meeting: Meeting, runs: bool, data: Any, request: HttpRequest) -> ContributionForm:
    participants = [(a.pk, a.name) for a in selectors.attendances(meeting)] if runs else []
    agenda = [(i.pk, str(i)) for i in meeting.agenda.all()]
    initial = {"language": _language(request), "on_behalf": "participant" if runs else "self"}
    return ContributionForm(data, participants=participants, agenda=agenda, on_behalf=runs, initial=initial)


@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("antenna"), pk=pk)
    base_url = request.build_absolute_uri("/")
    try:
        if request.user.is_authenticated:
            user: Any = request.user
            services.registration_create(
                meeting=meeting,
                user=user,
                name=user_label(user),
                email=user.email,
                language=user.language or _language(request),
                base_url=base_url,
                actor=user,
            )
        else:
            form = GuestRegistrationForm(request.POST)
            if not form.is_valid():
                return render(
                    request, "meetings/guest_form.html", {"meeting": meeting, "guest_form": form}, status=400
                )
            d = form.cleaned_data
            services.registration_create(
                meeting=meeting,
                name=d["name"],
                email=d["email"],
                language=d["language"],
                base_url=base_url,
                actor=None,
            )
    except MeetingRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, _("You are registered. A confirmation with a cancellation link is on its way by e-mail.")
        )
    return redirect(meeting)


def cancel(request: HttpRequest, token: str) -> HttpResponse:
    registration = get_object_or_404(Registration.objects.select_related("meeting"), token=token)
    if request.method == "POST":
        try:
            services.registration_cancel(
                registration=registration,
                actor=request.user if request.user.is_authenticated else f"guest <{registration.email}>",
            )
        except MeetingRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Your registration has been cancelled."))
        return redirect(registration.meeting)
    return render(request, "meetings/cancel.html", {"registration": registration})


@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, "meetings.record_attendance")
    walk_in = WalkInForm(request.POST if "name" in request.POST else None)
    if request.method == "POST":
        try:
            if "registration" in request.POST:
                registration = get_object_or_404(
                    Registration, pk=request.POST.get("registration", "0"), meeting=meeting
                )
                done = services.attendance_record(
                    meeting=meeting, registration=registration, actor=request.user
                )
            elif walk_in.is_valid():
                done = services.attendance_record(
                    meeting=meeting, name=walk_in.cleaned_data["name"], actor=request.user
                )
            else:
                done = None
        except MeetingRefused as refused:
            messages.error(request, refused.message)
        else:
            if done is not None:
                messages.success(request, _("%(name)s is recorded present.") % {"name": done.name})
                return redirect("meetings:attendance", pk=meeting.pk)
    context = {
        "meeting": meeting,
        "registrations": selectors.registrations(meeting),
        "attendances": selectors.attendances(meeting),
        "walk_in": walk_in,
    }
    return render(request, "meetings/attendance.html", context)


@login_required
@require_POST
def contribute(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, "meetings.contribute")
    runs = request.user.has_perm("meetings.enter_on_behalf", meeting)
    form = _contribution_form(meeting, runs, request.POST, request)
    if form.is_valid():
        d = form.cleaned_data
        present = (
            Attendance.objects.filter(meeting=meeting, pk=d["attendance"]).first()
            if d["attendance"]
            else None
        )
        item = meeting.agenda.filter(pk=d["agenda_item"]).first() if d["agenda_item"] else None
        try:
            services.contribution_add(
                meeting=meeting,
                text=d["text"],
                language=d["language"],
                agenda_item=item,
                on_behalf=d["on_behalf"],
                attendance=present,
                actor=request.user,
            )
        except MeetingRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The contribution has been added."))
            return redirect(meeting.get_absolute_url() + "#contributions")
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else str(error))
    return redirect(meeting.get_absolute_url() + "#contribute")


@login_required
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, "meetings.publish_minutes")
    current = getattr(meeting, "minutes", None) if hasattr(meeting, "minutes") else None
    initial = {
        "text": current.text if current else "",
        "language": current.language if current else _language(request),
    }
    form = MinutesForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        files = [(d["attachment_title"], d["attachment"])] if d["attachment"] else []
        try:
            services.minutes_publish(
                meeting=meeting, text=d["text"], language=d["language"], attachments=files, actor=request.user
            )
        except MeetingRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The minutes are published on the process."))
            return redirect(meeting)
    return render(request, "meetings/minutes_form.html", {"meeting": meeting, "form": form})


def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment of published minutes (public, like the minutes themselves)."""
    found = get_object_or_404(
        MinutesAttachment.objects.select_related("minutes"), pk=pk, minutes__published_at__isnull=False
    )
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("This file is no longer available.")) from None
    return FileResponse(handle, as_attachment=True, filename=found.file.name.rsplit("/", 1)[-1])
