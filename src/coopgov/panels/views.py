"""Pages of the member panels: the draws a user may see, the form to draw one, and a draw with the panel,
the rule applied and each member's chance: parse, authorise, call one service or selector."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopgov.organisation.models import Unit
from coopgov.organisation.selectors import units_where
from coopgov.panels import selectors, services
from coopgov.panels.forms import DrawForm
from coopgov.panels.models import FEATURES, Draw

DRAWABLE = (Unit.Kind.GROUP, Unit.Kind.COOPERATIVE, Unit.Kind.ANTENNA)


@login_required
def draw_list(request: HttpRequest) -> HttpResponse:
    units = units_where(request.user, "staff").filter(kind__in=DRAWABLE).order_by("path")
    return render(
        request,
        "panels/draws.html",
        {"draws": list(selectors.draws_for(request.user)), "units": list(units)},
    )


def _unit(code: str) -> Unit:
    try:
        return Unit.objects.get(code=code)
    except Unit.DoesNotExist as missing:
        raise Http404(_("No unit has the code %(code)s.") % {"code": code}) from missing


@login_required
def draw_new(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit(code)
    if not request.user.has_perm("panels.request_draw", unit):
        raise PermissionDenied
    form = DrawForm(request.POST or None)
    pool = selectors.pool(unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draw = services.draw_request(
                unit=unit,
                request=services.DrawRequest(
                    title=data["title"],
                    purpose=data["purpose"],
                    panel_size=data["panel_size"],
                    features=tuple(data["features"]),
                    quotas_text=data["quotas"],
                    algorithm=data["algorithm"],
                    separate_households=data["separate_households"],
                    seed=data["seed"],
                ),
                actor=request.user,
            )
        except services.PanelRefused as refused:
            form.add_error(
                "quotas" if refused.code.startswith(("quota", "infeasible")) else None, refused.message
            )
        else:
            messages.success(request, _("The draw is recorded with its seed."))
            return redirect(draw)
    return render(
        request,
        "panels/draw_new.html",
        {
            "unit": unit,
            "form": form,
            "pool_size": len(pool),
            "counts": [(FEATURES[f], f, values) for f, values in selectors.pool_counts(pool).items()],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draw = Draw.objects.select_related("unit").filter(pk=pk).first()
    if draw is None:
        raise Http404(_("No such draw."))
    if not request.user.has_perm("panels.view_draw", draw):
        raise PermissionDenied
    mine = selectors.candidate_of(draw, request.user)
    fair_share = draw.panel_size / draw.pool_size if draw.pool_size else None
    panel = list(selectors.selected(draw))
    return render(
        request,
        "panels/draw.html",
        {
            "draw": draw,
            "feature_names": [FEATURES[f] for f in draw.features],
            "mine": mine,
            "my_values": [(FEATURES[f], mine.features.get(f, "")) for f in draw.features] if mine else [],
            "fair_share": fair_share,
            "panel": [(c, [c.features.get(f, "") for f in draw.features]) for c in panel],
            "answers": selectors.answer_counts(panel),
            "quotas": selectors.quota_outcome(draw),
            "types": selectors.types(draw)
            if request.user.has_perm("panels.view_probabilities", draw)
            else None,
        },
    )


@login_required
@require_POST
def draw_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """A selected member accepts or declines to sit on the panel."""
    draw = Draw.objects.select_related("unit").filter(pk=pk).first()
    if draw is None:
        raise Http404(_("No such draw."))
    if not request.user.has_perm("panels.respond", draw):
        raise PermissionDenied
    accept = request.POST.get("answer") == "accept"
    if request.POST.get("answer") not in ("accept", "decline"):
        messages.error(request, _("Choose whether you accept or decline."))
        return redirect(draw)
    try:
        services.panel_respond(draw=draw, user=request.user, accept=accept)
    except services.PanelRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("Thank you: you take part in the panel.")
            if accept
            else _("Your answer is recorded: you do not take part in the panel."),
        )
    return redirect(draw)
