"""Pages of processes and proposals: parse, authorise, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopgov.accounts.models import User
from coopgov.organisation.models import Unit
from coopgov.participation import audience, forms, selectors, services
from coopgov.participation.diff import word_diff
from coopgov.participation.features import Feature
from coopgov.participation.models import Amendment, Attachment, Comment, Component, Process, Proposal, Report
from coopgov.participation.services import ParticipationRefused


def _me(request: HttpRequest) -> User:
    """The signed-in account (every view here requires one)."""
    assert isinstance(request.user, User)
    return request.user


def _check(request: HttpRequest, perm: str, obj: Any) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _process(request: HttpRequest, pk: int) -> Process:
    process = selectors.process_by_id(pk)
    if process is None:
        raise Http404
    _check(request, "participation.view_process", process)
    return process


def _proposal(request: HttpRequest, pk: int) -> Proposal:
    proposal = selectors.proposal_for_page(pk)
    if proposal is None:
        raise Http404
    _check(request, "participation.view_process", proposal.process)
    return proposal


@login_required
def process_list(request: HttpRequest) -> HttpResponse:
    unit = Unit.objects.filter(code=request.GET.get("unit", "")).first()
    tree = selectors.processes_by_unit(unit)
    staff_units = [
        u for u in Unit.objects.order_by("path") if request.user.has_perm("participation.manage_process", u)
    ]
    return render(
        request, "participation/process_list.html", {"tree": tree, "unit": unit, "staff_units": staff_units}
    )


@login_required
def process_create(request: HttpRequest) -> HttpResponse:
    unit = get_object_or_404(Unit, code=request.GET.get("unit", ""))
    if not request.user.has_perm("participation.manage_process", unit):
        raise PermissionDenied
    form = forms.ProcessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        order = [kind for kind, _label in forms.PHASE_KIND_CHOICES if kind in data["phases"]]
        components = [Component.PROPOSALS] + ([Component.MEETINGS] if data["meetings"] else [])
        try:
            process = services.process_create(
                unit=unit,
                title=data["title"],
                slug=data["slug"],
                language=data["language"],
                description=data["description"],
                components=components,
                phases=[services.PhasePlan(kind) for kind in order],
                audience=data["audience"],
                actor=_me(request),
            )
        except ParticipationRefused as refused:
            form.add_refusal(refused)
        else:
            messages.success(request, _("The process has been created."))
            return redirect(process)
    return render(request, "participation/process_form.html", {"form": form, "unit": unit})


@login_required
def process_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    process = _process(request, pk)
    filters = selectors.ProposalFilters.from_query(request.GET)
    page = selectors.process_page(process, request.user, filters)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "p": page,
        "process": process,
        "query": query.urlencode(),
        "statuses": Proposal.Status.choices,
        "sorts": sort_labels(),
        "can_propose": request.user.has_perm("participation.propose", process),
        "can_manage": request.user.has_perm("participation.manage_process", process),
        "why": audience.explain(request.user, process),
        "audience_form": forms.AudienceForm(initial={"audience": process.audience}),
        "can_moderate": page.open_reports or request.user.has_perm("participation.moderate", process),
        "phase_form": forms.PhaseSwitchForm(phases=page.phases, initial={"phase": process.current_phase_id}),
        "features": [(f, process.feature_on(f)) for f in Feature],
        "in_force": process.phase_in_force(),
        "today": timezone.localdate(),
    }
    return render(request, "participation/process_detail.html", context)


def sort_labels() -> list[tuple[str, str]]:
    return [
        ("recent", _("Most recent")),
        ("oldest", _("Oldest")),
        ("supports", _("Most supported")),
        ("comments", _("Most commented")),
    ]


@login_required
@require_POST
def process_phase(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process(request, pk)
    _check(request, "participation.manage_process", process)
    phases = list(process.phases.all())
    form = forms.PhaseSwitchForm(request.POST, phases=phases)
    if form.is_valid():
        phase = next(p for p in phases if p.pk == form.cleaned_data["phase"])
        services.process_phase_switch(process=process, phase=phase, actor=_me(request))
        messages.success(
            request, _("The phase “%(phase)s” is now in force.") % {"phase": phase.display_title}
        )
        if phase.ends_on is not None and phase.ends_on < timezone.localdate():
            messages.warning(
                request,
                _(
                    "Its end date has passed: it stays in force until you put another phase in force "
                    "or change its dates on the calendar."
                ),
            )
    else:
        messages.error(request, _("Choose one of this process's phases."))
    return redirect(process)


@login_required
@require_POST
def process_audience(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's staff change who may propose, support and comment in the process."""
    process = _process(request, pk)
    _check(request, "participation.manage_process", process)
    form = forms.AudienceForm(request.POST)
    if form.is_valid():
        services.process_audience_set(
            process=process, audience=form.cleaned_data["audience"], actor=_me(request)
        )
        messages.success(request, _("Who may take part has been saved."))
    else:
        messages.error(request, _("Choose who may propose, support and comment."))
    return redirect(process)


@login_required
def process_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's staff set the order, dates and features of the process's phases, all or nothing."""
    process = _process(request, pk)
    _check(request, "participation.manage_process", process)
    form = forms.CalendarForm(request.POST or None, phases=list(process.phases.order_by("position")))
    if request.method == "POST":
        if form.is_valid():
            try:
                services.process_calendar_set(process=process, rows=form.plan(), actor=_me(request))
            except ParticipationRefused as refused:
                form.add_refusals(refused)
            else:
                messages.success(request, _("The calendar of the phases has been saved."))
                return redirect(process)
        return render(
            request, "participation/process_calendar.html", {"form": form, "process": process}, status=422
        )
    return render(request, "participation/process_calendar.html", {"form": form, "process": process})


@login_required
@require_POST
def follow(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind == "process":
        target: Any = _process(request, pk)
        args = {"process": target}
    else:
        target = _proposal(request, pk)
        args = {"proposal": target}
    _check(request, "participation.follow", target)
    now = request.POST.get("follow") == "1"
    services.follow_set(user=_me(request), following=now, **args)
    messages.success(request, _("You follow it now.") if now else _("You no longer follow it."))
    return redirect(target)


@login_required
def proposal_create(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process(request, pk)
    _check(request, "participation.propose", process)
    relay = request.user.has_perm("participation.enter_for_member", process)
    form = (forms.ProposalForRelayForm if relay else forms.ProposalForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        on_behalf = data.pop("on_behalf_name", "")
        me = _me(request)
        try:
            if on_behalf:  # typed by a relay for someone else: that person is the author shown
                proposal = services.proposal_create(
                    process=process, author=None, actor=me, entered_by=me, on_behalf_name=on_behalf, **data
                )
            else:
                proposal = services.proposal_create(process=process, author=me, actor=me, **data)
        except ParticipationRefused as refused:
            form.add_refusal(refused)
        else:
            if on_behalf:
                text = _("The proposal is published, marked as entered by you for %(name)s.") % {
                    "name": on_behalf
                }
            else:
                text = _("Your proposal is published. You follow it.")
            messages.success(request, text)
            return redirect(proposal)
    return render(request, "participation/proposal_form.html", {"form": form, "process": process})


@login_required
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    _check(request, "participation.edit_proposal", proposal)
    form = forms.ProposalEditForm(
        request.POST or None, initial={"title": proposal.title, "body": proposal.body}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_edit(proposal=proposal, actor=_me(request), **form.cleaned_data)
        except ParticipationRefused as refused:
            form.add_refusal(refused)
        else:
            messages.success(request, _("Your proposal has been changed."))
            return redirect(proposal)
    return render(
        request,
        "participation/proposal_form.html",
        {"form": form, "process": proposal.process, "proposal": proposal},
    )


def _proposal_context(request: HttpRequest, proposal: Proposal, **forms_given: Any) -> dict[str, Any]:
    comment_page = request.GET.get("comments", "1")
    page = selectors.proposal_page(
        proposal, request.user, int(comment_page) if comment_page.isdigit() and len(comment_page) < 7 else 1
    )
    for amendment in page.amendments:
        amendment.diff = word_diff(amendment.base_body, amendment.body)  # type: ignore[attr-defined]
    user = request.user
    can_support = user.has_perm("participation.support", proposal)
    why = audience.explain(user, proposal.process)
    return {
        "pp": page,
        "why": why,
        # The phase takes supports but the audience leaves the reader out: the page says why.
        "support_refused": not can_support
        and not why.takes_part
        and proposal.process.feature_on(Feature.SUPPORTING),
        "proposal": proposal,
        "process": proposal.process,
        "is_author": proposal.author_id == user.pk,
        "can_support": can_support,
        "can_comment": user.has_perm("participation.comment", proposal),
        "can_amend": user.has_perm("participation.amend", proposal),
        "can_edit": user.has_perm("participation.edit_proposal", proposal),
        "can_attach": user.has_perm("participation.attach", proposal),
        "can_decide": user.has_perm("participation.decide_amendment", proposal),
        "can_translate": user.has_perm("participation.translate", proposal),
        # May the reader translate anyone's comment here (their own always)? Read once, not per comment.
        "can_translate_comments": user.has_perm("participation.translate", proposal.process),
        "can_report": user.has_perm("participation.report", proposal),
        "comment_form": forms_given.get("comment_form") or forms.CommentForm(),
        "reply_form": forms.ReplyForm(),
        "attachment_form": forms_given.get("attachment_form") or forms.AttachmentForm(),
    }


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    return render(request, "participation/proposal_detail.html", _proposal_context(request, proposal))


@login_required
@require_POST
def support(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    _check(request, "participation.support", proposal)
    try:
        if request.POST.get("support") == "0":
            services.support_remove(proposal=proposal, user=_me(request))
            messages.success(request, _("You no longer support this proposal."))
        else:
            services.support_add(proposal=proposal, user=_me(request))
            messages.success(request, _("You support this proposal."))
    except ParticipationRefused as refused:
        messages.error(request, refused.message)
    return redirect(proposal)


@login_required
@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    _check(request, "participation.comment", proposal)
    form_class = forms.ReplyForm if request.POST.get("parent") else forms.CommentForm
    form = form_class(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        parent = Comment.objects.filter(pk=data.get("parent") or 0, proposal=proposal).first()
        try:
            comment = services.comment_add(
                proposal=proposal,
                author=_me(request),
                body=data["body"],
                language=data["language"],
                stance=data.get("stance", ""),
                parent=parent,
            )
        except ParticipationRefused as refused:
            form.add_refusal(refused)
        else:
            messages.success(request, _("Your comment is published."))
            return redirect(comment.get_absolute_url())
    messages.error(request, _("Your comment was not published: see the form below."))
    context = _proposal_context(request, proposal, comment_form=form)
    return render(request, "participation/proposal_detail.html", context, status=422)


@login_required
def amendment_add(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    _check(request, "participation.amend", proposal)
    form = forms.AmendmentForm(request.POST or None, initial={"body": proposal.body})
    if request.method == "POST" and form.is_valid():
        try:
            amendment = services.amendment_propose(
                proposal=proposal, author=_me(request), **form.cleaned_data
            )
        except ParticipationRefused as refused:
            form.add_refusal(refused)
        else:
            messages.success(request, _("Your amendment has been sent to the proposal's author."))
            return redirect(amendment.get_absolute_url())
    return render(request, "participation/amendment_form.html", {"form": form, "proposal": proposal})


@login_required
@require_POST
def amendment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    amendment = get_object_or_404(Amendment.objects.select_related("proposal__process__unit"), pk=pk)
    _check(request, "participation.decide_amendment", amendment)
    try:
        services.amendment_decide(
            amendment=amendment,
            accept=request.POST.get("accept") == "1",
            note=request.POST.get("note", ""),
            actor=_me(request),
        )
        messages.success(request, _("Your answer has been recorded."))
    except ParticipationRefused as refused:
        messages.error(request, refused.message)
    return redirect(amendment.get_absolute_url())


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    _check(request, "participation.attach", proposal)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(proposal=proposal, upload=form.cleaned_data["file"], actor=_me(request))
        except ParticipationRefused as refused:
            form.add_refusal(refused)
        else:
            messages.success(request, _("The file is attached."))
            return redirect(proposal)
    context = _proposal_context(request, proposal, attachment_form=form)
    return render(request, "participation/proposal_detail.html", context, status=422)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("proposal__process__unit"), pk=pk)
    proposal = attachment.proposal
    _check(request, "participation.view_process", proposal.process)
    if proposal.hidden_at is not None and not (
        proposal.author_id == request.user.pk or request.user.has_perm("participation.moderate", proposal)
    ):
        raise Http404
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)
    response["Content-Type"] = attachment.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _moderated(kind: str, pk: int) -> Proposal | Comment | Amendment:
    if kind == "proposal":
        return get_object_or_404(Proposal, pk=pk)
    if kind == "comment":
        return get_object_or_404(Comment, pk=pk)
    if kind == "amendment":
        return get_object_or_404(Amendment, pk=pk)
    raise Http404


@login_required
def report(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    target = _moderated(kind, pk)
    _check(request, "participation.report", target)
    form = forms.ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(target=target, reporter=_me(request), **form.cleaned_data)
        except ParticipationRefused as refused:
            form.add_refusal(refused)
        else:
            messages.success(request, _("Thank you: the moderators of this unit will look at it."))
            return redirect(target.get_absolute_url())
    return render(request, "participation/report_form.html", {"form": form, "target": target, "kind": kind})


@login_required
def moderation(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process(request, pk)
    _check(request, "participation.moderate", process)
    return render(
        request,
        "participation/moderation.html",
        {"process": process, "reports": selectors.open_reports(process), "form": forms.HideForm()},
    )


@login_required
@require_POST
def moderate(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    target = _moderated(kind, pk)
    _check(request, "participation.moderate", target)
    action = request.POST.get("action")
    form = forms.HideForm(request.POST)
    try:
        if action == "hide":
            if not form.is_valid():
                raise ParticipationRefused("reason", _("Give the reason the author will read."), "reason")
            services.content_hide(target=target, reason=form.cleaned_data["reason"], actor=_me(request))
            messages.success(request, _("Hidden. Its author sees it with your reason."))
        elif action == "unhide":
            services.content_unhide(target=target, actor=_me(request))
            messages.success(request, _("Shown again."))
        elif action == "dismiss":
            report = get_object_or_404(Report, pk=request.POST.get("report", 0) or 0, **{kind: target})
            services.report_dismiss(report=report, actor=_me(request))
            messages.success(request, _("The report has been dismissed."))
    except ParticipationRefused as refused:
        messages.error(request, refused.message)
    if request.POST.get("next") == "moderation":
        return redirect("participation:moderation", pk=services.proposal_of(target).process_id)
    return redirect(target.get_absolute_url())


@login_required
def translate(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    target = _moderated(kind, pk)
    if isinstance(target, Amendment):
        raise Http404
    _check(request, "participation.translate", target)
    form = forms.TranslationForm(
        request.POST or None, with_title=kind == "proposal", original_language=target.language
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.translation_add(target=target, actor=_me(request), **form.cleaned_data)
        except ParticipationRefused as refused:
            form.add_refusal(refused)
        else:
            messages.success(request, _("The translation has been added."))
            return redirect(target.get_absolute_url())
    return render(
        request, "participation/translation_form.html", {"form": form, "target": target, "kind": kind}
    )
