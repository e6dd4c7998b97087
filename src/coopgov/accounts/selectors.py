"""Reads on accounts."""

from __future__ import annotations

from django.utils import timezone

from coopgov.accounts.models import ApiToken, User, hash_token


def user_for_api_token(raw: str) -> User | None:
    """The active user owning this token, or None; marks the token as used."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
