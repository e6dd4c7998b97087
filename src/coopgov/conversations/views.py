"""Pages of the opinion conversations: the list, opening one, reacting and submitting, the map, and
moderation: parse, authorise, call one service or selector, render."""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopgov.conversations import exporting, selectors, services
from coopgov.conversations.forms import ConversationForm, ModerationForm, ReactionForm, StatementForm
from coopgov.conversations.models import Conversation, Statement
from coopgov.organisation.models import Unit
from coopgov.organisation.selectors import units_where

FORM_FIELD = {"title": "title", "question": "question", "slug": "slug", "empty": "seeds", "too_long": "seeds"}


def _conversation(slug: str, user: Any, permission: str = "conversations.view_conversation") -> Conversation:
    conversation = selectors.conversation_by_slug(slug)
    if conversation is None:
        raise Http404(_("No conversation has the address %(slug)s.") % {"slug": slug})
    if not user.has_perm(permission, conversation):
        raise PermissionDenied
    return conversation


@login_required
def conversation_list(request: HttpRequest) -> HttpResponse:
    units = units_where(request.user, "staff").filter(kind__in=services.HOSTS).order_by("path")
    return render(
        request,
        "conversations/list.html",
        {"conversations": list(selectors.conversations_for(request.user)), "units": list(units)},
    )


@login_required
def conversation_new(request: HttpRequest, code: str) -> HttpResponse:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise Http404(_("No unit has the code %(code)s.") % {"code": code})
    if not request.user.has_perm("conversations.create_conversation", unit):
        raise PermissionDenied
    form = ConversationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conversation = services.conversation_create(
                unit=unit,
                request=services.ConversationRequest(
                    title=data["title"],
                    question=data["question"],
                    slug=data["slug"],
                    description=data["description"],
                    members_may_submit=data["members_may_submit"],
                    moderate_first=data["moderate_first"],
                    seeds=data["seeds"].splitlines(),
                ),
                actor=request.user,
            )
        except services.ConversationRefused as refused:
            form.add_error(
                FORM_FIELD.get(refused.code, "seeds" if refused.code == "duplicate" else None),
                refused.message,
            )
        else:
            messages.success(request, _("The conversation is open."))
            return redirect(conversation)
    status = 400 if request.method == "POST" else 200
    return render(request, "conversations/new.html", {"unit": unit, "form": form}, status=status)


def _detail(
    request: HttpRequest, conversation: Conversation, *, status: int = 200, error: str = "", form: Any = None
) -> HttpResponse:
    user = request.user
    can_react = user.has_perm("conversations.react", conversation)
    return render(
        request,
        "conversations/detail.html",
        {
            "conversation": conversation,
            "can_react": can_react,
            "can_submit": user.has_perm("conversations.submit_statement", conversation),
            "can_moderate": user.has_perm("conversations.moderate", conversation),
            "can_close": conversation.is_open
            and user.has_perm("conversations.close_conversation", conversation),
            "can_export": user.has_perm("conversations.export_conversation", conversation),
            "next": selectors.next_statement(conversation, user) if can_react else None,
            "remaining": selectors.remaining(conversation, user),
            "reactions": selectors.reactions_of(conversation, user),
            "mine": selectors.statements_by(conversation, user),
            "form": form or StatementForm(),
            "error": error,
        },
        status=status,
    )


@login_required
def conversation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _detail(request, _conversation(slug, request.user))


@login_required
@require_POST
def react(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = _conversation(slug, request.user)
    form = ReactionForm(request.POST)
    statement = None
    if form.is_valid():
        statement = conversation.statements.filter(pk=form.cleaned_data["statement"]).first()
    if statement is None:
        error = _("Choose agree, disagree or pass on a statement of this conversation.")
        return _detail(request, conversation, status=400, error=error)
    try:
        services.reaction_cast(statement=statement, vote=form.cleaned_data["vote"], actor=request.user)
    except services.ConversationRefused as refused:
        return _detail(
            request, conversation, status=403 if refused.code == "forbidden" else 400, error=refused.message
        )
    messages.success(request, _("Your reaction is recorded."))
    return redirect(conversation.get_absolute_url() + "#next")


@login_required
@require_POST
def statement_submit(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = _conversation(slug, request.user)
    form = StatementForm(request.POST)
    try:
        statement = services.statement_submit(
            conversation=conversation, text=form.data.get("text", ""), actor=request.user
        )
    except services.ConversationRefused as refused:
        form.is_valid()
        form.add_error("text", refused.message)
        return _detail(request, conversation, status=403 if refused.code == "forbidden" else 400, form=form)
    if statement.status == Statement.Status.PENDING:
        messages.success(request, _("Thank you: your statement will be shown once a moderator accepts it."))
    else:
        messages.success(request, _("Thank you: your statement is shown to the members."))
    return redirect(conversation)


@login_required
@require_POST
def conversation_close(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = _conversation(slug, request.user, "conversations.close_conversation")
    try:
        services.conversation_close(conversation=conversation, actor=request.user)
    except services.ConversationRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The conversation is closed; its map stays readable."))
    return redirect(conversation)


@login_required
def conversation_export(request: HttpRequest, slug: str) -> FileResponse:
    """The conversation in Polis's export format, a zip of its CSV files (``exporting``), built whole in
    a temporary file before the first byte is sent."""
    conversation = _conversation(slug, request.user, "conversations.export_conversation")
    name = f"{conversation.slug}-polis-{timezone.localdate():%Y-%m-%d}"
    # FileResponse closes (and so deletes) the file once sent; a with-block would close it first.
    archive = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        exporting.export_to_zip(conversation, archive, folder=name)
    except BaseException:
        archive.close()
        raise
    archive.seek(0)
    return FileResponse(archive, as_attachment=True, filename=f"{name}.zip", content_type="application/zip")


@login_required
def conversation_map(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = _conversation(slug, request.user)
    snapshot = selectors.latest_snapshot(conversation)
    return render(
        request,
        "conversations/map.html",
        {
            "conversation": conversation,
            "view": selectors.map_view(snapshot, request.user) if snapshot else None,
            "since": selectors.reactions_since(conversation, snapshot.computed_at) if snapshot else 0,
            "can_moderate": request.user.has_perm("conversations.moderate", conversation),
            # "Where you are" speaks to members who take part, not to an officer reading the map.
            "takes_part": selectors.takes_part(conversation, request.user),
            "svg_size": selectors.SVG_SIZE,
        },
    )


@login_required
@require_POST
def map_refresh(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = _conversation(slug, request.user, "conversations.moderate")
    services.map_request(conversation=conversation, actor=request.user)
    messages.success(request, _("The map is being computed again."))
    return redirect("conversations:map", slug=conversation.slug)


def _moderation_page(
    request: HttpRequest,
    conversation: Conversation,
    status: int = 200,
    error: str = "",
    seed_form: Any = None,
) -> HttpResponse:
    return render(
        request,
        "conversations/moderate.html",
        {
            "conversation": conversation,
            "pending": selectors.moderation_queue(conversation),
            "decided": selectors.moderated(conversation),
            "can_seed": conversation.is_open
            and request.user.has_perm("conversations.add_seed_statement", conversation),
            "seed_form": seed_form or StatementForm(),
            "error": error,
        },
        status=status,
    )


@login_required
def moderation(request: HttpRequest, slug: str) -> HttpResponse:
    return _moderation_page(request, _conversation(slug, request.user, "conversations.moderate"))


@login_required
@require_POST
def moderate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    conversation = _conversation(slug, request.user, "conversations.moderate")
    statement = conversation.statements.filter(pk=pk).first()
    if statement is None:
        raise Http404(_("No such statement in this conversation."))
    form = ModerationForm(request.POST)
    if not form.is_valid():
        return _moderation_page(request, conversation, 400, _("Choose accept or reject."))
    try:
        services.statement_moderate(
            statement=statement,
            accept=form.cleaned_data["decision"] == "accept",
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except services.ConversationRefused as refused:
        return _moderation_page(request, conversation, 400, refused.message)
    messages.success(request, _("The decision is recorded."))
    return redirect("conversations:moderate", slug=conversation.slug)


@login_required
@require_POST
def seed(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = _conversation(slug, request.user, "conversations.add_seed_statement")
    form = StatementForm(request.POST)
    try:
        services.statement_seed(conversation=conversation, text=form.data.get("text", ""), actor=request.user)
    except services.ConversationRefused as refused:
        form.is_valid()
        form.add_error("text", refused.message)
        return _moderation_page(request, conversation, 400, seed_form=form)
    messages.success(request, _("The seed statement is shown to the members."))
    return redirect("conversations:moderate", slug=conversation.slug)
