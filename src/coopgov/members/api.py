"""API of the register: cooperatives, members with their holdings, a member's ledger and rights."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from coopgov.members import selectors
from coopgov.members.explain import explain
from coopgov.members.models import Membership
from coopgov.organisation.models import Unit

router = Router(tags=["register"])


class CooperativeOut(Schema):
    code: str
    name: str
    country: str
    legal_form: str


class MemberOut(Schema):
    number: int
    kind: str
    name: str
    email: str
    language: str
    antenna: str | None
    profiles: list[str]
    category: str
    status: str
    applied_on: date
    admitted_on: date | None
    ended_on: date | None
    shares: int
    paid_in_eur: Decimal


class MemberPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[MemberOut]


class MovementOut(Schema):
    operation: int
    kind: str
    share_class: str
    shares: int
    paid_eur: Decimal
    effective_on: date
    note: str


class EventOut(Schema):
    from_status: str
    to_status: str
    on: date
    deciding_body: str
    reason: str


class MemberDetail(MemberOut):
    movements: list[MovementOut]
    events: list[EventOut]


class ReasonOut(Schema):
    code: str
    ok: bool
    text: str


class CheckOut(Schema):
    service: str
    allowed: bool
    required_shares: int
    reasons: list[ReasonOut]


class RegisterFilters(Schema):
    search: str = ""
    status: str = ""
    category: str = ""
    antenna: str = ""
    limit: int = 50
    offset: int = 0


def _cooperative_for(request: HttpRequest, code: str) -> Unit:
    cooperative = get_object_or_404(Unit, kind=Unit.Kind.COOPERATIVE, code=code)
    if not request.user.has_perm("members.view_register", cooperative):
        raise HttpError(403, "You may not read the register of this cooperative.")
    return cooperative


def _member_out(m: Membership, shares: int, paid: Decimal) -> dict[str, object]:
    antenna = m.person.home_antenna
    return {
        "number": m.number,
        "kind": m.person.kind,
        "name": m.person.display_name,
        "email": m.person.email,
        "language": m.person.language,
        "antenna": antenna.name if antenna else None,
        "profiles": list(m.person.profiles),
        "category": m.category.code,
        "status": m.status,
        "applied_on": m.applied_on,
        "admitted_on": m.admitted_on,
        "ended_on": m.ended_on,
        "shares": shares,
        "paid_in_eur": paid,
    }


@router.get("/cooperatives", response=list[CooperativeOut], summary="National cooperatives")
def list_cooperatives(request: HttpRequest) -> list[dict[str, str]]:
    return [
        {
            "code": c.code,
            "name": c.name,
            "country": getattr(getattr(c, "profile", None), "country", ""),
            "legal_form": getattr(getattr(c, "profile", None), "legal_form", ""),
        }
        for c in selectors_cooperatives()
    ]


def selectors_cooperatives() -> list[Unit]:
    from coopgov.organisation.selectors import cooperatives

    return list(cooperatives())


@router.get("/cooperatives/{code}/members", response=MemberPage, summary="The register, filtered and paged")
def list_members(request: HttpRequest, code: str, filters: Query[RegisterFilters]) -> dict[str, object]:
    cooperative = _cooperative_for(request, code)
    if not (1 <= filters.limit <= 500):
        raise HttpError(422, "limit must be between 1 and 500")
    if filters.offset < 0:
        raise HttpError(422, "offset must be 0 or more")
    qs = selectors.register_queryset(
        cooperative, search=filters.search, status=filters.status, category=filters.category,
        antenna=filters.antenna,
    )
    page = list(qs[filters.offset : filters.offset + filters.limit])
    sums = selectors.shares_for_memberships([m.pk for m in page])
    items = [_member_out(m, *sums.get(m.pk, (0, Decimal("0.00")))) for m in page]
    return {"count": qs.count(), "limit": filters.limit, "offset": filters.offset, "items": items}


def _membership(cooperative: Unit, number: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("person", "person__home_antenna", "category"),
        cooperative=cooperative,
        number=number,
    )


@router.get("/cooperatives/{code}/members/{number}", response=MemberDetail, summary="One member and their ledger")
def get_member(request: HttpRequest, code: str, number: int) -> dict[str, object]:
    cooperative = _cooperative_for(request, code)
    m = _membership(cooperative, number)
    shares, paid = selectors.total_shares(m)
    out = _member_out(m, shares, paid)
    out["movements"] = [
        {
            "operation": mv.operation, "kind": mv.kind, "share_class": mv.share_class.code,
            "shares": mv.shares_delta, "paid_eur": mv.paid_delta_eur, "effective_on": mv.effective_on,
            "note": mv.note,
        }
        for mv in m.movements.select_related("share_class").order_by("operation", "id")
    ]
    out["events"] = [
        {"from_status": e.from_status, "to_status": e.to_status, "on": e.on, "deciding_body": e.deciding_body,
         "reason": e.reason}
        for e in m.events.all()
    ]
    return out


@router.get(
    "/cooperatives/{code}/members/{number}/check", response=CheckOut, summary="May this member use a service?"
)
def check_member_service(request: HttpRequest, code: str, number: int, service: str) -> dict[str, object]:
    cooperative = _cooperative_for(request, code)
    m = _membership(cooperative, number)
    if not selectors.services_of(cooperative).filter(code=service).exists():
        raise HttpError(404, f"Unknown service {service!r} for cooperative {code}.")
    result = selectors.check_service(m.person, cooperative, service)
    return {
        "service": service,
        "allowed": result.allowed,
        "required_shares": result.required_shares,
        "reasons": [{"code": r.code, "ok": r.ok, "text": explain(r)} for r in result.reasons],
    }
