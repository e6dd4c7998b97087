"""coopgov create_token EMAIL: create a personal API token and print it as the last word."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopgov.accounts.models import User
from coopgov.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for an account (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="cli")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=options["email"].lower()).first()
        if user is None:
            raise CommandError(f"no account with e-mail {options['email']!r}")
        token = api_token_create(user=user, name=options["name"])
        self.stdout.write(f"API token for {user.email} (use it as 'Authorization: Bearer …'): {token}")
