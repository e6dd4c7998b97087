"""django-allauth adapter: no open sign-up unless the installation allows it."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are created for persons of the register (import, admission); open sign-up is opt-in.
        return bool(settings.ACCOUNT_ALLOW_REGISTRATION)
