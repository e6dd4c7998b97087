"""Writes on accounts: creating and revoking personal API tokens."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from coopgov.accounts.models import ApiToken, User, hash_token
from coopgov.audit.services import audit_record


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> str:
    """Create a personal API token for ``user`` and return it (it is not stored in clear)."""
    raw = ApiToken.new_raw()
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:8], digest=hash_token(raw))
    audit_record(
        actor=user, action="api_token.created", obj=token, after={"user": user.email, "prefix": token.prefix}
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
