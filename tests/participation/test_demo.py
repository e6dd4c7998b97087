"""The demo's processes: several antennas, both national levels and the group, in FR and NL."""

from __future__ import annotations

from typing import Any

from coopgov.accounts.models import User
from coopgov.members.demo import generate
from coopgov.participation.demo import demo_participation
from coopgov.participation.models import Comment, Process, Proposal


def test_the_demo_opens_processes_at_every_level_with_voices_in_french_and_dutch(db: Any) -> None:
    generate(400, 7)
    added = demo_participation(7)
    kinds = set(Process.objects.values_list("unit__kind", flat=True))
    assert kinds == {"group", "cooperative", "antenna"}
    assert set(Proposal.objects.values_list("language", flat=True)) == {"fr", "nl"}
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Comment.objects.filter(stance="against").exists()
    assert Proposal.objects.exclude(titles={}).exists()  # at least one translation
    assert added["supports"] > 0 and added["proposals"] == Proposal.objects.count()
    # The demo member has a proposal in the Bruxelles process, which takes contributions.
    member = User.objects.get(email="member@example.org")
    brussels = Process.objects.get(unit__code="BE-BRUXELLES")
    assert brussels.current_phase.kind == "contribution"
    assert brussels.proposals.filter(author=member).exists()
    assert demo_participation(7)["processes"] == 0  # a second run reuses them


def test_the_demo_is_the_same_for_the_same_seed(db: Any) -> None:
    generate(200, 3)
    demo_participation(3)
    first = sorted(Proposal.objects.values_list("process__slug", "title", "support_count", "comment_count"))
    assert first
    Proposal.objects.all().delete()
    Process.objects.all().delete()
    demo_participation(3)
    again = sorted(Proposal.objects.values_list("process__slug", "title", "support_count", "comment_count"))
    assert again == first


def test_the_demo_spreads_its_participation_over_the_last_twelve_months(db: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from coopgov.domain.governance.representation import month_of
    from coopgov.participation.models import Support

    generate(400, 7)
    before = timezone.now()
    demo_participation(7)
    proposals = list(Proposal.objects.all())
    months = {month_of(timezone.localdate(p.created_at)) for p in proposals}
    assert len(months) >= 8  # not one flat month on the dashboards
    assert all(before - timedelta(days=366) < p.created_at <= timezone.now() for p in proposals)
    created = {p.pk: p.created_at for p in proposals}
    # A support or a comment comes after its proposal, a reply after the comment it answers.
    assert all(s.created_at >= created[s.proposal_id] for s in Support.objects.all())
    for comment in Comment.objects.select_related("parent"):
        assert comment.created_at >= created[comment.proposal_id]
        assert comment.parent is None or comment.created_at >= comment.parent.created_at
    assert len({month_of(timezone.localdate(s.created_at)) for s in Support.objects.all()}) >= 8
