"""Who must use MFA: staff and board members (and Django staff), per the security rule of the platform."""

from __future__ import annotations

from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator

from coopgov.organisation.selectors import user_holds_role_anywhere


def is_officer(user: Any) -> bool:
    """Staff and board members act on the register and on votes: they are officers."""
    return bool(user.is_staff or user.is_superuser or user_holds_role_anywhere(user, ("staff", "board")))


def officer_needs_mfa(user: Any) -> bool:
    """True while an officer has no TOTP authenticator: they must set one up first."""
    if not is_officer(user):
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_passed_mfa(request: Any) -> bool:
    """True if this session's sign-in (or a later confirmation) included a TOTP code or recovery code."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)
