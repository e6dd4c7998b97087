"""API of followup: the public follow-up of recommendations, thematic communities, and the participation
dashboards (staff and board of the unit). Each endpoint authorises, then calls one selector."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from coopgov.api.errors import READ_ERRORS, Code, ErrorOut
from coopgov.followup import selectors
from coopgov.followup.models import Cycle, Recommendation, Stage, Status
from coopgov.organisation.models import Unit
from coopgov.organisation.selectors import communities_with_counts

router = Router(tags=["followup"])

StatusCode = Literal["submitted", "done", "in_progress", "not_done", "rejected", "postponed"]
StageCode = Literal["draft", "open", "submitted"]


class StatusChangeOut(Schema):
    on: date
    from_status: str
    to_status: str
    response: str


class RecommendationOut(Schema):
    number: int
    title: str
    text: str
    language: str
    theme: str
    local_group: str | None
    antenna_or_community: str | None
    addressed_to: str
    body_unit: str
    stage: str
    stage_label: str
    status: str
    status_label: str
    response: str
    submitted_on: date | None
    answered_on: date | None
    due_on: date | None
    source_proposal: int | None
    history: list[StatusChangeOut]


class StatusCountOut(Schema):
    status: str
    label: str
    count: int


class CycleRecommendationsOut(Schema):
    cycle: str
    title: str
    unit: str
    counts: list[StatusCountOut]
    recommendations: list[RecommendationOut]


class Filters(Schema):
    stage: StageCode | None = None
    status: StatusCode | None = None
    theme: Code | None = None
    body: int | None = None


def _recommendation_out(r: Recommendation) -> dict[str, Any]:
    return {
        "number": r.number,
        "title": r.display_title,
        "text": r.display_text,
        "language": r.language,
        "theme": r.theme.code,
        "local_group": r.group.name if r.group else None,
        "antenna_or_community": r.group.unit.code if r.group else None,
        "addressed_to": r.addressed_to.name,
        "body_unit": r.addressed_to.unit.code,
        "stage": r.stage,
        "stage_label": str(Stage(r.stage).label),
        "status": r.status,
        "status_label": str(Status(r.status).label),
        "response": r.response,
        "submitted_on": r.submitted_on,
        "answered_on": r.answered_on,
        "due_on": r.due_on,
        "source_proposal": r.source_proposal_id,
        "history": [
            {"on": h.on, "from_status": h.from_status, "to_status": h.to_status, "response": h.response}
            for h in r.history.all()
        ],
    }


@router.get(
    "/follow-up/{slug}/recommendations",
    response={200: CycleRecommendationsOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="A Smart in Progress cycle's recommendations with their stage (draft, open for comment, handed "
    "in), status, response and dated history, as far as the caller may see them (handed in: any account, "
    "as on the public site; open for comment: members and officers of the unit running the cycle; drafts: "
    "its staff and the local group), filtered by stage, status, theme code or body id, and the counts per "
    "status of the recommendations handed in",
)
def list_recommendations(request: HttpRequest, slug: Code, filters: Query[Filters]) -> dict[str, Any]:
    try:
        cycle = selectors.cycle_by_slug(slug)
    except Cycle.DoesNotExist:
        raise HttpError(404, _("No cycle is called %(slug)s.") % {"slug": slug}) from None
    chosen = selectors.Filters(status=filters.status or "", theme=filters.theme or "", body=filters.body)
    stages: list[str] = [filters.stage] if filters.stage else list(Stage.values)
    rows = selectors.visible_recommendations(cycle, request.user, chosen, stages)
    prefetch_related_objects(rows, "history")
    return {
        "cycle": cycle.slug,
        "title": cycle.display_title,
        "unit": cycle.unit.code,
        "counts": [
            {"status": c.status, "label": c.label, "count": c.count}
            for c in selectors.status_counts(cycle, chosen)
        ],
        "recommendations": [_recommendation_out(r) for r in rows],
    }


class CommunityOut(Schema):
    code: str
    name: str
    members: int


@router.get(
    "/communities",
    response={200: list[CommunityOut], 401: ErrorOut},
    summary="The thematic communities with their current member counts",
)
def list_communities(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"code": c.code, "name": c.display_name, "members": getattr(c, "current_members", 0)}
        for c in communities_with_counts()
    ]


class GroupOut(Schema):
    group: str
    label: str
    members: int
    participants: int
    register_share: float
    participant_share: float
    under_represented: bool
    acts: dict[str, int]
    participants_by_month: list[int]


class DimensionOut(Schema):
    members: int
    participants: int
    acts_outside_register: int
    groups: list[GroupOut]


class DashboardOut(Schema):
    unit: str
    months: list[str]
    rule: str
    colleges: DimensionOut
    profiles: DimensionOut
    antennas: DimensionOut


def _dimension(figures: Any, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "members": figures.members,
        "participants": figures.participants,
        "acts_outside_register": figures.acts_outside_register,
        "groups": [
            {
                "group": r.group,
                "label": labels.get(r.group, r.group),
                "members": r.size,
                "participants": r.participants,
                "register_share": round(float(r.register_share), 4),
                "participant_share": round(float(r.participant_share), 4),
                "under_represented": r.under_represented,
                "acts": dict(r.acts_by_kind),
                "participants_by_month": list(r.participants_by_month),
            }
            for r in figures.rows
        ],
    }


class MonthsIn(Schema):
    months: int = 12


@router.get(
    "/dashboards/{code}",
    response={200: DashboardOut, **READ_ERRORS},
    summary="Participation of a unit's members by collège, profile and antenna, month by month, against the "
    "register, with the groups not heard enough flagged (staff and board of the unit)",
)
def get_dashboard(request: HttpRequest, code: Code, params: Query[MonthsIn]) -> dict[str, Any]:
    if not 1 <= params.months <= 36:
        error = HttpError(422, _("months must be between 1 and 36."))
        error.errors = [{"code": "out_of_range", "text": str(error), "field": "months"}]  # type: ignore[attr-defined]
        raise error
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise HttpError(404, _("No unit has the code %(code)s.") % {"code": code})
    if not request.user.has_perm("followup.view_dashboard", unit):
        raise HttpError(403, _("Only staff and board members of this unit may read its dashboard."))
    data = selectors.dashboard(unit, months=params.months)
    rule = data.colleges.rule
    return {
        "unit": unit.code,
        "months": list(data.months),
        "rule": _(
            "flagged when the share of the participants is below %(floor)s of the share of the members, "
            "for groups of at least %(min)s members"
        )
        % {"floor": str(rule.floor), "min": rule.min_size},
        "colleges": _dimension(data.colleges, data.labels["colleges"]),
        "profiles": _dimension(data.profiles, data.labels["profiles"]),
        "antennas": _dimension(data.antennas, data.labels["antennas"]),
    }
