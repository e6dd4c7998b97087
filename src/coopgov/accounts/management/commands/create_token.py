"""coopgov create_token EMAIL: create a personal API token and print it as the last word.

For operators at the server; the act is audited as done by the command. A token of staff or board
expires (--days, at most 90, 90 by default) and works only while its owner has a second factor.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from coopgov.accounts.mfa import is_officer, officer_needs_mfa
from coopgov.accounts.models import User
from coopgov.accounts.services import TokenRefused, api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for an account (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="cli")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Days before the token expires (default: never for members, 90 for staff and board)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=options["email"].lower()).first()
        if user is None:
            raise CommandError(f"no account with e-mail {options['email']!r}")
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError(f"--days must be at least 1 (got {days})")
        expires_at = timezone.now() + timedelta(days=days) if days is not None else None
        try:
            token = api_token_create(
                user=user,
                name=options["name"],
                expires_at=expires_at,
                actor="command create_token",
                via="command",
            )
        except TokenRefused as refused:
            raise CommandError(f"--days: {refused.message}") from refused
        if is_officer(user) and officer_needs_mfa(user):
            self.stderr.write(
                f"{user.email} is staff or board without a second factor: the token will be refused "
                "until they set up TOTP on the site."
            )
        self.stdout.write(f"API token for {user.email} (use it as 'Authorization: Bearer …'): {token}")
