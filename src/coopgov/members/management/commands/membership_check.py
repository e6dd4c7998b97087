"""coopgov membership_check --coop CODE --member NUMBER --service NAME: the answer and its reasons."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from coopgov.members.explain import explain
from coopgov.members.models import Membership, Service
from coopgov.members.selectors import check_service
from coopgov.organisation.models import Unit


class Command(BaseCommand):
    help = "Say whether a member may use a service of the cooperative, with the reasons."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--coop", required=True)
        parser.add_argument("--member", required=True, type=int, help="register number")
        parser.add_argument("--service", required=True, help="service code, e.g. invoice_client")
        parser.add_argument("--language", choices=["fr", "nl", "en"], help="default: the member's language")

    def handle(self, *args: Any, **options: Any) -> None:
        cooperative = Unit.objects.filter(kind=Unit.Kind.COOPERATIVE, code=options["coop"]).first()
        if cooperative is None:
            raise CommandError(f"no cooperative with code {options['coop']!r}")
        membership = (
            Membership.objects.select_related("person")
            .filter(cooperative=cooperative, number=options["member"])
            .first()
        )
        if membership is None:
            raise CommandError(f"no member number {options['member']} in {cooperative.code}")
        codes = list(Service.objects.filter(cooperative=cooperative).values_list("code", flat=True))
        if options["service"] not in codes:
            raise CommandError(
                f"unknown service {options['service']!r}; services of {cooperative.code}: "
                f"{', '.join(sorted(codes))}"
            )
        with translation.override(options["language"] or membership.person.language):
            result = check_service(membership.person, cooperative, options["service"])
            self.stdout.write(
                f"{'yes' if result.allowed else 'no'}: {membership.person} — {options['service']}"
            )
            for reason in result.reasons:
                self.stdout.write(f"  {'+' if reason.ok else '-'} {explain(reason)}")
