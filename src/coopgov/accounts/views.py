"""Account pages: one's personal API tokens (officers create them only after their second factor)."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from coopgov.accounts import selectors, services
from coopgov.accounts.forms import ApiTokenForm
from coopgov.accounts.mfa import is_officer, session_passed_mfa
from coopgov.accounts.models import ApiToken, User


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The list and the creation form; the new token is shown once, in the answer to the POST only."""
    officer = is_officer(request.user)
    # An officer's token opens the register: it is made only in a session confirmed by a second factor.
    needs_mfa = officer and not session_passed_mfa(request)
    form = ApiTokenForm(request.POST or None, officer=officer)
    new_token = ""
    status = 200
    if request.method == "POST":
        if needs_mfa:
            status = 403
        elif form.is_valid():
            try:
                new_token = services.api_token_create(
                    user=cast(User, request.user),  # signed in: login_required
                    name=form.cleaned_data["name"],
                    expires_at=timezone.now() + timedelta(days=form.cleaned_data["days"]),
                    actor=request.user,
                )
            except services.TokenRefused as refused:
                form.add_error("days", refused.message)
            else:
                form = ApiTokenForm(officer=officer)
        if form.errors:
            status = 400
    now = timezone.now()
    tokens = [(t, selectors.api_token_in_force(t, now=now)) for t in selectors.api_tokens_of(request.user)]
    context = {
        "form": form,
        "tokens": tokens,
        "new_token": new_token,
        "officer": officer,
        "needs_mfa": needs_mfa,
        "confirm_url": f"{reverse('mfa_reauthenticate')}?next={reverse('accounts:tokens')}",
    }
    return render(request, "accounts/tokens.html", context, status=status)


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=pk, user=cast(User, request.user)).first()
    if token is None:
        raise Http404(_("You have no token with this number."))
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("The token %(prefix)s… is revoked.") % {"prefix": token.prefix})
    return redirect("accounts:tokens")
