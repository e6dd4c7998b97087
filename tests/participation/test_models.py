"""Single-row truths of the participation tables: the database refuses what the rules forbid."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from coopgov.accounts.models import User
from coopgov.organisation.models import Unit
from coopgov.participation.features import Feature, PhaseKind, default_features
from coopgov.participation.models import Comment, Follow, Phase, Process, Proposal, Report, Support


@pytest.fixture
def proposal(db: Any) -> Proposal:
    unit = Unit.objects.create(kind=Unit.Kind.ANTENNA, code="A1", name="Antenne")
    process = Process.objects.create(unit=unit, slug="p", title="Processus")
    return Proposal.objects.create(process=process, title="Une idée", body="Texte", language="fr")


def test_phase_kinds_of_the_model_are_the_kinds_of_the_feature_table() -> None:
    assert {k.value for k in PhaseKind} == set(Phase.Kind.values)


def test_a_member_cannot_support_the_same_proposal_twice(proposal: Proposal) -> None:
    user = User.objects.create_user(email="m@example.org")
    Support.objects.create(proposal=proposal, user=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.create(proposal=proposal, user=user)


def test_a_follow_targets_exactly_one_thing_and_only_once(proposal: Proposal) -> None:
    user = User.objects.create_user(email="m@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=user, process=proposal.process, proposal=proposal)
    Follow.objects.create(user=user, proposal=proposal)
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=user, proposal=proposal)


def test_a_report_targets_exactly_one_thing(proposal: Proposal) -> None:
    user = User.objects.create_user(email="m@example.org")
    comment = Comment.objects.create(proposal=proposal, author=user, body="Non")
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            reporter=user, process=proposal.process, proposal=proposal, comment=comment, reason="spam"
        )


def test_a_comment_stance_is_for_against_question_or_none(proposal: Proposal) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(proposal=proposal, body="?", stance="maybe")


def test_a_phase_takes_its_kinds_default_features_and_the_process_follows_its_current_phase(
    proposal: Proposal,
) -> None:
    process = proposal.process
    assert not process.feature_on(Feature.PROPOSING)
    phase = Phase(process=process, kind=PhaseKind.CONTRIBUTION, position=1)
    phase.apply_default_features()
    phase.save()
    process.current_phase = phase
    assert set(phase.features()) == default_features("contribution")
    assert process.feature_on(Feature.PROPOSING)
    assert not process.feature_on(Feature.AMENDING)


def test_the_reader_sees_their_language_and_else_the_original(proposal: Proposal) -> None:
    from django.utils import translation

    proposal.titles = {"nl": "Een idee"}
    with translation.override("nl"):
        assert proposal.display_title == "Een idee"
    with translation.override("en"):
        assert proposal.display_title == "Une idée"
