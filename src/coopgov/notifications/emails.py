"""E-mails of notifications, one notice or a digest, rendered in the recipient's language (text and HTML)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from coopgov.accounts.models import User
from coopgov.config.env import env_str
from coopgov.notifications import kinds
from coopgov.notifications.models import Notification


def base_url() -> str:
    """Where the platform is reached from outside, for links in e-mails (COOPGOV_BASE_URL)."""
    return (
        getattr(settings, "COOPGOV_BASE_URL", "") or env_str("COOPGOV_BASE_URL", "http://localhost:8000")
    ).rstrip("/")


def language_of(user: User) -> str:
    """The recipient's language: their account's choice, else their register person's, else the default."""
    if user.language:
        return user.language
    person = getattr(user, "person", None)
    if person is not None and person.language:
        return str(person.language)
    return str(settings.LANGUAGE_CODE)


UNSUBSCRIBE_SALT = "coopgov.notifications.unsubscribe"


def unsubscribe_token(user: User) -> str:
    """A signed, non-expiring token naming the member (links in old e-mails keep working); it only allows
    stopping that member's e-mails. Changing SECRET_KEY invalidates every token."""
    return signing.dumps({"user": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def user_of_unsubscribe_token(token: str) -> User | None:
    """The member a token names, or None for a token that was not made here (or was altered)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    user_id = data.get("user") if isinstance(data, dict) else None
    return User.objects.filter(pk=user_id).first() if isinstance(user_id, int) else None


def _absolute(url: str) -> str:
    if not url:
        return ""
    return url if url.startswith(("http://", "https://")) else base_url() + url


def _items(notifications: Sequence[Notification]) -> list[dict[str, Any]]:
    return [
        {
            "text": kinds.render(n.kind, n.params),
            "url": _absolute(n.url),
            "created_at": n.created_at,
            "group": kinds.group_of(n.kind),
        }
        for n in notifications
    ]


def _sections(items: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """A digest's notices under one heading per group, in the order of the e-mail choices page."""
    order = list(kinds.GROUP_LABELS)
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault(item["group"], []).append(item)
    ranked = sorted(groups, key=lambda g: order.index(g) if g in order else len(order))
    return [(str(kinds.GROUP_LABELS.get(g, kinds.GROUP_LABELS["notifications"])), groups[g]) for g in ranked]


def build_email(
    user: User, notifications: Sequence[Notification], period: str = "", *, total: int | None = None
) -> EmailMultiAlternatives:
    """One notice (``period`` empty) or a digest of several, in the recipient's language. Every e-mail ends
    with a link to the notices and one to change or stop the e-mails."""
    with translation.override(language_of(user)):
        items = _items(notifications)
        context: dict[str, Any] = {
            "items": items,
            "sections": _sections(items),
            "period": period,
            "more": max(0, (total or len(notifications)) - len(notifications)),
            "list_url": base_url() + reverse("notifications:list"),
            "settings_url": base_url() + reverse("notifications:preferences"),
            "unsubscribe_url": base_url()
            + reverse("notifications:unsubscribe", args=[unsubscribe_token(user)]),
        }
        if not period:
            # A subject is one line: member-written text in params may hold line breaks.
            subject = _("coopgov: %(text)s") % {"text": " ".join(items[0]["text"].split())[:120]}
        elif period == "weekly":
            subject = _("coopgov: your weekly digest (%(count)d notices)") % {
                "count": total or len(notifications)
            }
        else:
            subject = _("coopgov: your daily digest (%(count)d notices)") % {
                "count": total or len(notifications)
            }
        context["subject"] = subject
        text = render_to_string("notifications/email/notice.txt", context)
        html = render_to_string("notifications/email/notice.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    # Mail clients show an unsubscribe button from these headers (RFC 2369) and may use it in one click,
    # without signing in (RFC 8058): the link carries a signed token naming the member.
    message.extra_headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
    message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message
