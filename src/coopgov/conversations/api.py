"""API of the opinion conversations: the conversations a caller may open, their statements with the
caller's reactions, reacting, and the latest opinion map as the caller sees it (no one else is named).
Each endpoint authorises, then calls one service or selector."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema
from ninja.errors import HttpError

from coopgov.api.errors import READ_ERRORS, WRITE_ERRORS
from coopgov.conversations import selectors, services
from coopgov.conversations.models import Conversation, Statement

router = Router(tags=["conversations"])

SlugPath = Annotated[str, Path(pattern=r"^[a-z0-9-]{1,80}$", description="The conversation's address")]
StatementIdPath = Annotated[int, Path(ge=1, le=2_147_483_647, description="The statement's id")]
Vote = Literal["agree", "disagree", "pass"]
VOTE_NAMES: dict[int, Vote] = {1: "agree", -1: "disagree", 0: "pass"}


class ConversationOut(Schema):
    slug: str
    title: str
    question: str
    unit: str
    status: str
    statements: int = Field(description="Statements shown (accepted)")
    participants: int = Field(description="Members who reacted at least once")


class StatementOut(Schema):
    id: int
    text: str
    your_vote: Vote | None


class ReactionIn(Schema):
    vote: Vote


class ReactionOut(Schema):
    statement: int
    vote: Vote


class LineOut(Schema):
    statement: int
    text: str
    direction: str = Field(description="agree or disagree")
    percent: int | None = Field(description="Of the group (or of everyone, for consensus)")
    others_percent: int | None = Field(description="Of the other groups, for a representative statement")


class GroupOut(Schema):
    label: str
    size: int
    representative: list[LineOut]


class YouOut(Schema):
    group: str | None = Field(description="Your group's label, if the map shows groups and you are in one")
    reacted_like_your_group: list[LineOut]


class MapOut(Schema):
    computed_at: datetime
    participants: int
    statements: int
    votes: int
    groups: list[GroupOut]
    consensus: list[LineOut]
    divisive: list[LineOut]
    you: YouOut | None = Field(description="Where the caller is, if they are on the map")


def _conversation(request: HttpRequest, slug: str) -> Conversation:
    conversation = selectors.conversation_by_slug(slug)
    if conversation is None:
        raise HttpError(404, _("No conversation has the address %(slug)s.") % {"slug": slug})
    if not request.user.has_perm("conversations.view_conversation", conversation):
        raise HttpError(403, _("You may not open this conversation."))
    return conversation


def _line(line: Any) -> dict[str, Any]:
    return {
        "statement": line.id,
        "text": line.text,
        "direction": line.direction,
        "percent": line.percent,
        "others_percent": line.others_percent,
    }


@router.get(
    "/conversations",
    response={200: list[ConversationOut], **READ_ERRORS},
    summary="The opinion conversations the caller may open",
)
def list_conversations(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "slug": c.slug,
            "title": c.title,
            "question": c.question,
            "unit": c.unit.code,
            "status": c.status,
            "statements": getattr(c, "accepted", 0),
            "participants": getattr(c, "participants", 0),
        }
        for c in selectors.conversations_for(request.user)
    ]


@router.get(
    "/conversations/{slug}/statements",
    response={200: list[StatementOut], **READ_ERRORS},
    summary="The statements shown, each with the caller's reaction",
)
def list_statements(request: HttpRequest, slug: SlugPath) -> list[dict[str, Any]]:
    conversation = _conversation(request, slug)
    return [
        {"id": s.pk, "text": s.text, "your_vote": VOTE_NAMES.get(vote) if vote is not None else None}
        for s, vote in selectors.shown_with_votes(conversation, request.user)
    ]


@router.post(
    "/conversations/{slug}/statements/{statement_id}/reaction",
    response={200: ReactionOut, **WRITE_ERRORS},
    summary="React to a statement (agree, disagree or pass); a second call changes the reaction",
)
def react(
    request: HttpRequest, slug: SlugPath, statement_id: StatementIdPath, payload: ReactionIn
) -> dict[str, Any]:
    conversation = _conversation(request, slug)
    statement = Statement.objects.filter(pk=statement_id, conversation=conversation).first()
    if statement is None:
        raise HttpError(404, _("This conversation has no statement %(id)s.") % {"id": statement_id})
    try:
        reaction = services.reaction_cast(statement=statement, vote=payload.vote, actor=request.user)
    except services.ConversationRefused as refused:
        error = HttpError(403 if refused.code == "forbidden" else 400, refused.message)
        error.errors = [{"code": refused.code, "text": refused.message, "field": None}]  # type: ignore[attr-defined]
        raise error from refused
    return {"statement": statement.pk, "vote": VOTE_NAMES[reaction.vote]}


@router.get(
    "/conversations/{slug}/map",
    response={200: MapOut, **READ_ERRORS},
    summary="The latest opinion map as the caller sees it: groups, what sets each apart, what unites",
)
def get_map(request: HttpRequest, slug: SlugPath) -> dict[str, Any]:
    conversation = _conversation(request, slug)
    snapshot = selectors.latest_snapshot(conversation)
    if snapshot is None:
        raise HttpError(404, _("The map of this conversation has not been computed yet."))
    view = selectors.map_view(snapshot, request.user)
    you = None
    if view.you is not None:
        you = {
            "group": view.your_group.label if view.your_group else None,
            "reacted_like_your_group": [_line(x) for x in view.like_your_group],
        }
    return {
        "computed_at": snapshot.computed_at,
        "participants": snapshot.participants,
        "statements": snapshot.statements,
        "votes": snapshot.votes,
        "groups": [
            {"label": g.label, "size": g.size, "representative": [_line(x) for x in g.representative]}
            for g in view.groups
        ],
        "consensus": [_line(x) for x in view.consensus_agree + view.consensus_disagree],
        "divisive": [_line(x) for x in view.divisive],
        "you": you,
    }
