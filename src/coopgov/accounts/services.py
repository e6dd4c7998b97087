"""Writes on accounts: creating and revoking personal API tokens."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopgov.accounts.mfa import is_officer
from coopgov.accounts.models import OFFICER_TOKEN_MAX_DAYS, ApiToken, User, hash_token
from coopgov.audit.services import audit_record


class TokenRefused(Exception):
    """A token the rules do not allow; the message says why, for the person who asked."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str = "",
    expires_at: datetime | None = None,
    actor: Any = None,
    via: Literal["site", "command"] = "site",
) -> str:
    """Create a personal API token for ``user`` and return it (it is not stored in clear).

    An officer's token always expires, at most OFFICER_TOKEN_MAX_DAYS from now (that is also its
    default); whoever creates it — the officer on the site after their second factor, or an operator at
    the server (``via="command"``) — is the actor of the audit entry.
    """
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise TokenRefused("expiry_in_past", _("The expiry date must be in the future."))
    if is_officer(user):
        longest = now + timedelta(days=OFFICER_TOKEN_MAX_DAYS)
        if expires_at is None:
            expires_at = longest
        elif expires_at > longest:
            raise TokenRefused(
                "officer_expiry_too_far",
                _("A token of staff or board lives at most %(days)d days.")
                % {"days": OFFICER_TOKEN_MAX_DAYS},
            )
    raw = ApiToken.new_raw()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:8], digest=hash_token(raw), expires_at=expires_at
    )
    audit_record(
        actor=actor if actor is not None else user,
        action="api_token.created",
        obj=token,
        after={
            "user": user.email,
            "prefix": token.prefix,
            "name": name,
            "expires_at": expires_at,
            "via": via,
        },
    )
    return raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Any) -> ApiToken:
    """Revoke a personal API token: it stops authenticating at once; the row stays, for the record."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="api_token.revoked",
            obj=locked,
            before={"user": locked.user.email, "prefix": locked.prefix},
            after={"revoked_at": locked.revoked_at},
        )
    return locked
