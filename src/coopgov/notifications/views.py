"""Pages of notifications: my notices (unread first, mark read, mark all read), my e-mail choices, and
the one-click page that stops the e-mails from a link in any of them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from coopgov.notifications import selectors, services
from coopgov.notifications.emails import user_of_unsubscribe_token
from coopgov.notifications.forms import PreferencesForm
from coopgov.notifications.kinds import GROUP_LABELS
from coopgov.notifications.models import Delivery, Notification

PAGE_SIZE = 30


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    items = selectors.shown(list(page.object_list))
    unread = sum(1 for item in items if item.read_at is None)
    return render(request, "notifications/list.html", {"page": page, "items": items, "unread_here": unread})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk)
    # The rule, then the owner itself: a superuser passes every rule but still reads only their own.
    if (
        not request.user.has_perm("notifications.read_notification", notification)
        or notification.recipient_id != request.user.pk
    ):
        raise PermissionDenied
    services.notification_mark_read(notification=notification, user=request.user)
    # "Open" marks read and follows the notice's link; "Mark read" stays on the list.
    target = notification.url if request.POST.get("open") else ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("%(count)d notices marked read.") % {"count": count})
    return redirect("notifications:list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    current = selectors.preferences_of(request.user)  # type: ignore[arg-type]
    initial = {"general": current[""], **{f"group_{g}": d for g, d in current.items() if g}}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.preferences_set(user=request.user, choices=form.choices_by_group())  # type: ignore[arg-type]
        messages.success(request, _("Your e-mail choices are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@csrf_exempt  # the signed token is the authority; mail clients post here in one click (RFC 8058)
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop every notification e-mail of the member the link names, without signing in: a page with one
    button (a GET never changes anything, so link scanners in mail systems cannot unsubscribe anyone)."""
    user = user_of_unsubscribe_token(token)
    if user is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    done = False
    if request.method == "POST":
        services.preferences_set(user=user, choices={"": Delivery.NONE, **dict.fromkeys(GROUP_LABELS, "")})
        done = True
    return render(request, "notifications/unsubscribe.html", {"done": done, "email": user.email})
