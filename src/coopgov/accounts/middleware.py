"""Staff and board accounts must use a second factor (TOTP) before they reach any page."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation

from coopgov.accounts.mfa import officer_needs_mfa

# Paths a user must reach to set up the second factor, change language or log out.
EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/api/", "/favicon")


class RequireMFAForOfficersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and officer_needs_mfa(user)
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in member who has not picked a language with the switch reads pages in their own language.

    The switch's cookie wins (it is a choice made now); otherwise the account's language, then the
    browser's Accept-Language as LocaleMiddleware decided.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and getattr(user, "language", "") in dict(settings.LANGUAGES)
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
