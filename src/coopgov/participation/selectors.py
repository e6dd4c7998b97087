"""Reads on processes: the list per unit, a process page (filters, sorting, search, pagination) and a
proposal page (threaded comments, amendments, attachments) — each a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from coopgov.organisation.models import Unit
from coopgov.organisation.selectors import user_has_role_in
from coopgov.participation.models import (
    Amendment,
    Attachment,
    Comment,
    Follow,
    Phase,
    Process,
    Proposal,
    Report,
    Standing,
    Support,
)
from coopgov.participation.texts import fold

PAGE_SIZE = 20
SORTS = {
    "recent": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "supports": ("-support_count", "-id"),
    "comments": ("-comment_count", "-id"),
}


def processes() -> QuerySet[Process]:
    return Process.objects.select_related("unit", "current_phase")


def process_by_id(pk: int) -> Process | None:
    return processes().filter(pk=pk).first()


def processes_by_unit(unit: Unit | None = None) -> list[tuple[Unit, list[Process]]]:
    """Every unit (or ``unit`` and those below it) in tree order, each with its processes; units
    without a process are left out. Two queries."""
    units = Unit.objects.order_by("path")
    if unit is not None:
        units = units.filter(path__startswith=unit.path)
    by_unit: dict[int, list[Process]] = {}
    for process in (
        processes()
        .filter(unit__in=units)
        .annotate(n_proposals=Count("proposals", filter=Q(proposals__hidden_at__isnull=True)))
        .order_by("-created_at", "-id")
    ):
        by_unit.setdefault(process.unit_id, []).append(process)
    return [(u, by_unit[u.pk]) for u in units if u.pk in by_unit]


def can_moderate(user: Any, unit: Unit) -> bool:
    return user_has_role_in(user, "moderator", unit) or user_has_role_in(user, "staff", unit)


def visible_proposals(process: Process, user: Any) -> QuerySet[Proposal]:
    """Proposals of the process a reader sees: hidden ones only for their author and the moderators."""
    qs = Proposal.objects.filter(process=process)
    if can_moderate(user, process.unit):
        return qs
    if getattr(user, "is_authenticated", False):
        return qs.filter(Q(hidden_at__isnull=True) | Q(author=user))
    return qs.filter(hidden_at__isnull=True)


@dataclass
class ProposalFilters:
    q: str = ""
    status: str = ""
    sort: str = "recent"
    mine: bool = False
    page: int = 1

    @classmethod
    def from_query(cls, data: Any) -> ProposalFilters:
        """Read the filters from a query string; anything unknown falls back to the default."""
        sort = data.get("sort", "recent")
        status = data.get("status", "")
        page = data.get("page", "1")
        return cls(
            q=(data.get("q") or "").strip()[:100].replace("\x00", ""),
            status=status if status in Proposal.Status.values else "",
            sort=sort if sort in SORTS else "recent",
            mine=data.get("mine") == "1",
            page=int(page) if str(page).isdigit() and 0 < int(page) < 100_000 else 1,
        )


def proposals_filtered(process: Process, user: Any, filters: ProposalFilters) -> QuerySet[Proposal]:
    qs = visible_proposals(process, user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.mine and getattr(user, "is_authenticated", False):
        qs = qs.filter(author=user)
    if filters.q:
        # One plain LIKE on the folded title, text and translations (no UPPER() of every row).
        qs = qs.filter(search_text__contains=fold(filters.q))
    return qs.order_by(*SORTS[filters.sort])


@dataclass
class ProcessPage:
    process: Process
    phases: list[Phase]
    page: Page[Any]  # its object_list: the proposals of the page, in order
    supported: set[int]
    following: bool
    open_reports: int
    filters: ProposalFilters = field(default_factory=ProposalFilters)


def process_page(process: Process, user: Any, filters: ProposalFilters) -> ProcessPage:
    """The process, its phases, one page of proposals (with their authors), which of them the reader
    supports, whether they follow the process: seven queries whatever the number of proposals or the page."""
    phases = list(process.phases.order_by("position"))
    # The page's ids first (the sort's index alone, however deep the page), then those twenty rows with
    # their authors: joining authors before OFFSET would join every skipped row too.
    ordered_ids: QuerySet[Any] = proposals_filtered(process, user, filters).values_list("pk", flat=True)
    page: Page[Any] = Paginator(ordered_ids, PAGE_SIZE).get_page(filters.page)
    ids = list(page.object_list)
    rows = Proposal.objects.filter(pk__in=ids).select_related("author__person", "entered_by__person")
    by_id = {p.pk: p for p in rows} if ids else {}
    page.object_list = [by_id[pk] for pk in ids if pk in by_id]
    supported: set[int] = set()
    following = False
    open_reports = 0
    if getattr(user, "is_authenticated", False):
        supported = set(
            Support.objects.filter(user=user, proposal_id__in=ids).values_list("proposal_id", flat=True)
        )
        following = Follow.objects.filter(user=user, process=process).exists()
        if can_moderate(user, process.unit):
            open_reports = Report.objects.filter(process=process, resolution="").count()
    return ProcessPage(process, phases, page, supported, following, open_reports, filters)


@dataclass
class ProposalPage:
    proposal: Proposal
    comments: list[Comment]  # top-level, each with ``thread`` (its replies in order, with ``depth``)
    comment_page: Page[Comment]
    amendments: list[Amendment]
    attachments: list[Attachment]
    supported: bool
    following: bool
    can_moderate: bool
    stance_counts: dict[str, int]
    rolled_up_from: list[Proposal]
    supports_by_standing: dict[str, int] = field(default_factory=dict)


def proposal_for_page(pk: int) -> Proposal | None:
    return (
        Proposal.objects.select_related(
            "process__unit",
            "process__current_phase",
            "author__person",
            "entered_by__person",
            "parent__process__unit",
            "merged_into",
        )
        .filter(pk=pk)
        .first()
    )


COMMENT_THREADS_PER_PAGE = 20


def proposal_page(proposal: Proposal, user: Any, comment_page: int = 1) -> ProposalPage:
    """Everything the proposal page shows, in a fixed number of queries whatever the number of comments:
    one page of top-level comments, then every reply of those threads at once (through ``root``),
    threaded in Python at any depth; the stances counted by one aggregate."""
    top_level = (
        Comment.objects.filter(proposal=proposal, parent__isnull=True)
        .select_related("author__person")
        .order_by("created_at", "id")
    )
    page = Paginator(top_level, COMMENT_THREADS_PER_PAGE).get_page(comment_page)
    top = list(page.object_list)
    replies = list(
        Comment.objects.filter(root_id__in=[c.pk for c in top])
        .select_related("author__person")
        .order_by("created_at", "id")
    )
    children: dict[int | None, list[Comment]] = {}
    for comment in [*top, *replies]:
        comment.proposal = proposal  # the permission checks of each comment read its process from here
        children.setdefault(comment.parent_id, []).append(comment)
    for root in top:
        thread: list[Comment] = []
        stack = [(c, 1) for c in reversed(children.get(root.pk, []))]
        while stack:
            comment, depth = stack.pop()
            comment.depth = depth  # type: ignore[attr-defined]
            thread.append(comment)
            stack.extend((c, depth + 1) for c in reversed(children.get(comment.pk, [])))
        root.thread = thread
    visible = Q(hidden_at__isnull=True)
    stance_counts = Comment.objects.filter(proposal=proposal).aggregate(
        **{s: Count("id", filter=visible & Q(stance=s)) for s in ("for", "against", "question")}
    )
    amendments = list(proposal.amendments.select_related("author__person").order_by("created_at", "id"))
    for amendment in amendments:
        amendment.proposal = proposal
    authenticated = getattr(user, "is_authenticated", False)
    return ProposalPage(
        proposal=proposal,
        comments=top,
        comment_page=page,
        amendments=amendments,
        attachments=list(proposal.attachments.all()),
        supported=authenticated and Support.objects.filter(user=user, proposal=proposal).exists(),
        following=authenticated and Follow.objects.filter(user=user, proposal=proposal).exists(),
        can_moderate=can_moderate(user, proposal.process.unit),
        stance_counts=stance_counts,
        rolled_up_from=list(
            proposal.rolled_up_from.select_related("process__unit").order_by("process__unit__path", "id")
        ),
        supports_by_standing=supports_by_standing([proposal.pk])[proposal.pk],
    )


def supports_by_standing(proposal_ids: list[int]) -> dict[int, dict[str, int]]:
    """The supports of each proposal counted by the supporter's standing when they supported (members,
    other stakeholders of the register, accounts outside it): one grouped query for them all."""
    counts = {pk: dict.fromkeys(Standing.values, 0) for pk in proposal_ids}
    for proposal_id, standing, n in (
        Support.objects.filter(proposal_id__in=proposal_ids)
        .values_list("proposal_id", "standing")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[proposal_id][standing] = n
    return counts


def open_reports(process: Process) -> list[Report]:
    return list(
        Report.objects.filter(process=process, resolution="")
        .select_related("reporter", "proposal", "comment__proposal", "amendment__proposal")
        .order_by("created_at", "id")
    )


# --- API rows ----------------------------------------------------------------------------------------------


def process_row(process: Process) -> dict[str, Any]:
    phase = process.phase_in_force()  # the calendar's, once the current phase's end date has passed
    return {
        "id": process.pk,
        "slug": process.slug,
        "title": process.title_shown.text,
        "language": process.title_shown.language,
        "original_language": process.language,
        "unit": {"code": process.unit.code, "name": process.unit.display_name, "kind": process.unit.kind},
        "phase": None
        if phase is None
        else {
            "kind": phase.kind,
            "title": phase.display_title,
            "starts_on": phase.starts_on.isoformat() if phase.starts_on else None,
            "ends_on": phase.ends_on.isoformat() if phase.ends_on else None,
            "features": [f.value for f in phase.features()],
        },
        "components": list(process.components or []),
        "audience": process.audience,
        "url": process.get_absolute_url(),
    }


def provenance_for(proposal_ids: list[int]) -> dict[int, list[Any]]:
    """Where each rolled-up proposal came from (coopgov.orientations), by proposal id."""
    try:
        from coopgov.orientations.selectors import provenance_by_proposal
    except ImportError:  # pragma: no cover - before orientations provides it
        return {}
    return dict(provenance_by_proposal(proposal_ids))


def proposal_rows(proposals: list[Proposal]) -> list[dict[str, Any]]:
    """API rows for proposals already loaded (one more query for the provenance of them all)."""
    provenance = provenance_for([p.pk for p in proposals])
    by_standing = supports_by_standing([p.pk for p in proposals])
    rows = []
    for p in proposals:
        title, body = p.title_shown, p.body_shown
        rows.append(
            {
                "id": p.pk,
                "process": p.process_id,
                "title": title.text,
                "body": body.text,
                "language": title.language,
                "original_language": p.language,
                "author": p.author_name,
                "entered_by": _name(p.entered_by) if p.entered_by_id else None,
                "status": p.status,
                "created_at": p.created_at.isoformat(),
                "supports": p.support_count,
                "supports_by_standing": {
                    "members": by_standing[p.pk][Standing.MEMBER],
                    "stakeholders": by_standing[p.pk][Standing.STAKEHOLDER],
                    "accounts": by_standing[p.pk][Standing.ACCOUNT],
                },
                "comments": p.comment_count,
                "parent": p.parent_id,
                "merged_into": p.merged_into_id,
                "provenance": [_source_json(s) for s in provenance.get(p.pk, [])],
                "url": p.get_absolute_url(),
            }
        )
    return rows


def _name(user: Any) -> str:
    person = getattr(user, "person", None)
    return person.display_name if person is not None else getattr(user, "email", "")


def _source_json(source: Any) -> dict[str, Any]:
    """A provenance source as plain JSON, whether orientations gives a dataclass or a dict."""
    if isinstance(source, dict):
        return source
    from dataclasses import asdict, is_dataclass

    if is_dataclass(source) and not isinstance(source, type):
        return asdict(source)
    return dict(vars(source))


def comments_of(proposal: Proposal) -> list[Comment]:
    return list(
        Comment.objects.filter(proposal=proposal, hidden_at__isnull=True)
        .select_related("author__person")
        .order_by("created_at", "id")
    )
