"""coopgov demo [--members N] [--seed S] [--no-serve]: the synthetic Smart-like cooperative, then serve it."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from coopgov.members.demo import DEMO_LOGINS, DEMO_PASSWORD, DEMO_TOTP_SECRET, generate


class Command(BaseCommand):
    help = "Generate the demo cooperative (a second run reuses it), print the logins and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--members", type=int, default=2000, help="synthetic members (0: organisation only)"
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--no-serve", action="store_true", help="set up only; do not start the web server"
        )
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["members"] < 0:
            self.stderr.write("--members must be 0 or more")
            raise SystemExit(2)
        call_command("migrate", verbosity=0, interactive=False)
        result = generate(options["members"], options["seed"])
        for code, count in result["created"].items():
            self.stdout.write(f"created {count} synthetic members in {code}")
        if options["members"] > 0:
            # The assemblies app adds a past AG with published results and an upcoming one open for voting.
            call_command("demo_assemblies", seed=options["seed"], stdout=self.stdout)
            from coopgov.participation.demo import demo_participation

            shown = demo_participation(options["seed"])
            self.stdout.write(
                f"participation: {shown['processes']} processes, {shown['proposals']} proposals, "
                f"{shown['comments']} comments, {shown['supports']} supports"
            )
            from coopgov.meetings.demo import demo_meetings

            held = demo_meetings(options["seed"])
            self.stdout.write(
                f"bilans participatifs: {held['meetings']} meetings, {held['registrations']} registrations, "
                f"{held['contributions']} contributions"
            )
            from coopgov.orientations.demo import demo_orientations

            risen = demo_orientations(options["seed"])
            self.stdout.write(f"orientations: {risen['orientations']} roll-ups, {risen['sources']} sources")
            from coopgov.followup.demo import demo_followup

            added = demo_followup(options["seed"])
            self.stdout.write(
                f"Smart in Progress follow-up: {added['recommendations']} recommendations; "
                f"{added['community_members']} community memberships"
            )
            from coopgov.conversations.demo import demo_conversations

            talked = demo_conversations(options["seed"])
            self.stdout.write(
                f"opinion conversation: {talked['statements']} statements, {talked['reactions']} reactions, "
                f"{talked['groups']} opinion groups on its map"
            )
            from coopgov.panels.demo import demo_panels

            drawn = demo_panels(options["seed"])
            self.stdout.write(
                f"panels drawn by lot: {drawn['draws']} draws, {drawn['selected']} members selected"
            )
        if options["members"] == 0:
            self.stdout.write(
                "Organisation set up (group, BE and FR with their antennas, categories, share classes and "
                "policies). Import a register with: coopgov import_register --coop BE FILE.csv"
            )
            return
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.email:24} {login.role}")
        self.stdout.write(
            f"Staff and board sign in with a TOTP code: add the secret {DEMO_TOTP_SECRET} "
            "to an authenticator app."
        )
        if not options["no_serve"]:
            self.stdout.write(f"\nServing on http://{options['addr']}/ (Ctrl-C to stop)\n")
            # The demo runs without DEBUG; --insecure lets the development server serve the stylesheet.
            call_command("runserver", options["addr"], use_reloader=False, insecure_serving=True)
