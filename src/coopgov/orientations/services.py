"""Writes of the rise of orientations: rolling local items up into a parent-level proposal, merging
duplicates, dismissing a suggested pair. Each act is atomic and audited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from coopgov.accounts.models import User
from coopgov.audit.services import audit_record
from coopgov.meetings.models import Contribution
from coopgov.notifications.services import notify
from coopgov.organisation.models import Unit
from coopgov.orientations.models import DismissedDuplicate, DuplicateSuggestion, Merge, RollupSource
from coopgov.participation.models import Follow, Process, Proposal, Support

LANGUAGES = ("fr", "nl", "en")
CLOSED = (Proposal.Status.MERGED, Proposal.Status.WITHDRAWN)


class RollupRefused(Exception):
    """A roll-up or merge the rules refuse; ``message`` says why, for the person who tried."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _below(unit: Unit, target: Unit) -> bool:
    """``unit`` is strictly below ``target`` in the tree."""
    return unit.pk != target.pk and unit.path.startswith(target.path)


def _follow(users: Sequence[User], proposal: Proposal) -> None:
    for user in users:
        Follow.objects.get_or_create(user=user, proposal=proposal)


@transaction.atomic
def orientation_roll_up(
    *,
    actor: Any,
    proposals: Sequence[Proposal] = (),
    contributions: Sequence[Contribution] = (),
    into: Proposal | None = None,
    process: Process | None = None,
    title: str = "",
    body: str = "",
    language: str = "fr",
) -> Proposal:
    """Bundle local proposals and meeting contributions into a proposal of a higher unit: an existing one
    (``into``) or a new one in ``process`` (with ``title``, ``body``, ``language``).

    Every item must come from a unit strictly below the target's unit, and the actor must be relay or
    staff where the item comes from (see rules.py). The supports of each proposal are stored as counted
    now; the provenance shows the live count beside it. Local authors follow the orientation and are
    notified.
    """
    if (into is None) == (process is None):
        raise RollupRefused(_("Choose either an existing orientation or a process for a new one."))
    if not proposals and not contributions:
        raise RollupRefused(_("Choose at least one proposal or contribution to roll up."))
    if into is not None:
        into = Proposal.objects.select_for_update().select_related("process__unit").get(pk=into.pk)
        if into.status in CLOSED or into.is_hidden:
            raise RollupRefused(_("This orientation is closed: it was merged, withdrawn or hidden."))
        target_process = into.process
    else:
        assert process is not None
        target_process = process
        if not title.strip() or not body.strip():
            raise RollupRefused(_("Give the new orientation a title and a text."))
        if language not in LANGUAGES:
            raise RollupRefused(_("Choose French, Dutch or English."))
    target = target_process.unit
    items: list[tuple[str, Any, Unit]] = []
    found_p = Proposal.objects.select_related("process__unit", "author").in_bulk([p.pk for p in proposals])
    found_c = Contribution.objects.select_related("meeting__antenna", "author").in_bulk(
        [c.pk for c in contributions]
    )
    # In the order the actor chose them: the first source a member supported is where they are counted.
    for p in (found_p[x.pk] for x in proposals if x.pk in found_p):
        if p.status in CLOSED or p.is_hidden:
            raise RollupRefused(
                _("“%(title)s” cannot be rolled up: it was merged, withdrawn or hidden.") % {"title": p.title}
            )
        items.append(("proposal", p, p.process.unit))
    for c in (found_c[x.pk] for x in contributions if x.pk in found_c):
        items.append(("contribution", c, c.meeting.antenna))
    if len(items) != len(proposals) + len(contributions):
        raise RollupRefused(_("Some of the chosen items no longer exist."))
    for _kind, obj, unit in items:
        if not _below(unit, target):
            raise RollupRefused(
                _("“%(title)s” comes from %(unit)s, which is not below %(target)s.")
                % {"title": obj.title, "unit": unit.display_name, "target": target.display_name}
            )
        if not actor.has_perm("orientations.roll_up", unit):
            raise RollupRefused(_("You may not roll up items of %(unit)s.") % {"unit": unit.display_name})
    if into is None:
        into = Proposal.objects.create(
            process=target_process,
            author=actor,
            title=title.strip(),
            body=body.strip(),
            language=language,
        )
        audit_record(
            actor=actor,
            action="orientations.orientation_create",
            obj=into,
            unit=target,
            after={"title": into.title, "process": target_process.pk},
        )
        duplicate_suggestions_refresh_later(into)  # a new text at its level: compared with the others
    already = set(
        RollupSource.objects.filter(parent=into).values_list("kind", "proposal_id", "contribution_id")
    )
    counts: dict[int, int] = {}
    for proposal_id in Support.objects.filter(
        proposal_id__in=[o.pk for k, o, _u in items if k == "proposal"]
    ).values_list("proposal_id", flat=True):
        counts[proposal_id] = counts.get(proposal_id, 0) + 1
    authors: dict[int, tuple[User, str]] = {}
    recorded = []
    for kind, obj, unit in items:
        key = (kind, obj.pk, None) if kind == "proposal" else (kind, None, obj.pk)
        if key in already:
            raise RollupRefused(_("“%(title)s” is already part of this orientation.") % {"title": obj.title})
        RollupSource.objects.create(
            parent=into,
            kind=kind,
            proposal=obj if kind == "proposal" else None,
            contribution=obj if kind == "contribution" else None,
            unit=unit,
            supports_at_rollup=counts.get(obj.pk, 0) if kind == "proposal" else 0,
            added_by=actor,
        )
        if kind == "proposal" and obj.parent_id is None:
            Proposal.objects.filter(pk=obj.pk).update(parent=into)
        if obj.author_id is not None:
            authors.setdefault(obj.author_id, (obj.author, obj.title))
        recorded.append({"kind": kind, "id": obj.pk, "unit": unit.code})
    audit_record(
        actor=actor,
        action="orientations.roll_up",
        obj=into,
        unit=target,
        after={"sources": recorded},
    )
    local_authors = [user for user, _title in authors.values()]
    _follow(local_authors, into)
    for user, source_title in authors.values():
        notify(
            recipients=[user],
            kind="orientations.rolled_up",
            target=into,
            actor=actor if isinstance(actor, User) else None,
            params={"source": source_title, "orientation": into.title, "unit": target.display_name},
        )
    return into


def _same_level(a: Proposal, b: Proposal) -> bool:
    return bool(a.process.unit.kind == b.process.unit.kind)


@transaction.atomic
def duplicate_merge(*, kept: Proposal, merged: Proposal, actor: Any, score: float | None = None) -> Merge:
    """Merge ``merged`` into ``kept``: it points to the kept proposal, its provenance and supporters count
    there (a member who supported both counts once), and its author follows the kept proposal."""
    if kept.pk == merged.pk:
        raise RollupRefused(_("A proposal cannot be merged into itself."))
    rows = {
        p.pk: p
        for p in Proposal.objects.select_for_update()
        .select_related("process__unit")
        .filter(pk__in=[kept.pk, merged.pk])
    }
    kept, merged = rows[kept.pk], rows[merged.pk]
    for p in (kept, merged):
        if p.status in CLOSED:
            raise RollupRefused(_("“%(title)s” was already merged or withdrawn.") % {"title": p.title})
        if not actor.has_perm("orientations.merge_duplicates", p.process.unit):
            raise RollupRefused(
                _("You may not merge proposals of %(unit)s.") % {"unit": p.process.unit.display_name}
            )
    if not _same_level(kept, merged):
        raise RollupRefused(
            _("Only proposals at the same level (two antennas, two cooperatives) are merged as duplicates.")
        )
    before = {"status": merged.status, "merged_into": None}
    merged.merged_into = kept
    merged.status = Proposal.Status.MERGED
    merged.save(update_fields=["merged_into", "status", "updated_at"])
    record = Merge.objects.create(kept=kept, merged=merged, score=score, merged_by=actor)
    audit_record(
        actor=actor,
        action="orientations.duplicate_merge",
        obj=merged,
        unit=merged.process.unit,
        before=before,
        after={"status": merged.status, "merged_into": kept.pk, "score": score},
    )
    if merged.author is not None:
        _follow([merged.author], kept)
        notify(
            recipients=[merged.author],
            kind="orientations.merged",
            target=kept,
            actor=actor if isinstance(actor, User) else None,
            params={"source": merged.title, "orientation": kept.title},
        )
    # The merged text leaves the compared proposals: the other scores of its cooperative move a little.
    duplicate_suggestions_refresh_later(merged)
    return record


@transaction.atomic
def duplicate_dismiss(*, first: Proposal, second: Proposal, actor: Any) -> DismissedDuplicate:
    """Record that two suggested proposals are not duplicates; the pair is no longer suggested."""
    a, b = sorted([first, second], key=lambda p: p.pk)
    for p in (a, b):
        if not actor.has_perm("orientations.merge_duplicates", p.process.unit):
            raise RollupRefused(
                _("You may not merge proposals of %(unit)s.") % {"unit": p.process.unit.display_name}
            )
    dismissed, created = DismissedDuplicate.objects.get_or_create(
        first=a, second=b, defaults={"dismissed_by": actor}
    )
    if created:
        audit_record(
            actor=actor,
            action="orientations.duplicate_dismiss",
            obj=dismissed,
            unit=a.process.unit,
            after={"first": a.pk, "second": b.pk},
        )
    return dismissed


# --- stored duplicate suggestions -------------------------------------------------------------------------


def duplicate_suggestions_refresh(*, unit: Unit, now: datetime) -> int:
    """Recompute and store the suggested duplicates below ``unit`` (``selectors.duplicate_pairs``),
    replacing the ones stored; returns how many pairs are stored. A computed suggestion, not an act:
    nothing is audited (dismissing and merging are)."""
    from coopgov.orientations.selectors import duplicate_pairs

    pairs = duplicate_pairs(unit)
    with transaction.atomic():
        DuplicateSuggestion.objects.filter(scope=unit).delete()
        DuplicateSuggestion.objects.bulk_create(
            DuplicateSuggestion(
                scope=unit,
                first=s.first,
                second=s.second,
                score=s.score,
                language=s.language,
                computed_at=now,
            )
            for s in pairs
        )
    return len(pairs)


def duplicate_scopes(proposal: Proposal) -> list[Unit]:
    """The units whose suggested duplicates a proposal's text takes part in: every unit above its own."""
    unit = proposal.process.unit
    above = [int(p) for p in unit.path.strip("/").split("/") if p and int(p) != unit.pk]
    return list(Unit.objects.filter(pk__in=above).order_by("path"))


def duplicate_suggestions_refresh_for(*, proposal: Proposal, now: datetime) -> int:
    """Recompute the suggested duplicates of every unit above the proposal's (its text was written,
    edited or translated, or it left the open proposals)."""
    return sum(duplicate_suggestions_refresh(unit=unit, now=now) for unit in duplicate_scopes(proposal))


def duplicate_suggestions_refresh_later(proposal: Proposal) -> None:
    """After the current transaction commits, recompute in the background the suggested duplicates the
    proposal takes part in (the comparison reads every open proposal of the cooperative or group)."""
    from coopgov.orientations import tasks

    transaction.on_commit(lambda: tasks.refresh_duplicate_suggestions.enqueue(proposal.pk))
