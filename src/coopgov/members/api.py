"""API of the register: cooperatives, members, their ledger and rights, admissions, share movements.

Each endpoint parses its input (typed schemas), authorises with a django-rules permission, then calls one
selector or service. Lists are authorised on the cooperative; acts on one member are authorised on that
membership (roles held in its antenna count), so the API follows the permission table of
tests/organisation/test_permissions.py.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError

from coopgov.api.errors import READ_ERRORS, WRITE_ERRORS, Code, ErrorOut, LongText, Text, invalid_field
from coopgov.domain.governance.reasons import Reason
from coopgov.domain.governance.shares import ExitCause, MovementKind
from coopgov.members import selectors, services
from coopgov.members.errors import RuleViolation
from coopgov.members.explain import explain
from coopgov.members.models import (
    Category,
    Membership,
    MembershipApplication,
    Profile,
    ShareClass,
    ShareMovement,
)
from coopgov.members.services_apply import (
    APPLICATION_FIELDS,
    Applicant,
    application_problems,
    membership_application_submit,
)
from coopgov.organisation.models import Unit
from coopgov.organisation.selectors import antennas_of, cooperatives

router = Router(tags=["register"])

CodePath = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9_-]{1,32}$", description="The cooperative's code (BE, FR…)")
]
NumberPath = Annotated[int, Path(ge=1, le=2_147_483_647, description="The register number")]
MAX_SHARES = 1_000_000
MAX_EUR = Decimal("1000000000")


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
    search: Text = Field("", description="Start of a last name, legal name or e-mail; or a number")
    status: Text = Field("", description="candidate, admitted, refused, resigned…")
    category: Text = Field("", description="A category code (BE: A, B…; FR collège: 1, 2…)")
    antenna: Text = Field("", description="The home antenna's code (BE-BRUXELLES…)")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000_000)


class CheckQuery(Schema):
    service: Code = Field(description="The service's code (invoice_client, open_activity…)")


class AdmitIn(Schema):
    on: date = Field(description="The date of the decision (not in the future)")
    deciding_body: Text = ""


class RefuseIn(Schema):
    on: date = Field(description="The date of the decision (not in the future)")
    reason: LongText = Field(min_length=1, description="The objective reason, kept and shown to the person")
    deciding_body: Text = ""


class MovementIn(Schema):
    kind: MovementKind
    share_class: Code = Field(description="The share class's code (A, P…)")
    on: date = Field(description="The effective date (not in the future)")
    quantity: int = Field(
        0, ge=0, le=MAX_SHARES, description="Shares subscribed, transferred, redeemed, converted"
    )
    amount_eur: Decimal = Field(
        Decimal(0), ge=0, le=MAX_EUR, decimal_places=2, description="Paid or repaid (€)"
    )
    counterparty: int | None = Field(
        None, ge=1, le=2_147_483_647, description="Transfers: the receiver's number"
    )
    to_class: Code | None = Field(None, description="Conversions: the class converted to")
    cause: ExitCause = ExitCause.RESIGNATION
    note: Text = ""


class MovementRecorded(Schema):
    operation: int
    lines: list[MovementOut]


def _cooperative(request: HttpRequest, code: str, perm: str) -> Unit:
    """The cooperative ``code``, if the user holds ``perm`` on it (403 before 404: no probing)."""
    cooperative = Unit.objects.select_related("profile").filter(kind=Unit.Kind.COOPERATIVE, code=code).first()
    if cooperative is None:
        raise HttpError(404, _("No cooperative has the code %(code)s.") % {"code": code})
    if not request.user.has_perm(perm, cooperative):
        raise HttpError(403, _("You may not do this in cooperative %(code)s.") % {"code": code})
    return cooperative


def _membership(request: HttpRequest, code: str, number: int, perm: str) -> Membership:
    """Membership ``number`` of cooperative ``code``, if the user holds ``perm`` on it.

    A missing number is reported as such only to someone who holds ``perm`` on the whole cooperative;
    anyone else gets 403, so register numbers cannot be probed.
    """
    cooperative = Unit.objects.filter(kind=Unit.Kind.COOPERATIVE, code=code).first()
    if cooperative is None:
        raise HttpError(404, _("No cooperative has the code %(code)s.") % {"code": code})
    membership = (
        Membership.objects.select_related("person", "person__home_antenna", "category", "cooperative")
        .filter(cooperative=cooperative, number=number)
        .first()
    )
    denied = HttpError(
        403, _("You may not do this for member %(code)s-%(number)d.") % {"code": code, "number": number}
    )
    if membership is None:
        if request.user.has_perm(perm, cooperative):
            raise HttpError(
                404,
                _("Cooperative %(code)s has no member number %(number)d.") % {"code": code, "number": number},
            )
        raise denied
    if not request.user.has_perm(perm, membership):
        raise denied
    return membership


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


def _movement_out(mv: ShareMovement) -> dict[str, object]:
    return {
        "operation": mv.operation,
        "kind": mv.kind,
        "share_class": mv.share_class.code,
        "shares": mv.shares_delta,
        "paid_eur": mv.paid_delta_eur,
        "effective_on": mv.effective_on,
        "note": mv.note,
    }


@router.get(
    "/cooperatives",
    response={200: list[CooperativeOut], 401: ErrorOut},
    summary="The national cooperatives whose register you may read",
)
def list_cooperatives(request: HttpRequest) -> list[dict[str, str]]:
    return [
        {
            "code": c.code,
            "name": c.display_name,
            "country": getattr(getattr(c, "profile", None), "country", ""),
            "legal_form": getattr(getattr(c, "profile", None), "legal_form", ""),
        }
        for c in cooperatives()
        if request.user.has_perm("members.view_register", c)
    ]


@router.get(
    "/cooperatives/{code}/members",
    response={200: MemberPage, **READ_ERRORS},
    summary="The register, filtered and paged (in register-number order)",
)
def list_members(request: HttpRequest, code: CodePath, filters: Query[RegisterFilters]) -> dict[str, object]:
    cooperative = _cooperative(request, code, "members.view_register")
    qs = selectors.register_queryset(
        cooperative,
        search=filters.search,
        status=filters.status,
        category=filters.category,
        antenna=filters.antenna,
    )
    page = list(qs[filters.offset : filters.offset + filters.limit])
    sums = selectors.shares_for_memberships([m.pk for m in page])
    items = [_member_out(m, *sums.get(m.pk, (0, Decimal("0.00")))) for m in page]
    return {"count": qs.count(), "limit": filters.limit, "offset": filters.offset, "items": items}


@router.get(
    "/cooperatives/{code}/members/{number}",
    response={200: MemberDetail, **READ_ERRORS},
    summary="One member, their share ledger and the history of their status",
)
def get_member(request: HttpRequest, code: CodePath, number: NumberPath) -> dict[str, object]:
    m = _membership(request, code, number, "members.view_membership")
    out = _member_out(m, *selectors.total_shares(m))
    out["movements"] = [
        _movement_out(mv) for mv in m.movements.select_related("share_class").order_by("operation", "id")
    ]
    out["events"] = [
        {
            "from_status": e.from_status,
            "to_status": e.to_status,
            "on": e.on,
            "deciding_body": e.deciding_body,
            "reason": e.reason,
        }
        for e in m.events.all()
    ]
    return out


@router.get(
    "/cooperatives/{code}/members/{number}/check",
    response={200: CheckOut, **READ_ERRORS},
    summary="May this member use a service? Every reason, in the language of Accept-Language",
)
def check_member_service(
    request: HttpRequest, code: CodePath, number: NumberPath, query: Query[CheckQuery]
) -> dict[str, object]:
    m = _membership(request, code, number, "members.view_membership")
    if not selectors.services_of(m.cooperative).filter(code=query.service).exists():
        raise invalid_field(
            "service",
            _("Cooperative %(code)s has no service %(service)s.") % {"code": code, "service": query.service},
        )
    result = selectors.check_service(m.person, m.cooperative, query.service)
    return {
        "service": query.service,
        "allowed": result.allowed,
        "required_shares": result.required_shares,
        "reasons": [{"code": r.code, "ok": r.ok, "text": explain(r)} for r in result.reasons],
    }


@router.get(
    "/cooperatives/{code}/admissions",
    response={200: list[MemberOut], **READ_ERRORS},
    summary="The admission queue: candidates, oldest application first",
)
def admission_queue(request: HttpRequest, code: CodePath) -> list[dict[str, object]]:
    cooperative = _cooperative(request, code, "members.admit_member")
    # Candidates hold no shares yet as a rule, but a subscription may precede admission: show it.
    candidates = list(selectors.admission_queue(cooperative)[:500])
    sums = selectors.shares_for_memberships([m.pk for m in candidates])
    return [_member_out(m, *sums.get(m.pk, (0, Decimal("0.00")))) for m in candidates]


@router.post(
    "/cooperatives/{code}/members/{number}/admit",
    response={200: MemberOut, **WRITE_ERRORS},
    summary="Admit a candidate (board or staff); audited",
)
def admit_member(
    request: HttpRequest, code: CodePath, number: NumberPath, payload: AdmitIn
) -> dict[str, object]:
    m = _membership(request, code, number, "members.admit_member")
    m = services.membership_admit(
        membership=m, on=payload.on, actor=request.user, deciding_body=payload.deciding_body
    )
    return _member_out(m, *selectors.total_shares(m))


@router.post(
    "/cooperatives/{code}/members/{number}/refuse",
    response={200: MemberOut, **WRITE_ERRORS},
    summary="Refuse a candidate, with the reason given to them (board or staff); audited",
)
def refuse_member(
    request: HttpRequest, code: CodePath, number: NumberPath, payload: RefuseIn
) -> dict[str, object]:
    m = _membership(request, code, number, "members.refuse_member")
    m = services.membership_refuse(
        membership=m,
        on=payload.on,
        actor=request.user,
        reason=payload.reason,
        deciding_body=payload.deciding_body,
    )
    return _member_out(m, *selectors.total_shares(m))


@router.post(
    "/cooperatives/{code}/members/{number}/movements",
    response={201: MovementRecorded, **WRITE_ERRORS},
    summary="Record a share movement after the statutory checks (staff); audited",
)
def record_movement(
    request: HttpRequest, code: CodePath, number: NumberPath, payload: MovementIn
) -> Status[dict[str, object]]:
    m = _membership(request, code, number, "members.record_share_movement")
    share_class = _share_class(m, payload.share_class, "share_class")
    to_class = _share_class(m, payload.to_class, "to_class") if payload.to_class else None
    counterparty = None
    if payload.counterparty is not None:
        counterparty = Membership.objects.filter(
            cooperative=m.cooperative, number=payload.counterparty
        ).first()
        if counterparty is None:
            raise invalid_field(
                "counterparty",
                _("Cooperative %(code)s has no member number %(number)d.")
                % {"code": code, "number": payload.counterparty},
            )
    lines = services.share_movement_record(
        membership=m,
        kind=payload.kind,
        share_class=share_class,
        on=payload.on,
        actor=request.user,
        quantity=payload.quantity,
        amount_eur=payload.amount_eur,
        counterparty=counterparty,
        to_class=to_class,
        cause=payload.cause,
        note=payload.note,
    )
    return Status(201, {"operation": lines[0].operation, "lines": [_movement_out(line) for line in lines]})


def _share_class(m: Membership, code: str, field: str) -> ShareClass:
    share_class = ShareClass.objects.filter(cooperative_id=m.cooperative_id, code=code).first()
    if share_class is None:
        raise invalid_field(
            field,
            _("Cooperative %(coop)s has no share class %(code)s.")
            % {"coop": m.cooperative.code, "code": code},
        )
    return share_class


class ApplicationIn(Schema):
    kind: Literal["natural", "legal"] = Field("natural", description="A natural person, or a legal person")
    first_name: Text = Field("", max_length=100, description="Natural persons")
    last_name: Text = Field("", max_length=100, description="Natural persons")
    legal_name: Text = Field("", max_length=200, description="Legal persons")
    representative: Text = Field("", max_length=200, description="Legal persons: who represents it")
    email: Text = Field(max_length=254, description="Where the confirmation and the decision are sent")
    language: Literal["fr", "nl", "en"] = "fr"
    address: Text = Field("", description="Postal address")
    antenna: Code | None = Field(None, description="The home antenna's code (BE-BRUXELLES…)")
    profiles: list[Profile] = Field(max_length=5, description="Stakeholder profiles (one or more)")
    category: Code | None = Field(None, description="A category code, where the cooperative has several")
    shares: int = Field(ge=1, le=MAX_SHARES, description="Shares to subscribe at admission")
    accept_statutes: bool = Field(description="The applicant accepts the statutes in force")
    applied_on: date | None = Field(None, description="The date of the application (default: today)")


class ApplicationOut(MemberOut):
    requested_shares: int
    share_class: str
    amount_eur: Decimal
    channel: str


@router.post(
    "/cooperatives/{code}/applications",
    response={201: ApplicationOut, **WRITE_ERRORS},
    summary="Record an application for membership: a new person, a candidate (staff); audited",
)
def create_application(
    request: HttpRequest, code: CodePath, payload: ApplicationIn
) -> Status[dict[str, object]]:
    cooperative = _cooperative(request, code, "members.import_register")
    broken: list[Reason] = []
    antenna = None
    if payload.antenna:
        antenna = antennas_of(cooperative).filter(code=payload.antenna).first()
        if antenna is None:
            broken.append(Reason("antenna_not_in_cooperative", False, {}))
    category = None
    if payload.category:
        category = Category.objects.filter(cooperative=cooperative, code=payload.category).first()
        if category is None:
            broken.append(Reason("category_not_in_cooperative", False, {}))
    applicant = Applicant(
        kind=payload.kind,
        email=payload.email,
        language=payload.language,
        first_name=payload.first_name,
        last_name=payload.last_name,
        legal_name=payload.legal_name,
        representative=payload.representative,
        address=payload.address,
        home_antenna=antenna,
        profiles=tuple(p.value for p in payload.profiles),
    )
    # Every problem at once: the unknown codes found here, then every rule the application breaks (a code
    # given but unknown is not reported a second time as missing).
    named = {APPLICATION_FIELDS.get(r.code) for r in broken}
    problems = application_problems(
        terms=selectors.application_terms(cooperative),
        applicant=applicant,
        category=category,
        shares=payload.shares,
        accepted_statutes=payload.accept_statutes,
    )
    broken.extend(r for r in problems if APPLICATION_FIELDS.get(r.code) not in named)
    try:
        if broken:
            raise RuleViolation(broken)
        m = membership_application_submit(
            cooperative=cooperative,
            applicant=applicant,
            category=category,
            shares=payload.shares,
            accepted_statutes=payload.accept_statutes,
            channel=MembershipApplication.Channel.API,
            actor=request.user,
            applied_on=payload.applied_on,
        )
    except RuleViolation as violation:
        raise _application_error(violation.reasons) from violation
    application = m.application
    out = _member_out(m, 0, Decimal("0.00"))
    out.update(
        {
            "requested_shares": application.requested_shares,
            "share_class": application.share_class.code,
            "amount_eur": application.amount_eur,
            "channel": application.channel,
        }
    )
    return Status(201, out)


def _application_error(reasons: tuple[Reason, ...]) -> HttpError:
    """A 422 listing every reason, each on the body's field it is about."""
    errors = [
        {"code": r.code, "text": explain(r), "field": APPLICATION_FIELDS.get(r.code) or None} for r in reasons
    ]
    error = HttpError(422, " ".join(str(e["text"]) for e in errors))
    error.errors = errors  # type: ignore[attr-defined]
    return error
