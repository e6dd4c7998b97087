"""Meetings: scheduling, registration (members and guests, capacity, cancellation), attendance,
contributions entered on behalf (marked and audited), minutes published with notices."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from coopgov.audit.models import AuditEntry
from coopgov.meetings import services
from coopgov.meetings.models import Contribution, Meeting, Registration
from coopgov.meetings.services import MeetingRefused
from coopgov.notifications.models import Notification
from tests.meetings.builders import Tree, meeting, process, user


@pytest.fixture
def relay(tree: Tree) -> Any:
    return user("relay", tree.brussels, email="relay.bxl@test.example.org")


@pytest.fixture
def bilan(tree: Tree, relay: Any) -> Meeting:
    return meeting(process(tree.be), tree.brussels, relay, capacity=2)


def guest(
    m: Meeting, name: str = "Jan Peeters", email: str = "jan@example.org", language: str = "nl"
) -> Registration:
    return services.registration_create(
        meeting=m, name=name, email=email, language=language, base_url="https://coop.example/", actor=None
    )


def test_a_meeting_is_scheduled_with_its_agenda_and_audited(bilan: Meeting, relay: Any) -> None:
    assert [i.title for i in bilan.agenda.all()] == ["Gouvernance", "Services"]
    entry = AuditEntry.objects.get(action="meetings.meeting_create")
    assert entry.actor == relay and entry.unit_label == "BE-BXL"


def test_a_meeting_needs_a_process_that_hosts_meetings_and_an_antenna_under_it(
    tree: Tree, relay: Any
) -> None:
    staff = user("staff", tree.be)
    when = timezone.now() + timedelta(days=3)
    with pytest.raises(MeetingRefused, match="does not host meetings"):
        services.meeting_create(
            process=process(tree.be, meetings=False),
            antenna=tree.brussels,
            title="X",
            starts_at=when,
            place="Ici",
            actor=staff,
        )
    with pytest.raises(MeetingRefused, match="not part of the unit"):
        services.meeting_create(
            process=process(tree.liege),
            antenna=tree.brussels,
            title="X",
            starts_at=when,
            place="Ici",
            actor=staff,
        )
    with pytest.raises(MeetingRefused, match="place or an online link"):
        services.meeting_create(
            process=process(tree.be), antenna=tree.brussels, title="X", starts_at=when, actor=staff
        )
    assert Meeting.objects.count() == 0


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_a_guest_without_an_account_registers_and_gets_a_confirmation_in_their_language(
    bilan: Meeting, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        registration = guest(bilan)
    assert registration.is_guest
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jan@example.org"]
    assert "Inschrijving bevestigd" in message.subject
    assert f"https://coop.example/meetings/cancel/{registration.token}/" in message.body
    assert (
        AuditEntry.objects.get(action="meetings.registration_create").actor_label == "guest <jan@example.org>"
    )


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_a_member_registers_and_is_notified_in_the_app(bilan: Meeting) -> None:
    member = user()
    services.registration_create(
        meeting=bilan, user=member, name="Awa", email=member.email, language="fr", actor=member
    )
    assert Notification.objects.filter(recipient=member, kind="meetings.registered").exists()
    with pytest.raises(MeetingRefused, match="already registered"):
        services.registration_create(
            meeting=bilan, user=member, name="Awa", email=member.email, language="fr", actor=member
        )


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_a_full_meeting_refuses_a_registration_and_a_cancellation_frees_the_seat(bilan: Meeting) -> None:
    first = guest(bilan, email="a@example.org")
    guest(bilan, email="b@example.org")
    with pytest.raises(MeetingRefused, match="full"):
        guest(bilan, email="c@example.org")
    assert bilan.registrations.count() == 2
    services.registration_cancel(registration=first, actor="guest <a@example.org>")
    guest(bilan, email="c@example.org")
    with pytest.raises(MeetingRefused, match="already cancelled"):
        services.registration_cancel(registration=first, actor="guest")


def test_bad_registration_input_changes_nothing(bilan: Meeting) -> None:
    for name, email in (("", "x@example.org"), ("X", "not-an-address")):
        with pytest.raises(MeetingRefused):
            guest(bilan, name=name, email=email)
    with pytest.raises(MeetingRefused, match="French, Dutch or English"):
        guest(bilan, language="de")
    assert bilan.registrations.count() == 0


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_the_relay_records_registered_people_and_walk_ins(bilan: Meeting, relay: Any) -> None:
    registration = guest(bilan)
    services.attendance_record(meeting=bilan, registration=registration, actor=relay)
    services.attendance_record(meeting=bilan, name="Fatou Diallo", actor=relay)
    assert sorted(a.name for a in bilan.attendances.all()) == ["Fatou Diallo", "Jan Peeters"]
    with pytest.raises(MeetingRefused, match="already recorded"):
        services.attendance_record(meeting=bilan, registration=registration, actor=relay)
    with pytest.raises(MeetingRefused, match="can no longer be cancelled"):
        services.registration_cancel(registration=registration, actor="guest")
    with pytest.raises(MeetingRefused):
        services.attendance_record(meeting=bilan, name="Someone", actor=user())


def test_a_contribution_entered_for_a_participant_is_marked_and_audited(bilan: Meeting, relay: Any) -> None:
    present = services.attendance_record(meeting=bilan, name="Fatou Diallo", actor=relay)
    item = bilan.agenda.get(order=1)
    c = services.contribution_add(
        meeting=bilan,
        text="Plus de formations.",
        agenda_item=item,
        on_behalf="participant",
        attendance=present,
        actor=relay,
    )
    assert (c.entered_by, c.for_label, c.entered_by_label) == (
        relay,
        "Fatou Diallo",
        "relay.bxl@test.example.org",
    )
    entry = AuditEntry.objects.get(action="meetings.contribution_add")
    assert (entry.actor, entry.on_behalf_of) == (relay, "Fatou Diallo")


def test_a_contribution_entered_for_the_room_names_no_participant(bilan: Meeting, relay: Any) -> None:
    c = services.contribution_add(
        meeting=bilan, text="La salle demande un local.", on_behalf="room", actor=relay
    )
    assert c.attendance is None and c.author is None and c.for_label == "the room"
    assert AuditEntry.objects.get(action="meetings.contribution_add").on_behalf_of == "room"


def test_only_a_relay_enters_on_behalf_and_a_participant_must_be_present(bilan: Meeting, relay: Any) -> None:
    member = user()
    present = services.attendance_record(meeting=bilan, name="Walk-in", actor=relay)
    with pytest.raises(MeetingRefused):
        services.contribution_add(meeting=bilan, text="x", on_behalf="room", actor=member)
    with pytest.raises(MeetingRefused, match="Choose a participant"):
        services.contribution_add(meeting=bilan, text="x", on_behalf="participant", actor=relay)
    other = meeting(bilan.process, bilan.antenna, relay)
    with pytest.raises(MeetingRefused, match="Choose a participant"):
        services.contribution_add(
            meeting=other, text="x", on_behalf="participant", attendance=present, actor=relay
        )
    with pytest.raises(MeetingRefused, match="empty"):
        services.contribution_add(meeting=bilan, text="  ", on_behalf="room", actor=relay)
    assert Contribution.objects.count() == 0


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_a_participant_present_writes_their_own_contribution(bilan: Meeting, relay: Any) -> None:
    member = user()
    reg = services.registration_create(
        meeting=bilan, user=member, name="Awa", email=member.email, language="fr", actor=member
    )
    services.attendance_record(meeting=bilan, registration=reg, actor=relay)
    member = type(member).objects.get(pk=member.pk)
    c = services.contribution_add(meeting=bilan, text="Mon idée.", actor=member)
    assert (c.author, c.entered_by, c.on_behalf) == (member, None, "self")


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_minutes_are_published_with_an_attachment_and_participants_are_notified(
    bilan: Meeting, relay: Any, tmp_path: Any
) -> None:
    member = user()
    services.registration_create(
        meeting=bilan, user=member, name="Awa", email=member.email, language="fr", actor=member
    )
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        minutes = services.minutes_publish(
            meeting=bilan,
            text="Compte rendu.",
            attachments=[("Photos du tableau", SimpleUploadedFile("tableau.txt", b"notes"))],
            actor=relay,
        )
        assert minutes.published_at is not None
        assert [a.title for a in minutes.attachments.all()] == ["Photos du tableau"]
        services.minutes_publish(meeting=bilan, text="Compte rendu corrigé.", actor=relay)
    assert Notification.objects.filter(recipient=member, kind="meetings.minutes_published").count() == 1
    assert AuditEntry.objects.filter(action="meetings.minutes_publish").count() == 2
    with pytest.raises(MeetingRefused):
        services.minutes_publish(meeting=bilan, text="x", actor=member)
