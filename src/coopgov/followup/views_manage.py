"""Pages of the staff running a Smart in Progress cycle (create it, add themes and local groups, write
draft recommendations, open them for comment, hand them in) and the members' comments with their
moderation (ADR 0021): parse, authorise, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopgov.followup import selectors, services, views
from coopgov.followup.forms_manage import (
    CommentForm,
    CycleForm,
    DraftForm,
    HandInForm,
    HideForm,
    LocalGroupForm,
    ThemeForm,
)
from coopgov.followup.models import Cycle, RecommendationComment


def _managed(request: HttpRequest, slug: str) -> Cycle:
    try:
        cycle = selectors.cycle_for_staff(slug)
    except Cycle.DoesNotExist as missing:
        raise Http404(_("No cycle is called %(slug)s.") % {"slug": slug}) from missing
    if not request.user.has_perm("followup.manage_cycle", cycle):
        raise PermissionDenied
    return cycle


def _refused(form: Form, refused: services.FollowupRefused) -> None:
    form.add_error(refused.field if refused.field in form.fields else None, refused.message)


@login_required
def cycle_new(request: HttpRequest) -> HttpResponse:
    units = selectors.cycle_units(request.user)
    if not units.exists():
        raise PermissionDenied
    form = CycleForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not request.user.has_perm("followup.create_cycle", data["unit"]):
            raise PermissionDenied
        title, titles = form.texts("title")
        description, descriptions = form.texts("description")
        try:
            cycle = services.cycle_create(
                unit=data["unit"],
                slug=data["slug"],
                title=title,
                titles=titles,
                description=description,
                descriptions=descriptions,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                actor=request.user,
            )
        except services.FollowupRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("The cycle has been created: add its themes and local groups."))
            return redirect("followup:manage", slug=cycle.slug)
    status = 400 if form.errors else 200
    return render(request, "followup/manage/cycle_new.html", {"form": form}, status=status)


def _manage_page(
    request: HttpRequest, cycle: Cycle, theme_form: ThemeForm | None = None, group_form: Any = None
) -> HttpResponse:
    errors = bool((theme_form and theme_form.errors) or (group_form and group_form.errors))
    context = {
        "cycle": cycle,
        "themes": list(cycle.themes.all()),
        "groups": list(cycle.groups.all()),
        "theme_form": theme_form or ThemeForm(),
        "group_form": group_form or LocalGroupForm(cycle=cycle, units=selectors.group_units(cycle)),
        "in_preparation": selectors.in_preparation(cycle, request.user),
    }
    return render(request, "followup/manage/cycle.html", context, status=400 if errors else 200)


@login_required
def cycle_manage(request: HttpRequest, slug: str) -> HttpResponse:
    return _manage_page(request, _managed(request, slug))


@login_required
@require_POST
def theme_add(request: HttpRequest, slug: str) -> HttpResponse:
    cycle = _managed(request, slug)
    form = ThemeForm(request.POST)
    if form.is_valid():
        title, titles = form.texts("title")
        try:
            theme = services.theme_add(
                cycle=cycle,
                code=form.cleaned_data["code"],
                title=title,
                titles=titles,
                order=cycle.themes.count(),
                actor=request.user,
            )
        except services.FollowupRefused as refused:
            _refused(form, refused)
        else:
            messages.success(
                request, _("The theme “%(theme)s” has been added.") % {"theme": theme.display_title}
            )
            return redirect("followup:manage", slug=cycle.slug)
    return _manage_page(request, cycle, theme_form=form)


@login_required
@require_POST
def group_add(request: HttpRequest, slug: str) -> HttpResponse:
    cycle = _managed(request, slug)
    form = LocalGroupForm(request.POST, cycle=cycle, units=selectors.group_units(cycle))
    if form.is_valid():
        data = form.cleaned_data
        try:
            group = services.local_group_create(
                cycle=cycle,
                unit=data["unit"],
                name=data["name"],
                theme=data["theme"],
                secretary=data["secretary"],
                facilitator=data["facilitator"],
                actor=request.user,
            )
        except services.FollowupRefused as refused:
            _refused(form, refused)
        else:
            messages.success(
                request, _("The local group “%(group)s” has been added.") % {"group": group.name}
            )
            return redirect("followup:manage", slug=cycle.slug)
    return _manage_page(request, cycle, group_form=form)


@login_required
def draft_new(request: HttpRequest, slug: str) -> HttpResponse:
    cycle = _managed(request, slug)
    form = DraftForm(request.POST or None, cycle=cycle, bodies=selectors.bodies_for(cycle))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recommendation = services.recommendation_draft(
                cycle=cycle,
                theme=data["theme"],
                group=data["group"],
                addressed_to=data["addressed_to"],
                title=data["title"],
                text=data["text"],
                language=data["language"],
                actor=request.user,
            )
        except services.FollowupRefused as refused:
            _refused(form, refused)
        else:
            messages.success(
                request,
                _("Draft recommendation %(n)s has been saved: staff and its local group see it.")
                % {"n": recommendation.number},
            )
            return redirect(recommendation.get_absolute_url())
    status = 400 if form.errors else 200
    return render(request, "followup/manage/draft_new.html", {"cycle": cycle, "form": form}, status=status)


@login_required
@require_POST
def open_for_comment(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    recommendation = views.visible_recommendation(request, slug, number)
    if not request.user.has_perm("followup.manage_cycle", recommendation):
        raise PermissionDenied
    try:
        services.recommendation_open_for_comment(recommendation=recommendation, actor=request.user)
    except services.FollowupRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The recommendation is open for comment by the members of the unit."))
    return redirect(recommendation.get_absolute_url())


@login_required
@require_POST
def hand_in(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    recommendation = views.visible_recommendation(request, slug, number)
    if not request.user.has_perm("followup.manage_cycle", recommendation):
        raise PermissionDenied
    form = HandInForm(request.POST)
    if form.is_valid():
        try:
            services.recommendation_hand_in(
                recommendation=recommendation, on=form.cleaned_data["on"], actor=request.user
            )
        except services.FollowupRefused as refused:
            _refused(form, refused)
        else:
            messages.success(
                request,
                _("The recommendation has been handed in to %(body)s: comments are closed.")
                % {"body": recommendation.addressed_to.name},
            )
            return redirect(recommendation.get_absolute_url())
    return views.detail_page(request, recommendation, hand_in_form=form)


@login_required
@require_POST
def comment_add(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    recommendation = views.visible_recommendation(request, slug, number)
    if not request.user.has_perm("followup.comment_recommendation", recommendation):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = services.recommendation_comment_add(
                recommendation=recommendation,
                author=request.user,
                text=form.cleaned_data["text"],
                language=form.cleaned_data["language"],
            )
        except services.FollowupRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("Your comment has been published."))
            return redirect(f"{recommendation.get_absolute_url()}#comment-{comment.pk}")
    return views.detail_page(request, recommendation, comment_form=form)


@login_required
@require_POST
def comment_hide(request: HttpRequest, slug: str, number: int, pk: int) -> HttpResponse:
    recommendation = views.visible_recommendation(request, slug, number)
    comment = RecommendationComment.objects.filter(recommendation=recommendation, pk=pk).first()
    if comment is None:
        raise Http404(_("This recommendation has no such comment."))
    if not request.user.has_perm("followup.moderate_comment", comment):
        raise PermissionDenied
    form = HideForm(request.POST)
    if form.is_valid():
        try:
            services.recommendation_comment_hide(
                comment=comment, reason=form.cleaned_data["reason"], actor=request.user
            )
        except services.FollowupRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("The comment is hidden; its author has been told why."))
            return redirect(f"{recommendation.get_absolute_url()}#comment-{comment.pk}")
    return views.detail_page(request, recommendation, hide_form=form, hide_target=comment.pk)
