"""Pages of the room (relay), of delegation to relays, of section delegates, and of the results that
`coopgov tally` does not count (For / Withhold, acclamation, participatory budgets).

Each view authorises with a django-rules permission, reads its form, calls one service and redirects.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopgov.decisions import charts, presets, room, sections, selectors, services
from coopgov.decisions.forms import MOTION_CHOICES, vote_from_post
from coopgov.decisions.models import (
    DEFAULT_GRADES,
    Assembly,
    AssemblySite,
    ElectorateEntry,
    HandCount,
    Item,
    Presence,
    Result,
)
from coopgov.decisions.services import DecisionRefused
from coopgov.domain.budgeting import scores
from coopgov.domain.formats.pabulib import parse_pabulib, to_election
from coopgov.members.models import Membership


def _entry_by_number(assembly: Assembly, text: str) -> ElectorateEntry:
    number = text.strip()
    found = (
        ElectorateEntry.objects.filter(assembly=assembly, membership__number=int(number)).first()
        if number.isdigit()
        else None
    )
    if found is None:
        raise DecisionRefused(
            "no_member",
            _("No member with register number %(number)s is in the electorate.") % {"number": number or "—"},
        )
    return found


def _count(post: Any, name: str) -> int:
    text = post.get(name, "").strip() or "0"
    if not text.isdigit():
        raise DecisionRefused("count_not_a_number", _("Each count of hands is a whole number from 0."))
    return int(text)


def _quorum(assembly: Assembly, seen: room.Attendance) -> dict[str, Any]:
    rule = presets.rule_for(presets.resolve(assembly, assembly.preset), convocation=assembly.convocation)
    required = rule.quorum * seen.electorate
    return {
        "share": rule.quorum,
        "required": required,
        "reached": seen.present_weight >= required,
        "present": seen.present_weight,
        "electorate": seen.electorate,
    }


def _room_post(request: HttpRequest, assembly: Assembly, site: AssemblySite) -> None:
    action = request.POST.get("action", "vote")
    if action == "presence":
        entry = _entry_by_number(assembly, request.POST.get("member_number", ""))
        room.presence_record(site=site, entry=entry, actor=request.user)
        messages.success(
            request, _("Member %(number)s recorded as present.") % {"number": entry.membership.number}
        )
    elif action == "presence_remove":
        presence = get_object_or_404(Presence, pk=request.POST.get("presence") or 0, site=site)
        room.presence_remove(presence=presence, actor=request.user)
        messages.success(request, _("Presence removed."))
    elif action == "hands":
        item = get_object_or_404(Item, pk=request.POST.get("item") or 0, assembly=assembly)
        college = request.POST.get("college", "")
        room.hands_record(
            item=item,
            site=site,
            college=college,
            votes_for=_count(request.POST, "votes_for"),
            votes_against=_count(request.POST, "votes_against"),
            votes_abstain=_count(request.POST, "votes_abstain"),
            actor=request.user,
        )
        messages.success(request, _("Show of hands of collège %(college)s recorded.") % {"college": college})
    elif action == "vote":
        item = get_object_or_404(Item, pk=request.POST.get("item") or 0, assembly=assembly)
        entry = _entry_by_number(assembly, request.POST.get("member_number", ""))
        services.ballot_cast(
            item=item,
            entry=entry,
            content=vote_from_post(item, request.POST),
            actor=request.user,
            channel="room",
        )
        messages.success(
            request, _("Vote of member %(number)s recorded.") % {"number": entry.membership.number}
        )
    else:
        messages.error(request, _("Unknown action or item."))


@login_required
def room_page(request: HttpRequest, pk: int, site_pk: int) -> HttpResponse:
    """The relay of a site records who is present, show-of-hands totals per collège, and members' votes."""
    # A relay of an antenna may hold no role at the assembly's level: the site decides.
    assembly = get_object_or_404(Assembly.objects.select_related("cooperative"), pk=pk)
    site = get_object_or_404(AssemblySite.objects.select_related("antenna"), pk=site_pk, assembly=assembly)
    if not request.user.has_perm("decisions.record_room_votes", site):
        raise PermissionDenied
    if request.method == "POST":
        try:
            _room_post(request, assembly, site)
        except DecisionRefused as refused:
            messages.error(request, refused.message)
        return redirect("decisions:room", pk=assembly.pk, site_pk=site.pk)
    present = list(
        Presence.objects.filter(site=site)
        .select_related("entry__membership__person")
        .order_by("entry__membership__number")
    )
    colleges = room.electorate_colleges(assembly)
    open_items = list(
        assembly.items.filter(status=Item.Status.OPEN).prefetch_related("options").order_by("order")
    )
    counts = {(h.item_id, h.college): h for h in HandCount.objects.filter(item__in=open_items, site=site)}
    items = []
    for item in open_items:
        hands = []
        if item.kind == Item.Kind.MOTION and not item.secret:
            waiting = room.present_without_vote(item, site)
            hands = [
                {"college": c, "present": len(waiting.get(c, [])), "count": counts.get((item.pk, c))}
                for c in colleges
                if not item.college or c == item.college
            ]
        items.append(
            {
                "item": item,
                "options": list(item.options.all()),
                "motion_choices": MOTION_CHOICES,
                "grades": item.grades or DEFAULT_GRADES,
                "hands": hands,
            }
        )
    seen = room.attendance(assembly)
    context = {
        "assembly": assembly,
        "site": site,
        "present": present,
        "here": sorted(seen.in_room.get(site.pk, {}).items()),
        "seen": seen,
        "quorum": _quorum(assembly, seen),
        "open_items": items,
        "can_view": request.user.has_perm("decisions.view_assembly", assembly),
    }
    return render(request, "decisions/room_site.html", context)


@login_required
@require_POST
def delegate_to_relay(request: HttpRequest, pk: int) -> HttpResponse:
    """A member delegates their vote to the relay of their antenna's site."""
    assembly = get_object_or_404(Assembly, pk=pk)
    if not request.user.has_perm("decisions.cast_ballot", assembly):
        raise PermissionDenied
    entry = selectors.entry_of(assembly, getattr(request.user, "person", None))
    try:
        if entry is None:
            raise DecisionRefused("not_in_electorate", _("You are not in the electorate of this assembly."))
        site = room.site_of(assembly, entry)
        if site is None:
            raise DecisionRefused(
                "no_site", _("This assembly does not meet at your antenna: there is no relay to delegate to.")
            )
        room.relay_delegate(assembly=assembly, giver=entry, site=site, actor=request.user)
        messages.success(
            request,
            _("Your vote is delegated to the relay at %(antenna)s. Voting yourself overrides it.")
            % {"antenna": site.antenna.display_name},
        )
    except DecisionRefused as refused:
        messages.error(request, refused.message)
    return redirect("decisions:detail", pk=assembly.pk)


@login_required
def delegates(request: HttpRequest, pk: int) -> HttpResponse:
    """Delegates of section assemblies: staff record those a section elected; staff and board of a general
    assembly read, per section, its attendance and the members each delegate represents."""
    assembly = get_object_or_404(Assembly.objects.select_related("parent"), pk=pk)
    if not request.user.has_perm("decisions.view_electorate", assembly):
        raise PermissionDenied
    is_section = assembly.kind == Assembly.Kind.SECTION and assembly.parent_id is not None
    if request.method == "POST":
        if not is_section or not request.user.has_perm("decisions.manage_assembly", assembly):
            raise PermissionDenied
        text = request.POST.get("numbers", "").replace(",", " ").split()
        try:
            bad = [t for t in text if not t.isdigit()]
            if bad or not text:
                raise DecisionRefused(
                    "numbers", _("Give the register numbers of the delegates, separated by spaces or commas.")
                )
            by_number = {
                m.number: m
                for m in Membership.objects.filter(
                    cooperative=assembly.cooperative, number__in=[int(t) for t in text]
                )
            }
            missing = [t for t in text if int(t) not in by_number]
            if missing:
                raise DecisionRefused(
                    "no_member",
                    _("No member with register number %(number)s is in the electorate.")
                    % {"number": missing[0]},
                )
            sections.section_delegates_record(
                section=assembly, memberships=[by_number[int(t)] for t in text], actor=request.user
            )
            messages.success(request, _("Delegates recorded."))
        except DecisionRefused as refused:
            messages.error(request, refused.message)
        return redirect("decisions:delegates", pk=assembly.pk)
    overview = sections.delegates_overview(assembly.parent if assembly.parent and is_section else assembly)
    if is_section:
        overview = [row for row in overview if row["section"].pk == assembly.pk]
    return render(
        request,
        "decisions/sections_delegates.html",
        {
            "assembly": assembly,
            "is_section": is_section,
            "overview": overview,
            "can_record": is_section and request.user.has_perm("decisions.manage_assembly", assembly),
        },
    )


def special_result(
    request: HttpRequest, assembly: Assembly, item: Item, stored: Result, rule: dict[str, Any]
) -> HttpResponse | None:
    """The result page of an item `coopgov tally` does not count, or None for the usual page. ``rule``:
    the preset the result was counted under, as the usual page states it ("Rule applied")."""
    method = stored.result.get("method")
    names = {o.key: o.label for o in item.options.all()}
    context: dict[str, Any] = {
        "assembly": assembly,
        "item": item,
        "stored": stored,
        "names": names,
        **rule,
    }
    if item.kind == Item.Kind.BUDGET:
        costs = {o.key: o.cost_eur for o in item.options.all()}
        selected = stored.result.get("selected", [])
        # Support per project, read back from the published Pabulib file the result was counted from.
        support = scores(to_election(parse_pabulib(stored.ballots_file)))
        ordered = sorted(support.items(), key=lambda kv: (-kv[1], names.get(kv[0], kv[0])))
        rows = [
            {"key": k, "label": names.get(k, k), "cost": costs.get(k), "votes": n, "funded": k in selected}
            for k, n in ordered
        ]
        context.update(
            {
                "rows": rows,
                "funded": [names.get(k, k) for k in selected],
                "bars": charts.bars({names.get(k, k): float(n) for k, n in ordered}),
                "budget": stored.result.get("budget"),
                "cost": stored.result.get("cost"),
            }
        )
        return render(request, "decisions/budget_result.html", context)
    if method in ("for-withhold", "acclamation"):
        candidates: list[dict[str, Any]] = (
            stored.result.get("explanation", {}).get("candidates", []) if method == "for-withhold" else []
        )
        context.update(
            {
                "acclamation": method == "acclamation",
                "winners": [names.get(w, w) for w in stored.result.get("winners", [])],
                "rows": [{**r, "label": names.get(r["candidate"], r["candidate"])} for r in candidates],
                "bars": charts.bars(
                    {names.get(r["candidate"], r["candidate"]): float(r["for"]) for r in candidates}
                ),
                "majority": stored.result.get("explanation", {}).get("majority"),
                "strict": stored.result.get("explanation", {}).get("strict"),
                "vacant": stored.result.get("explanation", {}).get("vacant", 0),
            }
        )
        return render(request, "decisions/election_result.html", context)
    return None
