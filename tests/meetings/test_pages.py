"""Meeting pages: a guest registers and cancels, a relay records attendance and contributions on behalf,
publishes the minutes; the list's query count does not grow with meetings; the API lists meetings."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from coopgov.meetings import services
from coopgov.meetings.models import Contribution, Meeting, Registration
from tests.meetings.builders import Tree, meeting, process, user


@pytest.fixture
def relay(tree: Tree) -> Any:
    return user("relay", tree.brussels, email="relay.bxl@test.example.org")


@pytest.fixture
def bilan(tree: Tree, relay: Any) -> Meeting:
    return meeting(process(tree.be), tree.brussels, relay)


def signed_in(account: Any) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(account)
    return c


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_a_guest_registers_without_an_account_then_cancels_by_the_link(bilan: Meeting) -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(bilan.get_absolute_url())
    assert page.status_code == 200 and "Your e-mail address" in page.content.decode()
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        f"/meetings/{bilan.pk}/register/", {"name": "Jan", "email": "jan@example.org", "language": "nl"}
    )
    assert response.status_code == 302
    registration = Registration.objects.get(meeting=bilan)
    assert registration.is_guest and registration.language == "nl"
    assert Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/meetings/cancel/{registration.token}/").status_code == 200
    Client(HTTP_ACCEPT_LANGUAGE="en").post(f"/meetings/cancel/{registration.token}/")
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_a_guest_form_with_errors_says_where_and_registers_nobody(bilan: Meeting) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        f"/meetings/{bilan.pk}/register/", {"name": "", "email": "nope", "language": "nl"}
    )
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not Registration.objects.exists()


def test_the_relay_records_attendance_and_a_contribution_marked_as_entered_for_a_participant(
    bilan: Meeting, relay: Any
) -> None:
    client = signed_in(relay)
    assert client.get(f"/meetings/{bilan.pk}/attendance/").status_code == 200
    client.post(f"/meetings/{bilan.pk}/attendance/", {"name": "Fatou Diallo"})
    present = bilan.attendances.get()
    response = client.post(
        f"/meetings/{bilan.pk}/contribute/",
        {
            "on_behalf": "participant",
            "attendance": present.pk,
            "text": "Plus de formations.",
            "language": "fr",
        },
    )
    assert response.status_code == 302
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(bilan.get_absolute_url()).content.decode()
    assert "Entered by relay relay.bxl@test.example.org for Fatou Diallo" in page
    assert "Plus de formations." in page


def test_a_member_cannot_open_the_attendance_page_nor_enter_for_the_room(bilan: Meeting) -> None:
    member = signed_in(user())
    assert member.get(f"/meetings/{bilan.pk}/attendance/").status_code == 403
    response = member.post(
        f"/meetings/{bilan.pk}/contribute/", {"on_behalf": "room", "text": "x", "language": "fr"}
    )
    assert response.status_code == 403
    assert not Contribution.objects.exists()


def test_the_relay_publishes_the_minutes_and_they_show_on_the_process(bilan: Meeting, relay: Any) -> None:
    client = signed_in(relay)
    response = client.post(f"/meetings/{bilan.pk}/minutes/", {"text": "Nous avons parlé.", "language": "fr"})
    assert response.status_code == 302
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/meetings/process/{bilan.process_id}/").content.decode()
    assert "Nous avons parlé." in page


def test_the_meeting_list_takes_the_same_queries_for_more_meetings(
    tree: Tree, relay: Any, django_assert_num_queries: Any
) -> None:
    p = process(tree.be)
    meeting(p, tree.brussels, relay)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    with django_assert_num_queries(3):
        client.get("/meetings/")
    for days in range(2, 12):
        meeting(p, tree.brussels, relay, days=days)
    with django_assert_num_queries(3):
        assert client.get("/meetings/").status_code == 200


def test_the_api_lists_meetings_with_agenda_and_seats(tree: Tree, relay: Any, bilan: Meeting) -> None:
    services.contribution_add(meeting=bilan, text="La salle.", on_behalf="room", actor=relay)
    meeting(process(tree.liege), tree.liege, user("relay", tree.liege))
    client = signed_in(user())
    body = client.get("/api/v1/meetings", {"antenna": "BE-BXL"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["antenna"] == "BE-BXL" and item["contributions"] == 1
    assert [a["title"] for a in item["agenda"]] == ["Gouvernance", "Services"]
    assert client.get("/api/v1/meetings", {"antenna": "NOPE"}).status_code == 404
    assert client.get("/api/v1/meetings").json()["count"] == 2


def test_minutes_carry_an_attachment_downloadable_from_the_meeting(
    bilan: Meeting, relay: Any, tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    client = signed_in(relay)
    refused = client.post(
        f"/meetings/{bilan.pk}/minutes/",
        {"text": "CR", "language": "fr", "attachment": SimpleUploadedFile("run.exe", b"MZ")},
    )
    assert "Attach a file of one of these types" in refused.content.decode()
    client.post(
        f"/meetings/{bilan.pk}/minutes/",
        {
            "text": "CR",
            "language": "fr",
            "attachment_title": "Photos du tableau",
            "attachment": SimpleUploadedFile("tableau.txt", b"notes du tableau"),
        },
    )
    attachment = bilan.minutes.attachments.get()
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(bilan.get_absolute_url()).content.decode()
    assert f'href="/meetings/attachments/{attachment.pk}/"' in page
    download = Client().get(f"/meetings/attachments/{attachment.pk}/")
    assert b"".join(download.streaming_content) == b"notes du tableau"


def test_a_relay_schedules_a_meeting_from_the_page_and_bad_input_says_where(tree: Tree, relay: Any) -> None:
    p = process(tree.be)
    client = signed_in(relay)
    assert "Schedule a meeting" in client.get(f"/meetings/process/{p.pk}/").content.decode()
    form = {
        "antenna": str(tree.brussels.pk),
        "title": "Bilan de printemps",
        "language": "fr",
        "starts_at": "2099-04-01T18:00",
        "agenda": "Revenus\nServices\n",
    }
    missing_place = client.post(f"/meetings/process/{p.pk}/new/", form)
    assert "Give a place or an online link." in missing_place.content.decode()
    assert not Meeting.objects.exists()
    created = client.post(f"/meetings/process/{p.pk}/new/", {**form, "place": "Rue Coenraets 72"})
    meeting = Meeting.objects.get()
    assert created["Location"] == meeting.get_absolute_url()
    assert [i.title for i in meeting.agenda.all()] == ["Revenus", "Services"]
    # a member, or a relay of another antenna, cannot open the form
    assert signed_in(user()).get(f"/meetings/process/{p.pk}/new/").status_code == 403
    assert signed_in(user("relay", tree.lille)).get(f"/meetings/process/{p.pk}/new/").status_code == 403
