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
from coopgov.accounts.selectors import api_token_check


def _refused(code: str, text: str) -> HttpError:
    error = HttpError(401, text)
    error.errors = [{"code": code, "text": text, "field": None}]  # type: ignore[attr-defined]
    return error


class TokenAuth(HttpBearer):
    """A personal token. A known token refused by the rules says why (401); an unknown one does not."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        check = api_token_check(token)
        if check.user is not None:
            request.user = check.user
            return check.user
        if check.refusal == "revoked":
            raise _refused(
                "token_revoked",
                _("This token was revoked: create a new one under your account's API tokens."),
            )
        if check.refusal == "expired":
            on = check.expired_at.date().isoformat() if check.expired_at else ""
            raise _refused(
                "token_expired",
                _("This token expired on %(date)s: create a new one under your account's API tokens.")
                % {"date": on},
            )
        if check.refusal == "officer_without_mfa":
            raise _refused(
                "officer_without_mfa",
                _(
                    "Staff and board tokens work only while the account has a second factor (TOTP): "
                    "set it up again on the site."
                ),
            )
        return None


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
