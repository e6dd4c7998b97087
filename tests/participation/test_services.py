"""The acts of participation: each re-checks its rule, is audited, and tells the people concerned."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from coopgov.accounts.models import User
from coopgov.audit.models import AuditEntry
from coopgov.notifications.models import Notification
from coopgov.participation import services
from coopgov.participation.models import Amendment, Comment, Follow, Process, Proposal, Report
from coopgov.participation.services import ParticipationRefused
from tests.organisation.world import World, user_with_role
from tests.participation.conftest import open_process


def _propose(process: Process, user: User, title: str = "Une cantine partagée") -> Proposal:
    return services.proposal_create(
        process=process,
        author=user,
        title=title,
        body="Un lieu pour manger ensemble.",
        language="fr",
        actor=user,
    )


def test_a_member_proposes_and_follows_their_proposal_and_the_act_is_audited(
    world: World, process: Process
) -> None:
    proposal = _propose(process, world.member_user)
    assert proposal.author_name == "Test Member"
    assert Follow.objects.filter(user=world.member_user, proposal=proposal).exists()
    entry = AuditEntry.objects.get(action="participation.proposal_created")
    assert entry.object_id == str(proposal.pk) and entry.unit_label == "BE-BRUXELLES"


def test_no_proposal_outside_a_phase_that_takes_them(world: World) -> None:
    process = open_process(world, phase="deliberation")
    with pytest.raises(ParticipationRefused) as refused:
        _propose(process, world.member_user)
    assert refused.value.code == "proposing_closed"
    assert not Proposal.objects.exists()


def test_an_empty_or_too_long_title_is_refused_with_its_field(world: World, process: Process) -> None:
    with pytest.raises(ParticipationRefused) as refused:
        _propose(process, world.member_user, title="  ")
    assert (refused.value.code, refused.value.field) == ("required", "title")
    with pytest.raises(ParticipationRefused) as refused:
        _propose(process, world.member_user, title="x" * 201)
    assert (refused.value.code, refused.value.field) == ("too_long", "title")


def test_one_support_per_member_counted_on_the_proposal(world: World, process: Process) -> None:
    proposal = _propose(process, world.member_user)
    other = User.objects.create_user(email="other@example.org")
    services.support_add(proposal=proposal, user=other)
    with pytest.raises(ParticipationRefused) as refused:
        services.support_add(proposal=proposal, user=other)
    assert refused.value.code == "already_supported"
    proposal.refresh_from_db()
    assert proposal.support_count == 1
    services.support_remove(proposal=proposal, user=other)
    proposal.refresh_from_db()
    assert proposal.support_count == 0


def test_the_tenth_support_tells_the_followers_of_the_milestone(world: World, process: Process) -> None:
    proposal = _propose(process, world.member_user)
    for i in range(10):
        services.support_add(proposal=proposal, user=User.objects.create_user(email=f"s{i}@example.org"))
    note = Notification.objects.get(kind="participation.support_milestone")
    assert note.recipient == world.member_user and note.params["count"] == 10


def test_a_comment_tells_the_followers_and_a_reply_tells_the_comment_author(
    world: World, process: Process
) -> None:
    proposal = _propose(process, world.member_user)
    alice = User.objects.create_user(email="alice@example.org")
    bob = User.objects.create_user(email="bob@example.org")
    first = services.comment_add(proposal=proposal, author=alice, body="Pour !", language="fr", stance="for")
    assert (
        Notification.objects.filter(kind="participation.comment_added", recipient=world.member_user).count()
        == 1
    )
    services.comment_add(proposal=proposal, author=bob, body="Pourquoi ?", language="fr", parent=first)
    assert Notification.objects.filter(kind="participation.reply_added", recipient=alice).count() == 1
    # Alice follows the proposal since she commented; the reply tells her once, as a reply.
    assert not Notification.objects.filter(kind="participation.comment_added", recipient=alice).exists()
    proposal.refresh_from_db()
    assert proposal.comment_count == 2


def test_a_reply_must_answer_a_comment_of_the_same_proposal(world: World, process: Process) -> None:
    one, two = _propose(process, world.member_user, "Un"), _propose(process, world.member_user, "Deux")
    comment = services.comment_add(proposal=one, author=world.member_user, body="x", language="fr")
    with pytest.raises(ParticipationRefused) as refused:
        services.comment_add(proposal=two, author=world.member_user, body="y", language="fr", parent=comment)
    assert refused.value.field == "parent"


def test_an_accepted_amendment_replaces_the_text_and_drops_its_translations(world: World) -> None:
    process = open_process(world, phase="contribution")
    proposal = _propose(process, world.member_user)
    services.translation_add(
        target=proposal, language="nl", title="Een kantine", body="Een plek", actor=world.member_user
    )
    services.phase_features_set(
        phase=process.current_phase, features=["amending", "proposing"], actor="staff"
    )
    process.refresh_from_db()
    amender = User.objects.create_user(email="amender@example.org")
    amendment = services.amendment_propose(
        proposal=proposal, author=amender, body="Un lieu pour manger ensemble, ouvert à tous.", language="fr"
    )
    assert Notification.objects.filter(
        kind="participation.amendment_proposed", recipient=world.member_user
    ).exists()
    services.amendment_decide(amendment=amendment, accept=True, actor=world.member_user)
    proposal.refresh_from_db()
    assert proposal.body.endswith("ouvert à tous.") and proposal.bodies == {}
    assert Amendment.objects.get().status == "accepted"
    with pytest.raises(ParticipationRefused):
        services.amendment_decide(amendment=amendment, accept=False, actor=world.member_user)


def test_hiding_keeps_the_content_for_its_author_with_the_reason_and_closes_the_reports(
    world: World, process: Process
) -> None:
    proposal = _propose(process, world.member_user)
    reporter = User.objects.create_user(email="reporter@example.org")
    comment = services.comment_add(proposal=proposal, author=reporter, body="Insulte", language="fr")
    services.report_create(target=comment, reporter=world.member_user, reason="offensive")
    with pytest.raises(ParticipationRefused):
        services.report_create(target=comment, reporter=world.member_user, reason="offensive")
    moderator = user_with_role(world, "moderator", "antenna Bruxelles")
    services.content_hide(target=comment, reason="Propos injurieux", actor=moderator)
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_reason == "Propos injurieux" and comment.body == "Insulte"
    assert Report.objects.get().resolution == "hidden"
    note = Notification.objects.get(kind="participation.comment_hidden")
    assert note.recipient == reporter and note.params["reason"] == "Propos injurieux"
    assert AuditEntry.objects.filter(action="participation.comment_hidden").exists()


def test_a_translation_keeps_the_original_and_who_added_it(world: World, process: Process) -> None:
    proposal = _propose(process, world.member_user)
    with pytest.raises(ParticipationRefused) as refused:
        services.translation_add(target=proposal, language="fr", title="x", body="y", actor=world.member_user)
    assert refused.value.code == "same_language"
    services.translation_add(
        target=proposal, language="nl", title="Een kantine", body="Een plek", actor=world.member_user
    )
    proposal.refresh_from_db()
    assert proposal.title == "Une cantine partagée" and proposal.titles == {"nl": "Een kantine"}
    assert proposal.translated_by == {"nl": world.member_user.pk}


def test_switching_phase_tells_the_followers_of_the_process(world: World, process: Process) -> None:
    services.follow_set(user=world.member_user, following=True, process=process)
    deliberation = process.phases.get(kind="deliberation")
    services.process_phase_switch(process=process, phase=deliberation, actor="staff")
    assert Notification.objects.filter(
        kind="participation.phase_changed.deliberation", recipient=world.member_user
    ).exists()


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("virus.exe", b"MZ...", "file_type"),
        ("fake.pdf", b"<html>not a pdf</html>", "file_content"),
        ("empty.txt", b"", "file_empty"),
    ],
)
def test_an_attachment_of_the_wrong_type_or_content_is_refused(
    world: World, process: Process, name: str, content: bytes, code: str
) -> None:
    proposal = _propose(process, world.member_user)
    with pytest.raises(ParticipationRefused) as refused:
        services.attachment_add(
            proposal=proposal, upload=SimpleUploadedFile(name, content), actor=world.member_user
        )
    assert (refused.value.code, refused.value.field) == (code, "file")
    assert not proposal.attachments.exists()


def test_an_attachment_over_five_megabytes_is_refused(world: World, process: Process) -> None:
    proposal = _propose(process, world.member_user)
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024))
    with translation.override("en"), pytest.raises(ParticipationRefused) as refused:
        services.attachment_add(proposal=proposal, upload=big, actor=world.member_user)
    assert refused.value.code == "file_too_large" and "5 MB" in refused.value.message


def test_a_pdf_is_attached(world: World, process: Process, settings: object, tmp_path: object) -> None:
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]
    proposal = _propose(process, world.member_user)
    attachment = services.attachment_add(
        proposal=proposal, upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 hello"), actor=world.member_user
    )
    assert attachment.size == 14 and attachment.content_type == "application/pdf"
    assert io.BytesIO(attachment.file.read()).read().startswith(b"%PDF")


def test_a_comment_stance_must_be_known(world: World, process: Process) -> None:
    proposal = _propose(process, world.member_user)
    with pytest.raises(ParticipationRefused) as refused:
        services.comment_add(
            proposal=proposal, author=world.member_user, body="x", language="fr", stance="maybe"
        )
    assert refused.value.field == "stance"
    assert not Comment.objects.exists()
