"""Writes on accounts: creating API tokens."""

from __future__ import annotations

from django.db import transaction

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
