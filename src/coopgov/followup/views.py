"""Pages of the follow-up (public: no account needed to see what became of the recommendations; drafts
and recommendations open for comment to those the rules let see them) and the participation dashboards
(staff and board of the unit): parse, authorise, call one service or selector."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopgov.followup import charts, selectors, services
from coopgov.followup.forms import AnswerForm, FilterForm, MonthsForm, RecommendationForm
from coopgov.followup.forms_manage import CommentForm, HandInForm
from coopgov.followup.models import Cycle, Recommendation, Stage
from coopgov.organisation.models import Body, Unit


def _cycle(slug: str) -> Cycle:
    try:
        return selectors.cycle_by_slug(slug)
    except Cycle.DoesNotExist as missing:
        raise Http404(_("No cycle is called %(slug)s.") % {"slug": slug}) from missing


def _recommendation(slug: str, number: int) -> Recommendation:
    try:
        return selectors.recommendation_detail(_cycle(slug), number)
    except Recommendation.DoesNotExist as missing:
        raise Http404(_("This cycle has no recommendation number %(n)s.") % {"n": number}) from missing


def cycle_list(request: HttpRequest) -> HttpResponse:
    can_start = request.user.is_authenticated and selectors.cycle_units(request.user).exists()
    return render(request, "followup/cycles.html", {"cycles": selectors.cycles(), "can_start": can_start})


def cycle_detail(request: HttpRequest, slug: str) -> HttpResponse:
    cycle = _cycle(slug)
    bodies = list(Body.objects.filter(recommendations__cycle=cycle).distinct().order_by("name"))
    form = FilterForm(request.GET or None, cycle=cycle, bodies=bodies)
    filters = selectors.Filters()
    if form.is_bound and form.is_valid():
        filters = selectors.Filters(
            status=form.cleaned_data["status"],
            theme=form.cleaned_data["theme"],
            body=form.cleaned_data["body"],
        )
    counts = selectors.status_counts(cycle, filters)
    bars, height = charts.status_bars([(c.label, c.count) for c in counts])
    return render(
        request,
        "followup/cycle.html",
        {
            "cycle": cycle,
            "form": form,
            "counts": counts,
            "total": sum(c.count for c in counts),
            "bars": bars,
            "chart_height": height,
            "recommendations": list(selectors.recommendations(cycle, filters)),
            "groups": selectors.local_groups(cycle),
            "can_submit": request.user.has_perm("followup.submit_recommendation", cycle),
            "can_manage": request.user.has_perm("followup.manage_cycle", cycle),
            "in_preparation": selectors.in_preparation(cycle, request.user),
            "filtered": filters != selectors.Filters(),
        },
    )


@login_required
def recommendation_new(request: HttpRequest, slug: str) -> HttpResponse:
    cycle = _cycle(slug)
    if not request.user.has_perm("followup.submit_recommendation", cycle):
        raise PermissionDenied
    form = RecommendationForm(request.POST or None, cycle=cycle, bodies=selectors.bodies_for(cycle))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recommendation = services.recommendation_submit(
                cycle=cycle,
                theme=data["theme"],
                group=data["group"],
                addressed_to=data["addressed_to"],
                title=data["title"],
                text=data["text"],
                language=data["language"],
                submitted_on=data["submitted_on"],
                due_on=data["due_on"],
                actor=request.user,
            )
        except services.FollowupRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(
                request, _("Recommendation %(n)s has been recorded.") % {"n": recommendation.number}
            )
            return redirect(recommendation.get_absolute_url())
    status = 400 if form.errors else 200
    return render(request, "followup/recommendation_new.html", {"cycle": cycle, "form": form}, status=status)


def visible_recommendation(request: HttpRequest, slug: str, number: int) -> Recommendation:
    """The recommendation if the reader may see it at its stage (a draft or one open for comment is not
    public): a visitor is sent to sign in, a signed-in reader without the right is refused."""
    recommendation = _recommendation(slug, number)
    if not request.user.has_perm("followup.view_recommendation", recommendation):
        if not request.user.is_authenticated:
            raise NotSignedIn
        raise PermissionDenied
    return recommendation


class NotSignedIn(Exception):
    """Raised by ``visible_recommendation`` for a visitor; the views turn it into the sign-in page."""


def recommendation_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    try:
        recommendation = visible_recommendation(request, slug, number)
    except NotSignedIn:
        return redirect_to_login(request.get_full_path())
    return detail_page(request, recommendation)


def detail_page(
    request: HttpRequest,
    recommendation: Recommendation,
    form: AnswerForm | None = None,
    *,
    comment_form: Any = None,
    hand_in_form: Any = None,
    hide_form: Any = None,
    hide_target: int | None = None,
) -> HttpResponse:
    """The recommendation page; the forms given are those that came back with errors (status 400)."""
    user = request.user
    can_answer = recommendation.is_handed_in and user.has_perm(
        "followup.answer_recommendation", recommendation
    )
    can_comment = user.has_perm("followup.comment_recommendation", recommendation)
    show_comments = user.has_perm("followup.view_comments", recommendation)
    can_manage = user.has_perm("followup.manage_cycle", recommendation)
    errors = any(f is not None and f.errors for f in (form, comment_form, hand_in_form, hide_form))
    context: dict[str, Any] = {
        "cycle": recommendation.cycle,
        "recommendation": recommendation,
        "history": list(recommendation.history.all()),
        "can_answer": can_answer,
        "form": (form or AnswerForm()) if can_answer else None,
        "following": selectors.follows(recommendation, user),
        "comments": selectors.comments(recommendation) if show_comments else [],
        "show_comments": show_comments,
        "comment_form": (comment_form or CommentForm(initial={"language": _language(request)}))
        if can_comment
        else None,
        "can_open": can_manage and recommendation.stage == Stage.DRAFT,
        "hand_in_form": (hand_in_form or HandInForm())
        if can_manage and recommendation.stage == Stage.OPEN
        else None,
        "can_moderate": show_comments and user.has_perm("followup.moderate_comment", recommendation),
        "hide_form": hide_form,
        "hide_target": hide_target,
    }
    return render(request, "followup/recommendation.html", context, status=400 if errors else 200)


def _language(request: HttpRequest) -> str:
    language = (getattr(request, "LANGUAGE_CODE", "") or "fr")[:2]
    return language if language in ("fr", "nl", "en") else "fr"


@login_required
@require_POST
def recommendation_answer(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    recommendation = _recommendation(slug, number)
    if not request.user.has_perm("followup.answer_recommendation", recommendation):
        raise PermissionDenied
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.recommendation_set_status(
                recommendation=recommendation,
                status=form.cleaned_data["status"],
                response=form.cleaned_data["response"],
                on=form.cleaned_data["on"],
                due_on=form.cleaned_data["due_on"],
                actor=request.user,
            )
        except services.FollowupRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(request, _("The answer has been recorded and the followers told."))
            return redirect(recommendation.get_absolute_url())
    return detail_page(request, recommendation, form)


@login_required
@require_POST
def recommendation_follow(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    recommendation = visible_recommendation(request, slug, number)
    services.recommendation_follow(recommendation=recommendation, user=request.user)
    messages.success(request, _("You will be told when this recommendation's status changes."))
    return redirect(recommendation.get_absolute_url())


@login_required
@require_POST
def recommendation_unfollow(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    recommendation = _recommendation(slug, number)
    services.recommendation_unfollow(recommendation=recommendation, user=request.user)
    messages.success(request, _("You no longer follow this recommendation."))
    return redirect(recommendation.get_absolute_url())


@login_required
def dashboard_index(request: HttpRequest) -> HttpResponse:
    units = selectors.dashboard_units(request.user)
    if not units:
        raise PermissionDenied
    return render(request, "followup/dashboards.html", {"units": units})


@login_required
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise Http404(_("No unit has the code %(code)s.") % {"code": code})
    if not request.user.has_perm("followup.view_dashboard", unit):
        raise PermissionDenied
    form = MonthsForm(request.GET or None)
    months = 12
    if form.is_bound and form.is_valid() and form.cleaned_data["months"]:
        months = form.cleaned_data["months"]
    stored = selectors.stored_dashboard(unit, months=months)
    if stored is None:  # never computed this month for this period: compute it once, then it is read
        services.dashboard_snapshot_refresh(unit=unit, now=timezone.now(), months=[months])
        stored = selectors.stored_dashboard(unit, months=months)
        assert stored is not None
    data = stored.dashboard
    dimensions = []
    for key, title, figures in (
        ("colleges", _("By collège"), data.colleges),
        ("profiles", _("By stakeholder profile"), data.profiles),
        ("antennas", _("By antenna"), data.antennas),
    ):
        labels = data.labels[key]
        pairs, height = charts.share_pairs(figures, labels)
        rows = [
            {
                "row": row,
                "label": labels.get(row.group, row.group),
                "columns": charts.month_columns(row.participants_by_month, data.months),
                "kinds": [row.acts_by_kind.get(kind, 0) for kind in selectors.KINDS],
                "pair": pair,
            }
            for row, pair in zip(figures.rows, pairs, strict=True)
        ]
        dimensions.append(
            {"key": key, "title": title, "figures": figures, "pairs": pairs, "height": height, "rows": rows}
        )
    return render(
        request,
        "followup/dashboard.html",
        {
            "unit": unit,
            "form": form,
            "months": data.months,
            "month_count": months,
            "dimensions": dimensions,
            "rule": data.colleges.rule,
            "floor_pct": int(data.colleges.rule.floor * 100),
            "chart_width": len(data.months) * 14,
            "computed_at": stored.computed_at,
            "can_refresh": request.user.has_perm("followup.refresh_dashboard", unit),
        },
    )


@login_required
@require_POST
def dashboard_refresh(request: HttpRequest, code: str) -> HttpResponse:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise Http404(_("No unit has the code %(code)s.") % {"code": code})
    if not request.user.has_perm("followup.refresh_dashboard", unit):
        raise PermissionDenied
    services.dashboard_refresh_request(unit=unit, actor=request.user)
    messages.success(
        request, _("The figures are being recomputed in the background: reload this page in a few minutes.")
    )
    form = MonthsForm(request.POST)
    months = form.cleaned_data["months"] if form.is_valid() and form.cleaned_data["months"] else None
    url = reverse("followup:dashboard", args=[unit.code])
    return redirect(f"{url}?months={months}" if months else url)
