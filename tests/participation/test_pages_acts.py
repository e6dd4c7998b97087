"""The remaining acts through their pages: opening a process and switching its phase, amending and
answering, attaching and downloading, reporting and the moderation queue, translating."""

from __future__ import annotations

from typing import Any

from allauth.mfa.totp.internal.auth import TOTP
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from coopgov.accounts.models import User
from coopgov.members.demo import DEMO_TOTP_SECRET
from coopgov.participation import services
from coopgov.participation.models import Amendment, Attachment, Process, Proposal, Report
from tests.organisation.world import World, user_with_role
from tests.participation.conftest import open_process


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _officer(world: World, role: str, where: str) -> User:
    """Staff and board must have a second factor before they use the pages."""
    user = user_with_role(world, role, where)
    TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def _proposal(process: Process, author: User) -> Proposal:
    return services.proposal_create(
        process=process,
        author=author,
        title="Un atelier",
        body="Un atelier partagé le soir.",
        language="fr",
        actor=author,
    )


def test_staff_open_a_process_and_put_a_phase_in_force(world: World) -> None:
    staff = _officer(world, "staff", "cooperative BE")
    client = _client(staff)
    url = reverse("participation:process_create") + "?unit=BE-BRUXELLES"
    response = client.post(
        url,
        {
            "title": "Bilan 2027",
            "language": "fr",
            "phases": ["information", "contribution"],
            "meetings": "on",
        },
    )
    process = Process.objects.get()
    assert response.status_code == 302 and process.components == ["proposals", "meetings"]
    assert process.current_phase.kind == "information"
    contribution = process.phases.get(kind="contribution")
    client.post(reverse("participation:process_phase", args=[process.pk]), {"phase": contribution.pk})
    process.refresh_from_db()
    assert process.current_phase == contribution


def test_a_member_may_not_open_a_process(world: World) -> None:
    response = _client(world.member_user).get(reverse("participation:process_create") + "?unit=BE-BRUXELLES")
    assert response.status_code == 403


def test_a_process_form_without_phases_says_so_and_saves_nothing(world: World) -> None:
    staff = _officer(world, "staff", "group")
    response = _client(staff).post(
        reverse("participation:process_create") + "?unit=BE", {"title": "X", "language": "fr", "phases": []}
    )
    assert response.status_code == 200 and response.context["form"].errors["phases"]
    assert not Process.objects.exists()


def test_an_amendment_is_proposed_shown_as_a_diff_and_accepted_by_the_author(world: World) -> None:
    process = open_process(world, phase="deliberation")
    author = user_with_role(world, "relay", "antenna Bruxelles")
    proposal = Proposal.objects.create(
        process=process, author=author, title="Un atelier", body="Un atelier le soir."
    )
    client = _client(world.member_user)
    response = client.post(
        reverse("participation:amend", args=[proposal.pk]),
        {"body": "Un atelier ouvert le soir.", "rationale": "Plus clair", "language": "fr"},
    )
    assert response.status_code == 302
    page = _client(author).get(proposal.get_absolute_url()).content.decode()
    assert "<ins>ouvert </ins>" in page or "<ins>ouvert" in page
    amendment = Amendment.objects.get()
    _client(author).post(reverse("participation:amendment_decide", args=[amendment.pk]), {"accept": "1"})
    proposal.refresh_from_db()
    assert proposal.body == "Un atelier ouvert le soir."
    # Another member cannot answer someone else's amendment.
    assert (
        client.post(
            reverse("participation:amendment_decide", args=[amendment.pk]), {"accept": "0"}
        ).status_code
        == 403
    )


def test_the_author_attaches_a_file_and_members_download_it(
    world: World, process: Process, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    proposal = _proposal(process, world.member_user)
    client = _client(world.member_user)
    bad = client.post(
        reverse("participation:attach", args=[proposal.pk]), {"file": SimpleUploadedFile("x.exe", b"MZ")}
    )
    assert bad.status_code == 422 and "is not an accepted type" in bad.content.decode()
    client.post(
        reverse("participation:attach", args=[proposal.pk]),
        {"file": SimpleUploadedFile("plan.pdf", b"%PDF-1.4 x")},
    )
    attachment = Attachment.objects.get()
    other = _client(user_with_role(world, "relay", "antenna Bruxelles"))
    download = other.get(reverse("participation:attachment", args=[attachment.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_report_reaches_the_moderation_queue_and_is_dismissed(world: World, process: Process) -> None:
    proposal = _proposal(process, world.member_user)
    reporter = user_with_role(world, "relay", "antenna Bruxelles")
    response = _client(reporter).post(
        reverse("participation:report", args=["proposal", proposal.pk]), {"reason": "other", "details": ""}
    )
    assert response.status_code == 200 and response.context["form"].errors["details"]
    _client(reporter).post(
        reverse("participation:report", args=["proposal", proposal.pk]), {"reason": "spam"}
    )
    report = Report.objects.get()
    moderator = user_with_role(world, "moderator", "cooperative BE")
    queue = _client(moderator).get(reverse("participation:moderation", args=[process.pk]))
    assert queue.status_code == 200 and list(queue.context["reports"]) == [report]
    assert (
        _client(world.member_user).get(reverse("participation:moderation", args=[process.pk])).status_code
        == 403
    )
    _client(moderator).post(
        reverse("participation:moderate", args=["proposal", proposal.pk]),
        {"action": "dismiss", "report": report.pk, "next": "moderation"},
    )
    report.refresh_from_db()
    assert report.resolution == "dismissed"


def test_a_relay_translates_and_a_plain_member_may_not(world: World, process: Process) -> None:
    proposal = _proposal(process, user_with_role(world, "board", "antenna Bruxelles"))
    url = reverse("participation:translate", args=["proposal", proposal.pk])
    assert _client(world.member_user).get(url).status_code == 403
    relay = user_with_role(world, "relay", "antenna Bruxelles")
    response = _client(relay).post(
        url, {"language": "nl", "title": "Een atelier", "body": "Een gedeeld atelier."}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.bodies == {"nl": "Een gedeeld atelier."} and proposal.translated_by == {"nl": relay.pk}


def test_a_relay_enters_a_proposal_for_a_participant_and_the_page_says_so(
    world: World, process: Process
) -> None:
    relay = user_with_role(world, "relay", "antenna Bruxelles")
    relay.person = world.candidate.person
    relay.save()
    client = _client(relay)
    assert (
        "on_behalf_name"
        in client.get(reverse("participation:propose", args=[process.pk])).context["form"].fields
    )
    assert "on_behalf_name" not in (
        _client(world.member_user)
        .get(reverse("participation:propose", args=[process.pk]))
        .context["form"]
        .fields
    )
    client.post(
        reverse("participation:propose", args=[process.pk]),
        {
            "title": "Des cours de néerlandais",
            "body": "Dit en réunion.",
            "language": "fr",
            "on_behalf_name": "Fatou Diallo",
        },
    )
    proposal = Proposal.objects.get()
    assert (proposal.author, proposal.entered_by, proposal.author_name) == (None, relay, "Fatou Diallo")
    page = _client(world.member_user).get(proposal.get_absolute_url()).content.decode()
    assert "entered by Test Candidate for Fatou Diallo" in page
    from coopgov.audit.models import AuditEntry

    entry = AuditEntry.objects.get(action="participation.proposal_created")
    assert (entry.actor, entry.on_behalf_of) == (relay, "Fatou Diallo")
