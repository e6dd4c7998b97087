"""API of participation: processes (each with its unit and phase), proposals (with supports, the count of
comments and, for a rolled-up proposal, its provenance), comments; proposing, supporting, commenting.

Each endpoint authorises with a django-rules permission, then calls one selector or service. A refusal
of the rules is a 422 in the uniform error body of ``coopgov.api.errors``, naming the field when there is one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError

from coopgov.accounts.models import User
from coopgov.api.errors import NO_NUL, READ_ERRORS, WRITE_ERRORS
from coopgov.organisation.models import Unit
from coopgov.orientations.schemas import ProvenanceOut
from coopgov.participation import selectors, services
from coopgov.participation.models import Comment, Process, Proposal
from coopgov.participation.services import ParticipationRefused

router = Router(tags=["participation"])

Id = Annotated[int, Path(ge=1, le=2_147_483_647, description="An identifier")]
Language = Literal["fr", "nl", "en"]


class UnitOut(Schema):
    code: str
    name: str
    kind: str


class PhaseOut(Schema):
    kind: str = Field(description="information, contribution, deliberation, decision or follow_up")
    title: str
    starts_on: str | None
    ends_on: str | None
    features: list[str] = Field(
        description="What members may do now: proposing, supporting, commenting, amending"
    )


class ProcessOut(Schema):
    id: int
    slug: str
    title: str = Field(description="In the reader's language when translated, else as written")
    language: str = Field(description="The language of `title`")
    original_language: str
    unit: UnitOut
    phase: PhaseOut | None = Field(description="The phase in force")
    components: list[str]
    audience: Literal["members", "stakeholders", "accounts"] = Field(
        description="Who may propose, support and comment besides the unit's officers: `members` (the "
        "unit's admitted members), `stakeholders` (the unit's stakeholders in the register: members, "
        "candidates, clients, partners, mutualised staff), `accounts` (anyone with an account)"
    )
    url: str


class ProcessDetail(ProcessOut):
    phases: list[PhaseOut]


class SupportsByStanding(Schema):
    members: int = Field(description="Supports of admitted members of the unit")
    stakeholders: int = Field(description="Supports of the unit's other stakeholders in the register")
    accounts: int = Field(description="Supports of accounts outside the unit's register")


class ProposalOut(Schema):
    id: int
    process: int
    title: str = Field(description="In the reader's language when translated, else as written")
    body: str
    language: str = Field(description="The language of `title` and `body`")
    original_language: str
    author: str
    entered_by: str | None = Field(description="The relay or staff who entered it for the author, if any")
    status: str
    created_at: str
    supports: int = Field(description="How many support it, whatever their standing")
    supports_by_standing: SupportsByStanding = Field(
        description="The supports counted by the supporter's standing when they supported"
    )
    comments: int = Field(description="How many comments it has (read them at /proposals/{id}/comments)")
    parent: int | None = Field(description="The parent-level proposal it was rolled up into")
    merged_into: int | None
    provenance: list[ProvenanceOut] = Field(
        description="For a rolled-up proposal: each source (antenna, local proposal or meeting "
        "contribution, supports)"
    )
    url: str


class ProposalPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ProposalOut]


class ProposalQuery(Schema):
    process: int = Field(ge=1, le=2_147_483_647, description="The process (required)")
    status: Literal["published", "accepted", "rejected", "withdrawn", "merged"] | None = None
    sort: Literal["recent", "oldest", "supports", "comments"] = "recent"
    q: str = Field("", max_length=100, pattern=NO_NUL, description="Words in the title or text")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=1_000_000)


class ProcessQuery(Schema):
    unit: str | None = Field(
        None,
        max_length=32,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="A unit's code: its processes and those below it",
    )


class CommentOut(Schema):
    id: int
    parent: int | None
    author: str
    stance: str = Field(description="for, against, question, or empty")
    body: str
    language: str
    original_language: str
    created_at: datetime


class ProposalIn(Schema):
    title: str = Field(min_length=1, max_length=services.TITLE_MAX, pattern=NO_NUL)
    body: str = Field(min_length=1, max_length=services.BODY_MAX, pattern=NO_NUL)
    language: Language


class CommentIn(Schema):
    body: str = Field(min_length=1, max_length=services.COMMENT_MAX, pattern=NO_NUL)
    language: Language
    stance: Literal["for", "against", "question", ""] = ""
    parent: int | None = Field(None, ge=1, le=2_147_483_647, description="The comment replied to")


class SupportOut(Schema):
    supported: bool
    supports: int


def _refused(refused: ParticipationRefused) -> HttpError:
    error = HttpError(422, refused.message)
    error.errors = [{"code": refused.code, "text": refused.message, "field": refused.field}]  # type: ignore[attr-defined]
    return error


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # the API's authentication sets it (token or session)
    return request.user


def _process(request: HttpRequest, pk: int, perm: str = "participation.view_process") -> Process:
    process = selectors.process_by_id(pk)
    if process is None:
        raise HttpError(404, _("No process %(id)s.") % {"id": pk})
    if not request.user.has_perm(perm, process):
        raise HttpError(403, _("You may not do this in this process."))
    return process


def _proposal(request: HttpRequest, pk: int, perm: str = "participation.view_process") -> Proposal:
    proposal = selectors.proposal_for_page(pk)
    if (
        proposal is None
        or not selectors.visible_proposals(proposal.process, request.user).filter(pk=pk).exists()
    ):
        raise HttpError(404, _("No proposal %(id)s.") % {"id": pk})
    if not request.user.has_perm(perm, proposal):
        raise HttpError(403, _("You may not do this on this proposal."))
    return proposal


@router.get(
    "/processes",
    response={200: list[ProcessOut], **READ_ERRORS},
    summary="Participatory processes, each with its unit and phase",
)
def list_processes(request: HttpRequest, query: Query[ProcessQuery]) -> list[dict[str, Any]]:
    unit = None
    if query.unit:
        unit = Unit.objects.filter(code=query.unit).first()
        if unit is None:
            raise HttpError(404, _("No unit %(code)s.") % {"code": query.unit})
    return [
        selectors.process_row(p) for _unit, processes in selectors.processes_by_unit(unit) for p in processes
    ]


@router.get(
    "/processes/{process_id}",
    response={200: ProcessDetail, **READ_ERRORS},
    summary="One process, with all its phases",
)
def get_process(request: HttpRequest, process_id: Id) -> dict[str, Any]:
    process = _process(request, process_id)
    row = selectors.process_row(process)
    row["phases"] = [
        {
            "kind": p.kind,
            "title": p.display_title,
            "starts_on": p.starts_on.isoformat() if p.starts_on else None,
            "ends_on": p.ends_on.isoformat() if p.ends_on else None,
            "features": [f.value for f in p.features()],
        }
        for p in process.phases.all()
    ]
    return row


@router.get(
    "/proposals",
    response={200: ProposalPage, **READ_ERRORS},
    summary="Proposals of a process, with supports, the number of comments and provenance",
)
def list_proposals(request: HttpRequest, query: Query[ProposalQuery]) -> dict[str, Any]:
    process = _process(request, query.process)
    filters = selectors.ProposalFilters(q=query.q.strip(), status=query.status or "", sort=query.sort)
    qs = selectors.proposals_filtered(process, request.user, filters).select_related("entered_by__person")
    items = list(qs[query.offset : query.offset + query.limit])
    return {
        "count": qs.count(),
        "limit": query.limit,
        "offset": query.offset,
        "items": selectors.proposal_rows(items),
    }


@router.get("/proposals/{proposal_id}", response={200: ProposalOut, **READ_ERRORS}, summary="One proposal")
def get_proposal(request: HttpRequest, proposal_id: Id) -> dict[str, Any]:
    return selectors.proposal_rows([_proposal(request, proposal_id)])[0]


def _comment_row(comment: Comment) -> dict[str, Any]:
    shown = comment.body_shown
    person = getattr(comment.author, "person", None) if comment.author_id else None
    return {
        "id": comment.pk,
        "parent": comment.parent_id,
        "author": person.display_name if person is not None else "",
        "stance": comment.stance,
        "body": shown.text,
        "language": shown.language,
        "original_language": comment.language,
        "created_at": comment.created_at,
    }


@router.get(
    "/proposals/{proposal_id}/comments",
    response={200: list[CommentOut], **READ_ERRORS},
    summary="The comments of a proposal, oldest first (hidden ones left out); `parent` threads the replies",
)
def list_comments(request: HttpRequest, proposal_id: Id) -> list[dict[str, Any]]:
    return [_comment_row(c) for c in selectors.comments_of(_proposal(request, proposal_id))]


@router.post(
    "/processes/{process_id}/proposals",
    response={201: ProposalOut, **WRITE_ERRORS},
    summary="Make a proposal (while the phase in force takes proposals)",
)
def create_proposal(request: HttpRequest, process_id: Id, payload: ProposalIn) -> Status[dict[str, Any]]:
    process = _process(request, process_id, "participation.propose")
    me = _me(request)
    try:
        proposal = services.proposal_create(process=process, author=me, actor=me, **payload.dict())
    except ParticipationRefused as refused:
        raise _refused(refused) from None
    return Status(201, selectors.proposal_rows([proposal])[0])


@router.post(
    "/proposals/{proposal_id}/support",
    response={200: SupportOut, **WRITE_ERRORS},
    summary="Support a proposal (one support per member)",
)
def support(request: HttpRequest, proposal_id: Id) -> dict[str, Any]:
    proposal = _proposal(request, proposal_id, "participation.support")
    try:
        services.support_add(proposal=proposal, user=_me(request))
    except ParticipationRefused as refused:
        raise _refused(refused) from None
    return {
        "supported": True,
        "supports": Proposal.objects.values_list("support_count", flat=True).get(pk=proposal.pk),
    }


@router.delete(
    "/proposals/{proposal_id}/support",
    response={200: SupportOut, **WRITE_ERRORS},
    summary="Withdraw your support",
)
def unsupport(request: HttpRequest, proposal_id: Id) -> dict[str, Any]:
    proposal = _proposal(request, proposal_id, "participation.support")
    try:
        services.support_remove(proposal=proposal, user=_me(request))
    except ParticipationRefused as refused:
        raise _refused(refused) from None
    return {
        "supported": False,
        "supports": Proposal.objects.values_list("support_count", flat=True).get(pk=proposal.pk),
    }


@router.post(
    "/proposals/{proposal_id}/comments",
    response={201: CommentOut, **WRITE_ERRORS},
    summary="Comment with a stance (for, against, question), or reply to a comment with `parent`",
)
def create_comment(request: HttpRequest, proposal_id: Id, payload: CommentIn) -> Status[dict[str, Any]]:
    proposal = _proposal(request, proposal_id, "participation.comment")
    parent = None
    if payload.parent is not None:
        parent = Comment.objects.filter(pk=payload.parent, proposal=proposal).first()
        if parent is None:
            raise _refused(
                ParticipationRefused(
                    "parent_elsewhere",
                    _("No comment %(id)s on this proposal.") % {"id": payload.parent},
                    "parent",
                )
            )
    try:
        comment = services.comment_add(
            proposal=proposal,
            author=_me(request),
            body=payload.body,
            language=payload.language,
            stance=payload.stance,
            parent=parent,
        )
    except ParticipationRefused as refused:
        raise _refused(refused) from None
    return Status(201, _comment_row(comment))
