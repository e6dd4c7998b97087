"""coopgov invite_members CODE [--dry-run] [--actor EMAIL]: open accounts for a cooperative's members.

Every admitted member with an e-mail address and no account gets one and an invitation e-mail (ADR 0017),
in batches, in the foreground; the counts are printed. For operators at the server: the act is audited as
the command's, or as the account named by --actor, who must be staff of the cooperative or above.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopgov.accounts import selectors
from coopgov.accounts.models import User
from coopgov.accounts.services import BatchReport, accounts_invite_batch
from coopgov.accounts.tasks import BATCH_SIZE
from coopgov.organisation.models import Unit


class Command(BaseCommand):
    help = "Invite every admitted member of a cooperative who has an e-mail address and no account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="code of the cooperative (BE, FR…)")
        parser.add_argument("--dry-run", action="store_true", help="print the counts, invite nobody")
        parser.add_argument(
            "--actor", default="", help="e-mail of the staff account on whose behalf the command acts"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["code"]
        cooperative = Unit.objects.filter(kind=Unit.Kind.COOPERATIVE, code=code).first()
        if cooperative is None:
            raise CommandError(f"no cooperative with code {code!r}")
        actor: Any = "command invite_members"
        if options["actor"]:
            actor = User.objects.filter(email=options["actor"].lower(), is_active=True).first()
            if actor is None:
                raise CommandError(f"--actor: no active account with e-mail {options['actor']!r}")
            if not actor.has_perm("accounts.invite_member", cooperative):
                raise CommandError(
                    f"--actor: {actor.email} may not invite members of {cooperative.code} "
                    "(staff of the cooperative or above only)"
                )
        counts = selectors.invitation_counts(cooperative)
        self.stdout.write(
            f"{cooperative.code}: {counts.to_invite} to invite, {counts.without_email} without e-mail, "
            f"{counts.email_in_use} with an address another account uses, "
            f"{counts.with_account} with an account"
        )
        if options["dry_run"]:
            self.stdout.write("dry run: nobody invited")
            return
        ids = list(selectors.persons_to_invite(cooperative).values_list("pk", flat=True))
        report = BatchReport()
        for start in range(0, len(ids), BATCH_SIZE):
            report.add(
                accounts_invite_batch(
                    person_ids=ids[start : start + BATCH_SIZE], actor=actor, unit=cooperative, via="command"
                )
            )
        for person_id, refused_code, message in report.refused:
            self.stderr.write(f"person {person_id}: {refused_code}: {message}")
        self.stdout.write(f"invited {report.created}, linked {report.linked}, refused {len(report.refused)}")
