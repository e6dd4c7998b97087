"""API of the member panels: the draws a caller may read, one draw with its panel and chances, and a draw
requested by a unit's staff. Each endpoint authorises, then calls one service or selector."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError

from coopgov.api.errors import READ_ERRORS, WRITE_ERRORS, LongText, Text
from coopgov.organisation.models import Unit
from coopgov.panels import selectors, services
from coopgov.panels.models import Draw

router = Router(tags=["panels"])

UnitCodePath = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9_-]{1,50}$", description="The unit's code (SMART, BE, BE-BRUXELLES…)")
]
DrawIdPath = Annotated[int, Path(ge=1, le=2_147_483_647, description="The draw's id")]
FeatureName = Literal["cooperative", "antenna", "college", "profile", "language"]


class DrawSummaryOut(Schema):
    id: int
    title: str
    unit: str
    panel_size: int
    status: str
    requested_at: datetime


class QuotaOut(Schema):
    feature: str
    value: str
    min: int
    max: int
    selected: int | None = Field(None, description="Selected members with this value, once drawn")


class PanelMemberOut(Schema):
    person_id: int
    name: str
    features: dict[str, str]
    response: Literal["", "accepted", "declined"] | None = Field(
        description="The member's answer to the invitation (the unit's staff, board and relays only)"
    )


class CandidateOut(Schema):
    person_id: int
    features: dict[str, str]
    probability: float
    selected: bool


class MineOut(Schema):
    probability: float = Field(description="The caller's chance of being selected")
    selected: bool
    response: Literal["", "accepted", "declined"] = Field(
        description="A selected caller's answer to the invitation; empty until they answer"
    )


class AnswerIn(Schema):
    accept: bool = Field(description="True: the caller takes part in the panel; false: they decline")


class AnswerOut(Schema):
    response: Literal["accepted", "declined"]
    responded_at: datetime


class DrawOut(DrawSummaryOut):
    purpose: str
    algorithm: str
    seed: int
    features: list[str]
    separate_households: bool
    quotas: list[QuotaOut]
    error: str
    pool_size: int | None
    min_probability: float | None
    drawn_at: datetime | None
    panel: list[PanelMemberOut]
    mine: MineOut | None = Field(description="The caller's own line, if they were in the pool")
    pool: list[CandidateOut] | None = Field(
        description="Every pool member's chance (the unit's staff, board and relays only)"
    )


class DrawIn(Schema):
    title: Text = Field(min_length=1)
    purpose: LongText = ""
    panel_size: int = Field(ge=1, le=100_000)
    features: list[FeatureName] = Field(min_length=1, max_length=5)
    quotas: LongText = Field(
        "",
        description="One quota a line, feature,value,minimum,maximum; empty: the pool's proportions",
    )
    algorithm: Literal["leximin", "legacy"] = "leximin"
    separate_households: bool = False
    seed: int | None = Field(None, ge=0, le=services.MAX_SEED)


def _summary(draw: Draw) -> dict[str, Any]:
    return {
        "id": draw.pk,
        "title": draw.title,
        "unit": draw.unit.code,
        "panel_size": draw.panel_size,
        "status": draw.status,
        "requested_at": draw.requested_at,
    }


def _out(draw: Draw, user: Any) -> dict[str, Any]:
    drawn = draw.status == Draw.Status.DRAWN
    mine = selectors.candidate_of(draw, user)
    pool = None
    officer = user.has_perm("panels.view_probabilities", draw)
    if officer:
        pool = [
            {
                "person_id": c.person_id,
                "features": c.features,
                "probability": c.probability,
                "selected": c.selected,
            }
            for c in draw.candidates.order_by("person_id")
        ]
    return {
        **_summary(draw),
        "purpose": draw.purpose,
        "algorithm": draw.algorithm,
        "seed": draw.seed,
        "features": draw.features,
        "separate_households": draw.separate_households,
        "quotas": selectors.quota_outcome(draw) if drawn else draw.quotas,
        "error": draw.error,
        "pool_size": draw.pool_size,
        "min_probability": draw.min_probability,
        "drawn_at": draw.drawn_at,
        "panel": [
            {
                "person_id": c.person_id,
                "name": str(c.person),
                "features": c.features,
                "response": c.response if officer else None,
            }
            for c in selectors.selected(draw)
        ],
        "mine": {"probability": mine.probability, "selected": mine.selected, "response": mine.response}
        if mine
        else None,
        "pool": pool,
    }


@router.get(
    "/panels", response={200: list[DrawSummaryOut], **READ_ERRORS}, summary="The draws the caller may read"
)
def list_draws(request: HttpRequest) -> list[dict[str, Any]]:
    return [_summary(d) for d in selectors.draws_for(request.user)]


@router.get(
    "/panels/{draw_id}",
    response={200: DrawOut, **READ_ERRORS},
    summary="A draw: its rule, quotas, panel, the caller's chance, and everyone's for the unit's officers",
)
def get_draw(request: HttpRequest, draw_id: DrawIdPath) -> dict[str, Any]:
    draw = Draw.objects.select_related("unit").filter(pk=draw_id).first()
    if draw is None:
        raise HttpError(404, _("No such draw."))
    if not request.user.has_perm("panels.view_draw", draw):
        raise HttpError(403, _("You may not read this draw."))
    return _out(draw, request.user)


@router.post(
    "/units/{code}/panels",
    response={201: DrawOut, **WRITE_ERRORS},
    summary="Draw a panel from a unit's register (its staff); the seed is recorded; audited",
)
def request_draw(request: HttpRequest, code: UnitCodePath, payload: DrawIn) -> Status[dict[str, Any]]:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise HttpError(404, _("No unit has the code %(code)s.") % {"code": code})
    if not request.user.has_perm("panels.request_draw", unit):
        raise HttpError(403, _("Only staff of this unit may draw a panel from its register."))
    try:
        draw = services.draw_request(
            unit=unit,
            request=services.DrawRequest(
                title=payload.title,
                purpose=payload.purpose,
                panel_size=payload.panel_size,
                features=tuple(payload.features),
                quotas_text=payload.quotas,
                algorithm=payload.algorithm,
                separate_households=payload.separate_households,
                seed=payload.seed,
            ),
            actor=request.user,
        )
    except services.PanelRefused as refused:
        error = HttpError(400, refused.message)
        field = "quotas" if refused.code.startswith(("quota", "infeasible")) else None
        error.errors = [{"code": refused.code, "text": refused.message, "field": field}]  # type: ignore[attr-defined]
        raise error from refused
    draw.refresh_from_db()
    return Status(201, _out(draw, request.user))


@router.post(
    "/panels/{draw_id}/answer",
    response={200: AnswerOut, **WRITE_ERRORS},
    summary="A selected member accepts or declines to sit on the panel (may change it); audited",
)
def answer_invitation(request: HttpRequest, draw_id: DrawIdPath, payload: AnswerIn) -> dict[str, Any]:
    draw = Draw.objects.select_related("unit").filter(pk=draw_id).first()
    if draw is None:
        raise HttpError(404, _("No such draw."))
    if not request.user.has_perm("panels.respond", draw):
        raise HttpError(403, _("Only a member this draw selected answers its invitation."))
    try:
        candidate = services.panel_respond(draw=draw, user=request.user, accept=payload.accept)
    except services.PanelRefused as refused:
        raise HttpError(403, refused.message) from refused
    return {"response": candidate.response, "responded_at": candidate.responded_at}
