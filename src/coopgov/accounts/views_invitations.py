"""Staff pages that open accounts for the register's persons: one member, or a cooperative's members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopgov.accounts import selectors, services
from coopgov.accounts.tasks import invite_members as invite_members_task
from coopgov.members.models import Membership
from coopgov.organisation.models import Unit

PERM = "accounts.invite_member"


def _cooperative(request: HttpRequest, code: str) -> Unit:
    cooperative = get_object_or_404(Unit, kind=Unit.Kind.COOPERATIVE, code=code)
    if not request.user.has_perm(PERM, cooperative):
        raise PermissionDenied
    return cooperative


@login_required
@require_POST
def invite_member(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """The button on a member's record: open their account (or link the one using their address)."""
    cooperative = _cooperative(request, code)
    membership = get_object_or_404(
        Membership.objects.select_related("person"), cooperative=cooperative, number=number
    )
    name = membership.person.display_name
    try:
        invitation = services.account_invite(
            person=membership.person, actor=request.user, unit=cooperative, via="site"
        )
    except services.InvitationRefused as refused:
        messages.error(request, refused.message)
    else:
        if invitation.outcome == "existing":
            messages.info(request, _("%(name)s already has an account.") % {"name": name})
        else:
            messages.success(
                request,
                _("%(name)s has an account; the invitation is on its way to %(email)s.")
                % {"name": name, "email": invitation.user.email},
            )
    return redirect("members:ledger", code=code, number=number)


@login_required
def invite_members(request: HttpRequest, code: str) -> HttpResponse:
    """Confirm, then invite every admitted member with an e-mail address and no account (in batches)."""
    cooperative = _cooperative(request, code)
    counts = selectors.invitation_counts(cooperative)
    if request.method == "POST":
        queued = counts.to_invite + counts.email_in_use
        actor_id = request.user.pk
        transaction.on_commit(lambda: invite_members_task.enqueue(cooperative.pk, actor_id, ""))
        messages.success(
            request,
            _("Invitations are being sent to %(count)d member(s) of %(cooperative)s.")
            % {"count": queued, "cooperative": cooperative.display_name},
        )
        return redirect("members:register", code=code)
    return render(request, "accounts/invite_members.html", {"cooperative": cooperative, "counts": counts})
