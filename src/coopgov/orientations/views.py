"""Pages of the rise of orientations: parse, authorise, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopgov.meetings.models import Contribution
from coopgov.organisation.models import Unit
from coopgov.orientations import charts, selectors, services
from coopgov.orientations.forms import MergeForm, RollupForm
from coopgov.orientations.services import RollupRefused
from coopgov.participation.models import Process, Proposal


def _unit(code: str) -> Unit:
    return get_object_or_404(Unit, code=code)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The group and the national cooperatives, each with how many orientations rose to it."""
    return render(request, "orientations/index.html", {"levels": selectors.levels()})


@login_required
def unit_view(request: HttpRequest, code: str) -> HttpResponse:
    """Where the orientations of a national cooperative or of the group came from, by antenna."""
    unit = _unit(code)
    orientations = selectors.orientations_of(unit)
    provenance = selectors.provenance_by_proposal([o.pk for o in orientations])
    everything = [s for o in orientations for s in provenance[o.pk]]
    totals = selectors.totals_by_antenna(everything)
    rows = [(o, selectors.totals_by_antenna(provenance[o.pk]), len(provenance[o.pk])) for o in orientations]
    context = {
        "unit": unit,
        "rows": rows,
        "totals": totals,
        "chart": charts.bar_chart([(t.unit.name, t.supports) for t in totals]),
        "sources_chart": charts.bar_chart([(t.unit.name, t.proposals + t.contributions) for t in totals]),
        "may_roll_up": request.user.has_perm("orientations.roll_up", unit)
        or any(request.user.has_perm("orientations.roll_up", c) for c in unit.children.all()),
        "may_merge": request.user.has_perm("orientations.view_duplicates", unit),
    }
    return render(request, "orientations/unit.html", context)


@login_required
def proposal_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One orientation: each source with its antenna, meeting and supports, and the totals by antenna."""
    proposal = get_object_or_404(Proposal.objects.select_related("process__unit"), pk=pk)
    sources = selectors.provenance_by_proposal([proposal.pk])[proposal.pk]
    totals = selectors.totals_by_antenna(sources)
    context = {
        "proposal": proposal,
        "sources": sources,
        "totals": totals,
        "total_supports": sum(s.supports for s in sources),
        "chart": charts.bar_chart([(t.unit.name, t.supports) for t in totals]),
    }
    return render(request, "orientations/proposal.html", context)


def _item_label(p: Proposal) -> str:
    return f"{p.process.unit.display_name} — {p.display_title} ({p.support_count})"


def _contribution_label(c: Contribution) -> str:
    return f"{c.meeting.antenna.display_name} — {c.meeting.title}: {c.title}"


@login_required
def roll_up(request: HttpRequest, code: str) -> HttpResponse:
    """Bundle items of the units below ``code`` into an orientation of ``code`` (only the items of units
    where the user is relay or staff are offered)."""
    unit = _unit(code)
    user = request.user
    source = Unit.objects.filter(code=request.GET.get("from", "")).first()
    candidates, contributions = selectors.rollup_candidates(unit, source)
    allowed_units: dict[int, bool] = {}

    def allowed(u: Unit) -> bool:
        if u.pk not in allowed_units:
            allowed_units[u.pk] = user.has_perm("orientations.roll_up", u)
        return allowed_units[u.pk]

    candidates = [p for p in candidates if allowed(p.process.unit)]
    contributions = [c for c in contributions if allowed(c.meeting.antenna)]
    if not candidates and not contributions and not user.has_perm("orientations.roll_up", unit):
        raise PermissionDenied
    processes = list(Process.objects.filter(unit=unit).order_by("-created_at"))
    orientations = selectors.roll_up_targets(unit)
    form = RollupForm(
        request.POST or None,
        proposals=[(p.pk, _item_label(p)) for p in candidates],
        contributions=[(c.pk, _contribution_label(c)) for c in contributions],
        orientations=[(o.pk, o.display_title) for o in orientations],
        processes=[(p.pk, p.display_title) for p in processes],
        initial={"language": (get_language() or "fr")[:2]},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        by_pk_p = {p.pk: p for p in candidates}
        by_pk_c = {c.pk: c for c in contributions}
        try:
            parent = services.orientation_roll_up(
                actor=user,
                proposals=[by_pk_p[i] for i in d["proposals"]],
                contributions=[by_pk_c[i] for i in d["contributions"]],
                into=next((o for o in orientations if o.pk == d["into"]), None),
                process=next((p for p in processes if p.pk == d["process"]), None),
                title=d["title"],
                body=d["body"],
                language=d["language"],
            )
        except RollupRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The items have been rolled up; their authors are notified."))
            return redirect("orientations:proposal", pk=parent.pk)
    context = {
        "unit": unit,
        "form": form,
        "source": source,
        "sources": [u for u in unit.children.order_by("name") if allowed(u) or u.children.exists()],
        "limit": selectors.CANDIDATES_SHOWN,
    }
    return render(request, "orientations/roll_up.html", context)


@login_required
def duplicates(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit(code)
    if not request.user.has_perm("orientations.view_duplicates", unit):
        raise PermissionDenied
    suggestions = selectors.stored_duplicate_suggestions(unit)
    return render(request, "orientations/duplicates.html", {"unit": unit, "suggestions": suggestions})


@login_required
@require_POST
def merge(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit(code)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose which proposal to keep."))
        return redirect("orientations:duplicates", code=unit.code)
    d = form.cleaned_data
    kept = get_object_or_404(Proposal, pk=d["kept"])
    merged = get_object_or_404(Proposal, pk=d["merged"])
    action: Any = services.duplicate_dismiss if "dismiss" in request.POST else None
    try:
        if action is not None:
            action(first=kept, second=merged, actor=request.user)
            messages.success(request, _("The pair will no longer be suggested."))
        else:
            services.duplicate_merge(kept=kept, merged=merged, score=d["score"], actor=request.user)
            messages.success(
                request, _("“%(merged)s” has been merged into “%(kept)s”.") % {"merged": merged, "kept": kept}
            )
    except RollupRefused as refused:
        messages.error(request, refused.message)
    return redirect("orientations:duplicates", code=unit.code)
