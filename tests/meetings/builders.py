"""Builders for meeting and roll-up tests: a small tree (group → BE with Bruxelles and Liège, FR with
Lille), accounts holding roles, processes hosting meetings, proposals and supports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from itertools import count

from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from coopgov.accounts.models import User
from coopgov.meetings import services as meeting_services
from coopgov.meetings.models import Attendance, Contribution, Meeting
from coopgov.members.demo import DEMO_TOTP_SECRET
from coopgov.organisation.models import RoleAssignment, Unit
from coopgov.participation.models import Phase, Process, Proposal, Support

_n = count(1)


@dataclass
class Tree:
    group: Unit
    be: Unit
    fr: Unit
    brussels: Unit
    liege: Unit
    lille: Unit

    def unit(self, code: str) -> Unit:
        return Unit.objects.get(code=code)


def build_tree() -> Tree:
    group = Unit.objects.create(kind=Unit.Kind.GROUP, code="SMART", name="Smart")
    be = Unit.objects.create(kind=Unit.Kind.COOPERATIVE, code="BE", name="Smart Belgique", parent=group)
    fr = Unit.objects.create(kind=Unit.Kind.COOPERATIVE, code="FR", name="Smart France", parent=group)
    antenna = Unit.Kind.ANTENNA
    return Tree(
        group=group,
        be=be,
        fr=fr,
        brussels=Unit.objects.create(kind=antenna, code="BE-BXL", name="Bruxelles", parent=be),
        liege=Unit.objects.create(kind=antenna, code="BE-LGE", name="Liège", parent=be),
        lille=Unit.objects.create(kind=antenna, code="FR-LIL", name="Lille", parent=fr),
    )


def user(role: str = "", unit: Unit | None = None, *, email: str = "", language: str = "") -> User:
    account = User.objects.create_user(email or f"user{next(_n)}@test.example.org", "pw", language=language)
    if role and unit is not None:
        RoleAssignment.objects.create(user=account, unit=unit, role=role)
    if role in ("staff", "board"):
        TOTP.activate(account, DEMO_TOTP_SECRET)  # officers must have a second factor to use the pages
    return account


def process(unit: Unit, *, slug: str = "", meetings: bool = True, phase: str = "contribution") -> Process:
    p = Process.objects.create(
        unit=unit,
        slug=slug or f"process-{next(_n)}",
        title=f"Bilan {unit.code}",
        components=["proposals", "meetings"] if meetings else ["proposals"],
    )
    current = Phase(process=p, kind=phase, position=1)
    current.apply_default_features()
    current.save()
    p.current_phase = current
    p.save(update_fields=["current_phase"])
    return p


def proposal(
    p: Process, author: User | None = None, *, title: str = "", body: str = "", language: str = "fr"
) -> Proposal:
    return Proposal.objects.create(
        process=p,
        author=author,
        title=title or f"Proposition {next(_n)}",
        body=body or "Texte de la proposition.",
        language=language,
    )


def support(pr: Proposal, *users: User) -> None:
    for u in users:
        Support.objects.create(proposal=pr, user=u)
    Proposal.objects.filter(pk=pr.pk).update(support_count=pr.supports.count())


def meeting(p: Process, antenna: Unit, relay: User, *, days: int = 7, capacity: int | None = None) -> Meeting:
    return meeting_services.meeting_create(
        process=p,
        antenna=antenna,
        title=f"Bilan participatif {antenna.name}",
        starts_at=timezone.now() + timedelta(days=days),
        place="Rue Coenraets 72",
        capacity=capacity,
        agenda=["Gouvernance", "Services"],
        actor=relay,
    )


def contribution(m: Meeting, relay: User, text: str, *, name: str = "Awa") -> Contribution:
    present = meeting_services.attendance_record(meeting=m, name=name, actor=relay)
    return meeting_services.contribution_add(
        meeting=m, text=text, on_behalf="participant", attendance=present, actor=relay
    )


def present(m: Meeting, relay: User, name: str = "Walk-in") -> Attendance:
    return meeting_services.attendance_record(meeting=m, name=name, actor=relay)
