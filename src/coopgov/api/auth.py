"""API authentication: a personal token (Authorization: Bearer …) or the site's session."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

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
    """The browser's session; officers must have completed their MFA set-up, as on the site.

    The CSRF check runs only once the session is known to be valid: a request with a made-up session
    cookie is unauthenticated (401), while a signed-in browser without its CSRF token is forbidden (403).
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or officer_needs_mfa(user):
            return None
        if check_csrf(request) is not None:
            raise HttpError(403, _("The CSRF token is missing or wrong: send it as the X-CSRFToken header."))
        return user


api_auth = [TokenAuth(), SessionAuth()]
