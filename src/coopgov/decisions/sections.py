"""Section assemblies and their delegates (DOMAIN.md §2.3; docs/methods/section-delegates.md).

Rule (loi n° 78-763 art. 12 for SCOP, and statutes of large cooperatives): section assemblies meet on the
agenda of the general assembly and elect delegates; at the general assembly each delegate's vote weighs
the members present or represented in their section. The members a section's delegates represent are
shared between them in whole members, the first delegates taking one more while some are left over
(10 members, 3 delegates: 4, 3, 3), so their weights add up exactly to the section's attendance.

When a general assembly has section assemblies, convening it freezes an electorate of their delegates:
every other member is listed with the reason they vote through their section.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopgov.audit.services import audit_record
from coopgov.decisions.models import Assembly, Delegate, ElectorateEntry
from coopgov.decisions.room import attendance
from coopgov.decisions.services import DecisionRefused
from coopgov.members.models import Membership

SITTING = (Assembly.Status.OPEN, Assembly.Status.CLOSED, Assembly.Status.PUBLISHED)


def share_between(members: int, delegates: int) -> list[int]:
    """The members each delegate represents: whole members, the remainder to the first delegates."""
    if delegates < 1:
        raise ValueError("a section elects at least one delegate")
    base, extra = divmod(members, delegates)
    return [base + (1 if i < extra else 0) for i in range(delegates)]


@transaction.atomic
def section_delegates_record(
    *,
    section: Assembly,
    memberships: Sequence[Membership],
    actor: Any,
    now: datetime | None = None,
) -> list[Delegate]:
    """Record the delegates a section assembly elected, each weighing their share of its attendance
    (members present in its rooms, online, or represented by proxy). Recording again replaces them,
    until the general assembly is convened."""
    locked = Assembly.objects.select_for_update().get(pk=section.pk)
    if locked.kind != Assembly.Kind.SECTION or locked.parent_id is None:
        raise DecisionRefused(
            "not_a_section", _("Only a section assembly attached to a general assembly elects delegates.")
        )
    parent = Assembly.objects.select_for_update().get(pk=locked.parent_id)
    if parent.status != Assembly.Status.DRAFT:
        raise DecisionRefused(
            "general_assembly_convened",
            _("The general assembly is already convened: its electorate of delegates is frozen."),
        )
    if locked.status not in SITTING:
        raise DecisionRefused(
            "section_not_held", _("Delegates are recorded once the section assembly has met.")
        )
    if not memberships:
        raise DecisionRefused("no_delegates", _("Name at least one delegate."))
    numbers = [m.number for m in memberships]
    if len(set(numbers)) != len(numbers):
        raise DecisionRefused("delegate_twice", _("A member is named twice among the delegates."))
    eligible = set(
        ElectorateEntry.objects.filter(
            assembly=locked, eligible=True, membership__in=[m.pk for m in memberships]
        ).values_list("membership_id", flat=True)
    )
    outside = [m.number for m in memberships if m.pk not in eligible]
    if outside:
        raise DecisionRefused(
            "delegate_not_in_section",
            _("Member %(number)s is not in this section assembly's electorate.") % {"number": outside[0]},
        )
    seen = attendance(locked)
    present = seen.in_room_total + seen.online + seen.represented
    if present < 1:
        raise DecisionRefused(
            "section_empty", _("Nobody took part in this section assembly: it has no one to represent.")
        )
    before = list(Delegate.objects.filter(section=locked).values("membership_id", "represents"))
    Delegate.objects.filter(section=locked).delete()
    at = now or timezone.now()
    delegates = [
        Delegate.objects.create(
            section=locked, membership=m, represents=n, section_present=present, elected_at=at
        )
        for m, n in zip(memberships, share_between(present, len(memberships)), strict=True)
    ]
    audit_record(
        actor=actor,
        action="section.delegates_recorded",
        obj=locked,
        unit=locked.unit,
        before={"delegates": before} if before else None,
        after={
            "general_assembly": parent.pk,
            "present_or_represented": present,
            "delegates": [{"membership": d.membership_id, "represents": d.represents} for d in delegates],
        },
    )
    return delegates


def apply_delegates(assembly: Assembly) -> int | None:
    """At convening of a general assembly with sections (inside ``assembly_convene``): only the delegates
    vote, each weighing the members they represent; the others read that they vote through their section.
    Returns the number of delegates, or None when the assembly has no sections."""
    sections = list(assembly.sections.all())
    if not sections:
        return None
    missing = [s.title for s in sections if not s.delegates.exists()]
    if missing:
        raise DecisionRefused(
            "delegates_missing",
            _("The section assembly “%(title)s” has not recorded its delegates yet.") % {"title": missing[0]},
        )
    weights: dict[int, int] = {}
    origin: dict[int, list[dict[str, Any]]] = {}
    for d in Delegate.objects.filter(section__parent=assembly).select_related("section"):
        weights[d.membership_id] = weights.get(d.membership_id, 0) + d.represents
        origin.setdefault(d.membership_id, []).append(
            {"code": "delegate", "section": d.section.title, "represents": d.represents}
        )
    changed = []
    for entry in ElectorateEntry.objects.filter(assembly=assembly):
        if entry.membership_id in weights and entry.eligible:
            entry.weight = weights[entry.membership_id]
            entry.reasons = [*entry.reasons, *origin[entry.membership_id]]
        elif entry.eligible:
            entry.eligible = False
            entry.reasons = [*entry.reasons, {"code": "votes_through_section"}]
        else:
            continue
        changed.append(entry)
    ElectorateEntry.objects.bulk_update(changed, ["eligible", "weight", "reasons"], batch_size=2000)
    return sum(1 for e in changed if e.eligible)


def delegates_overview(assembly: Assembly) -> list[dict[str, Any]]:
    """Per section of a general assembly: its attendance and its delegates with the members they
    represent (for the electorate and result pages)."""
    out = []
    for section in assembly.sections.order_by("title"):
        delegates = list(section.delegates.select_related("membership__person").order_by("id"))
        out.append(
            {
                "section": section,
                "present": delegates[0].section_present if delegates else 0,
                "delegates": delegates,
            }
        )
    return out
