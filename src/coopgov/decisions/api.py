"""API of assemblies: list them and their items, cast and change a ballot, give and revoke a proxy, read
results. Each endpoint authorises with a django-rules permission, then calls one selector or service."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema
from ninja.errors import HttpError

from coopgov.api.errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from coopgov.decisions import presets, room, selectors, services
from coopgov.decisions.labels import reason_text
from coopgov.decisions.models import Assembly, ElectorateEntry, Item, Proxy
from coopgov.decisions.services import DecisionRefused
from coopgov.members.models import Membership
from coopgov.organisation.models import Unit
from coopgov.organisation.rules import is_board_here, is_relay_here, is_staff_here

router = Router(tags=["assemblies"])

Id = Annotated[int, Path(ge=1, le=2_147_483_647, description="An identifier (see GET /assemblies)")]


class ItemOut(Schema):
    id: int
    title: str
    kind: str
    method: str
    seats: int | None = None
    college: str | None = None
    secret: bool
    status: str


class AssemblyOut(Schema):
    id: int
    cooperative: str
    unit: str
    kind: str
    title: str
    first_convocation_at: str
    second_convocation_at: str | None
    voting_opens_at: str | None
    voting_closes_at: str | None
    record_date: str
    status: str
    items: list[ItemOut]


class ElectorateOut(Schema):
    in_electorate: bool
    reasons: list[str]


class AssemblyDetail(AssemblyOut):
    me: ElectorateOut


class BallotIn(Schema):
    vote: Any = None


class ReceiptOut(Schema):
    receipt: str


class ProxyIn(Schema):
    holder_number: int = Field(ge=1, le=2_147_483_647)


class ProxyOut(Schema):
    id: int
    holder_number: int
    given_at: str
    revoked_at: str | None


def _refused(refused: DecisionRefused) -> HttpError:
    error = HttpError(422, refused.message)
    error.errors = [{"code": refused.code, "text": refused.message, "field": None}]  # type: ignore[attr-defined]
    return error


def _assembly(request: HttpRequest, pk: int, perm: str = "decisions.view_assembly") -> Assembly:
    assembly = selectors.assemblies().filter(pk=pk).first()
    if assembly is None:
        raise HttpError(404, _("No assembly %(id)s.") % {"id": pk})
    if not request.user.has_perm(perm, assembly):
        raise HttpError(403, _("You may not do this in this assembly."))
    return assembly


def _my_entry(request: HttpRequest, assembly: Assembly) -> ElectorateEntry:
    entry = selectors.entry_of(assembly, getattr(request.user, "person", None))
    if entry is None:
        raise HttpError(403, _("You are not in the electorate of this assembly."))
    return entry


@router.get("/assemblies", response={200: list[AssemblyOut], 401: ErrorOut}, summary="Assemblies you may see")
def list_assemblies(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        selectors.assembly_summary(a)
        for a in selectors.assemblies()
        if request.user.has_perm("decisions.view_assembly", a)
    ]


class PresetOut(Schema):
    key: str
    own: bool = Field(description="One of the cooperative's own presets (its statutes), else the law's")
    label: str
    based_on: str = Field(description="The legal preset it may not go below (itself for a legal one)")
    meeting_kind: str | None = Field(
        None, description="Own presets: the kind of meeting it is the default of"
    )
    quorum_first: str
    quorum_second: str
    college_quorum: str = Field(
        "", description="A share of each collège's electorate every collège must reach; empty for none"
    )
    threshold: str
    base: str
    source: str
    statutes_article: str
    version: int | None


may_read_presets = is_staff_here | is_board_here | is_relay_here


@router.get(
    "/assemblies/presets",
    response={200: list[PresetOut], **READ_ERRORS},
    summary="The quorum and majority presets a cooperative's assemblies may use: the law's, then its own",
)
def list_presets(request: HttpRequest, cooperative: str) -> list[dict[str, Any]]:
    coop = Unit.objects.filter(code=cooperative, kind=Unit.Kind.COOPERATIVE).first()
    if coop is None:
        raise HttpError(404, _("No cooperative %(code)s.") % {"code": cooperative})
    person_id = getattr(request.user, "person_id", None)
    is_member = (
        person_id is not None and Membership.objects.filter(person_id=person_id, cooperative=coop).exists()
    )
    if not (is_member or may_read_presets.test(request.user, coop)):
        raise HttpError(403, _("You may not read the presets of this cooperative."))
    out = [presets.legal_snapshot(name) for name in presets.legal_presets_for(presets.country_of(coop))]
    for own in presets.own_presets(coop):
        out.append({**presets.own_snapshot(own), "meeting_kind": own.meeting_kind or None})
    return [{**p, "label": presets.label_of(p)} for p in out]


@router.get(
    "/assemblies/{assembly_id}",
    response={200: AssemblyDetail, **READ_ERRORS},
    summary="One assembly, its items, and whether you are in its electorate and why",
)
def get_assembly(request: HttpRequest, assembly_id: Id) -> dict[str, Any]:
    assembly = _assembly(request, assembly_id)
    entry = selectors.entry_of(assembly, getattr(request.user, "person", None))
    if entry is not None:
        reasons = [reason_text(r["code"], r) for r in entry.reasons]
    else:  # before convening nobody has an entry yet; afterwards, no entry means no membership
        reasons = [] if assembly.status == Assembly.Status.DRAFT else [reason_text("not_in_register")]
    return {
        **selectors.assembly_summary(assembly),
        "me": {"in_electorate": bool(entry and entry.eligible), "reasons": reasons},
    }


@router.post(
    "/assemblies/{assembly_id}/items/{item_id}/ballot",
    response={200: ReceiptOut, **WRITE_ERRORS},
    summary="Cast or change your ballot (the last one counts); the vote as in the JSON ballot format",
)
def cast_ballot(request: HttpRequest, assembly_id: Id, item_id: Id, payload: BallotIn) -> dict[str, str]:
    # Thousands of members cast at once (docs/adr/0006-casting-under-load.md): the service reads the item
    # (share-locked, with its assembly's voting window and unit) and finds and locks the caller's entry,
    # one query each. The permission ``decisions.cast_ballot`` is the rule ``is_in_electorate`` (an
    # eligible entry of the caller in the assembly), which that locked read decides: asking it first
    # would read the same entry twice per cast. A caller without an entry gets 403, as the rule gives.
    person_id = getattr(request.user, "person_id", None)
    if person_id is None:
        if not Assembly.objects.filter(pk=assembly_id).exists():
            raise HttpError(404, _("No assembly %(id)s.") % {"id": assembly_id})
        raise HttpError(403, _("You may not do this in this assembly."))
    try:
        receipt = services.ballot_cast(
            item=Item(pk=item_id, assembly_id=assembly_id),
            person_id=person_id,
            content=payload.vote,
            actor=request.user,
        )
    except DecisionRefused as refused:
        if refused.code == "not_in_electorate":
            if not Assembly.objects.filter(pk=assembly_id).exists():
                raise HttpError(404, _("No assembly %(id)s.") % {"id": assembly_id}) from None
            raise HttpError(403, refused.message) from None
        if refused.code == "no_item":
            raise HttpError(404, _("No item %(id)s in this assembly.") % {"id": item_id}) from None
        raise _refused(refused) from None
    return {"receipt": receipt}


def _proxy_out(proxy: Proxy) -> dict[str, Any]:
    return {
        "id": proxy.pk,
        "holder_number": proxy.holder.membership.number,
        "given_at": proxy.given_at.isoformat(),
        "revoked_at": proxy.revoked_at.isoformat() if proxy.revoked_at else None,
    }


@router.post(
    "/assemblies/{assembly_id}/proxy",
    response={200: ProxyOut, **WRITE_ERRORS},
    summary="Give your proxy to another member of the electorate, by register number",
)
def give_proxy(request: HttpRequest, assembly_id: Id, payload: ProxyIn) -> dict[str, Any]:
    assembly = _assembly(request, assembly_id, "decisions.cast_ballot")
    giver = _my_entry(request, assembly)
    holder = ElectorateEntry.objects.filter(
        assembly=assembly, membership__number=payload.holder_number
    ).first()
    if holder is None:
        raise HttpError(
            422,
            _("No member with register number %(number)s is in this assembly's electorate.")
            % {"number": payload.holder_number},
        )
    try:
        proxy = services.proxy_give(assembly=assembly, giver=giver, holder=holder, actor=request.user)
    except DecisionRefused as refused:
        raise _refused(refused) from None
    return _proxy_out(proxy)


@router.post(
    "/assemblies/{assembly_id}/proxy/{proxy_id}/revoke",
    response={200: ProxyOut, **WRITE_ERRORS},
    summary="Revoke the proxy you gave (until the assembly closes)",
)
def revoke_proxy(request: HttpRequest, assembly_id: Id, proxy_id: Id) -> dict[str, Any]:
    assembly = _assembly(request, assembly_id, "decisions.cast_ballot")
    proxy = (
        Proxy.objects.select_related("holder__membership")
        .filter(pk=proxy_id, assembly=assembly, giver=_my_entry(request, assembly))
        .first()
    )
    if proxy is None:
        raise HttpError(404, _("You gave no proxy %(id)s in this assembly.") % {"id": proxy_id})
    try:
        proxy = services.proxy_revoke(proxy=proxy, actor=request.user)
    except DecisionRefused as refused:
        raise _refused(refused) from None
    return _proxy_out(proxy)


@router.get(
    "/assemblies/{assembly_id}/items/{item_id}/result",
    response={200: dict[str, Any], **READ_ERRORS},
    summary="The published result: winners or adopted, quorum_reached, explanation, seed, inputs digest",
)
def get_result(request: HttpRequest, assembly_id: Id, item_id: Id) -> dict[str, Any]:
    assembly = _assembly(request, assembly_id)
    item = Item.objects.select_related("result").filter(pk=item_id, assembly=assembly).first()
    stored = getattr(item, "result", None) if item is not None else None
    if stored is None or (
        stored.published_at is None and not request.user.has_perm("decisions.manage_assembly", assembly)
    ):
        raise HttpError(404, _("No published result for item %(id)s.") % {"id": item_id})
    return selectors.result_json(stored)


@router.post(
    "/assemblies/{assembly_id}/delegation-to-relay",
    response={200: ProxyOut, **WRITE_ERRORS},
    summary="Delegate your vote to the relay of your antenna's site (when the assembly allows it); "
    "revoke it as a proxy, or vote yourself to override it",
)
def delegate_to_relay(request: HttpRequest, assembly_id: Id) -> dict[str, Any]:
    assembly = _assembly(request, assembly_id, "decisions.cast_ballot")
    giver = _my_entry(request, assembly)
    site = room.site_of(assembly, giver)
    try:
        if site is None:
            raise DecisionRefused(
                "no_site", _("This assembly does not meet at your antenna: there is no relay to delegate to.")
            )
        proxy = room.relay_delegate(assembly=assembly, giver=giver, site=site, actor=request.user)
    except DecisionRefused as refused:
        raise _refused(refused) from None
    return _proxy_out(proxy)
