"""API authentication: a personal token (Authorization: Bearer …) or the site's session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from coopgov.accounts.mfa import officer_needs_mfa
from coopgov.accounts.selectors import user_for_api_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_api_token(token)
        if user is None:
            return None
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session; officers must have completed their MFA set-up, as on the site."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not officer_needs_mfa(user):
            return user
        return None


api_auth = [TokenAuth(), SessionAuth(csrf=True)]
