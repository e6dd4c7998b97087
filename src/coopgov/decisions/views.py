"""Pages of assemblies: parse, authorise, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopgov.decisions import charts, counting, presets, room, room_views, sections, selectors, services
from coopgov.decisions.forms import MOTION_CHOICES, vote_from_post
from coopgov.decisions.labels import reason_text, seat_text
from coopgov.decisions.models import DEFAULT_GRADES, Assembly, ElectorateEntry, Item, Proxy
from coopgov.decisions.services import DecisionRefused


def _assembly(request: HttpRequest, pk: int, perm: str = "decisions.view_assembly") -> Assembly:
    assembly = get_object_or_404(Assembly.objects.select_related("cooperative", "unit"), pk=pk)
    if not request.user.has_perm(perm, assembly):
        raise PermissionDenied
    return assembly


def _person(request: HttpRequest) -> Any:
    return getattr(request.user, "person", None)


@login_required
def assembly_list(request: HttpRequest) -> HttpResponse:
    visible = [a for a in selectors.assemblies() if request.user.has_perm("decisions.view_assembly", a)]
    rooms = room.rooms_of(request.user)
    return render(request, "decisions/list.html", {"assemblies": visible, "rooms": rooms})


@login_required
def assembly_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _assembly(request, pk)
    entry = selectors.entry_of(assembly, _person(request))
    reasons = [reason_text(r["code"], r) for r in entry.reasons] if entry else []
    board = assembly.kind == Assembly.Kind.BOARD
    if entry is None and assembly.status != Assembly.Status.DRAFT:
        reasons = [
            reason_text("no_board_seat", {"date": assembly.record_date.isoformat()})
            if board
            else reason_text("not_in_register")
        ]
    voted = selectors.voted_items(entry)
    items = [(item, voted.get(item.pk)) for item in assembly.items.order_by("order")]
    context = {
        "assembly": assembly,
        "entry": entry,
        "reasons": reasons,
        "items": items,
        "proxy_given": selectors.active_proxy_given(entry),
        "proxies_held": selectors.proxies_held(entry),
        "can_manage": request.user.has_perm("decisions.manage_assembly", assembly),
        "sites": [
            s
            for s in assembly.sites.select_related("antenna")
            if request.user.has_perm("decisions.record_room_votes", s)
        ],
        "electorate": selectors.electorate_counts(assembly)
        if request.user.has_perm("decisions.view_electorate", assembly)
        else None,
        "board": board,
        "directors": [{**row, "text": seat_text(row)} for row in selectors.board_voters(assembly)],
    }
    return render(request, "decisions/detail.html", context)


def _vote_context(item: Item) -> dict[str, Any]:
    return {
        "item": item,
        "options": list(item.options.all()),
        "motion_choices": MOTION_CHOICES,
        "grades": item.grades or DEFAULT_GRADES,
    }


@login_required
def vote(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    assembly = _assembly(request, pk, "decisions.cast_ballot")
    item = get_object_or_404(Item, pk=item_pk, assembly=assembly)
    entry = selectors.entry_of(assembly, _person(request))
    if request.method == "POST" and entry is not None:
        try:
            receipt = services.ballot_cast(
                item=item, entry=entry, content=vote_from_post(item, request.POST), actor=request.user
            )
        except DecisionRefused as refused:
            messages.error(request, refused.message)
        else:
            return render(
                request, "decisions/receipt.html", {"assembly": assembly, "item": item, "receipt": receipt}
            )
    return render(request, "decisions/vote.html", {"assembly": assembly, **_vote_context(item)})


@login_required
@require_POST
def proxy_give(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _assembly(request, pk, "decisions.cast_ballot")
    giver = selectors.entry_of(assembly, _person(request))
    number = request.POST.get("holder_number", "").strip()
    holder = ElectorateEntry.objects.filter(
        assembly=assembly, membership__number=int(number) if number.isdigit() else -1
    ).first()
    if holder is None or giver is None:
        messages.error(
            request,
            _("No member with register number %(number)s is in this assembly's electorate.")
            % {"number": number or "—"},
        )
    else:
        try:
            services.proxy_give(assembly=assembly, giver=giver, holder=holder, actor=request.user)
            messages.success(request, _("Your proxy has been given."))
        except DecisionRefused as refused:
            messages.error(request, refused.message)
    return redirect("decisions:detail", pk=assembly.pk)


@login_required
@require_POST
def proxy_revoke(request: HttpRequest, pk: int, proxy_pk: int) -> HttpResponse:
    assembly = _assembly(request, pk, "decisions.cast_ballot")
    proxy = get_object_or_404(
        Proxy, pk=proxy_pk, assembly=assembly, giver__membership__person=_person(request)
    )
    try:
        services.proxy_revoke(proxy=proxy, actor=request.user)
        messages.success(request, _("Your proxy has been revoked; you may vote yourself."))
    except DecisionRefused as refused:
        messages.error(request, refused.message)
    return redirect("decisions:detail", pk=assembly.pk)


ITEM_ACTS: dict[str, Any] = {
    "open": services.item_open,
    "close": services.item_close,
    "count": counting.item_count,
    "acclaim": counting.election_acclaim,
    "publish": services.result_publish,
}


@login_required
@require_POST
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff acts on the assembly and its items: convene, open, close, count and publish."""
    assembly = _assembly(request, pk, "decisions.manage_assembly")
    action = request.POST.get("action", "")
    item = Item.objects.filter(assembly=assembly, pk=request.POST.get("item") or 0).first()
    if action != "convene" and (item is None or action not in ITEM_ACTS):
        messages.error(request, _("Unknown action or item."))
        return redirect("decisions:detail", pk=assembly.pk)
    try:
        if action == "convene":
            services.assembly_convene(assembly=assembly, actor=request.user)
        else:
            ITEM_ACTS[action](item=item, actor=request.user)
        messages.success(request, _("Done."))
    except DecisionRefused as refused:
        messages.error(request, refused.message)
    return redirect("decisions:detail", pk=assembly.pk)


def _record_for_members(
    request: HttpRequest, assembly: Assembly, channel: str, back: str, heading: str
) -> HttpResponse:
    """A relay (room) or staff (postal) records members' votes by register number, audited on their behalf."""
    if request.method == "POST":
        item = get_object_or_404(Item, pk=request.POST.get("item") or 0, assembly=assembly)
        number = request.POST.get("member_number", "").strip()
        entry = ElectorateEntry.objects.filter(
            assembly=assembly, membership__number=int(number) if number.isdigit() else -1
        ).first()
        try:
            if entry is None:
                raise DecisionRefused(
                    "no_member",
                    _("No member with register number %(number)s is in the electorate.")
                    % {"number": number or "—"},
                )
            content = vote_from_post(item, request.POST)
            services.ballot_cast(item=item, entry=entry, content=content, actor=request.user, channel=channel)
            messages.success(request, _("Vote of member %(number)s recorded.") % {"number": number})
        except DecisionRefused as refused:
            messages.error(request, refused.message)
        return redirect(back)
    items = [_vote_context(i) for i in assembly.items.filter(status=Item.Status.OPEN).order_by("order")]
    return render(
        request, "decisions/room.html", {"assembly": assembly, "heading": heading, "open_items": items}
    )


@login_required
def postal(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff enter the postal ballots received, each for the member who sent it."""
    assembly = _assembly(request, pk, "decisions.enter_for_member")
    return _record_for_members(request, assembly, "postal", request.path, _("Postal votes"))


@login_required
def electorate(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff and board inspect the frozen electorate: who may vote and why; staff enter paper proxies."""
    assembly = _assembly(request, pk, "decisions.view_electorate")
    if request.method == "POST":
        if not request.user.has_perm("decisions.enter_for_member", assembly):
            raise PermissionDenied
        numbers = [request.POST.get(f, "").strip() for f in ("giver_number", "holder_number")]
        found = [
            ElectorateEntry.objects.filter(assembly=assembly, membership__number=int(n)).first()
            if n.isdigit()
            else None
            for n in numbers
        ]
        try:
            if found[0] is None or found[1] is None:
                raise DecisionRefused(
                    "no_member", _("Give the register numbers of two members of the electorate.")
                )
            services.proxy_give(
                assembly=assembly,
                giver=found[0],
                holder=found[1],
                actor=request.user,
                entered_by=request.user,
                paper_reference=request.POST.get("paper_reference", "").strip()[:200],
            )
            messages.success(request, _("Paper proxy recorded."))
        except DecisionRefused as refused:
            messages.error(request, refused.message)
        return redirect("decisions:electorate", pk=assembly.pk)
    page = Paginator(selectors.electorate_rows(assembly), 100).get_page(request.GET.get("page"))
    rows = [(e, [reason_text(r["code"], r) for r in e.reasons]) for e in page.object_list]
    return render(
        request,
        "decisions/electorate.html",
        {
            "assembly": assembly,
            "page": page,
            "rows": rows,
            "can_enter": request.user.has_perm("decisions.enter_for_member", assembly),
        },
    )


@login_required
def result(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    assembly = _assembly(request, pk)
    item = get_object_or_404(Item.objects.select_related("result"), pk=item_pk, assembly=assembly)
    stored = getattr(item, "result", None)
    if stored is None or (
        stored.published_at is None and not request.user.has_perm("decisions.manage_assembly", assembly)
    ):
        raise PermissionDenied
    # The preset the count stored (a result counted before presets were stored: the assembly's copy).
    preset = stored.participation.get("preset") or presets.explanation(
        presets.item_preset(item), assembly.convocation
    )
    rule = {
        "preset": preset,
        "preset_label": presets.label_of(preset) if preset else "",
        "preset_base": presets.base_text(preset["base"]) if preset else "",
    }
    special = room_views.special_result(request, assembly, item, stored, rule)
    if special is not None:  # For / Withhold, acclamation, participatory budget
        return special
    names = {o.key: o.label for o in item.options.all()}
    caption, numbers = charts.result_numbers(stored.result, names)
    context = {
        "assembly": assembly,
        "item": item,
        "stored": stored,
        "winners": [names.get(w, w) for w in stored.result.get("winners", [])],
        "caption": caption,
        "bars": charts.bars(numbers),
        "colleges": stored.result.get("explanation", {}).get("colleges", []),
        "quorum": stored.result.get("explanation", {}).get("quorum", {}),
        "stages": [
            {
                "action": stage.get("action", ""),
                "candidate": names.get(stage.get("candidate", ""), stage.get("candidate", "")),
                "elected": [names.get(c, c) for c in stage.get("elected", [])],
            }
            for stage in stored.result.get("explanation", {}).get("stages", [])
            if isinstance(stage, dict)
        ],
        "names": names,
        "delegates": sections.delegates_overview(assembly),
        **rule,
    }
    return render(request, "decisions/result.html", context)
