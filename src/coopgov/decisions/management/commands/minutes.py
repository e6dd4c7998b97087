"""coopgov minutes --assembly ID --format odt|html [--language fr|nl|en] OUT: the minutes of an assembly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string
from django.utils import translation

from coopgov.decisions.minutes import LANGUAGES, minutes_build, odt_bytes
from coopgov.decisions.models import Assembly
from coopgov.decisions.services_manage import documents_of


class Command(BaseCommand):
    help = "Write the minutes (procès-verbal) of an assembly, from the stored data, as .odt or .html."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--assembly", type=int, required=True, help="assembly id (coopgov list_assemblies)"
        )
        parser.add_argument("--format", choices=("odt", "html"), required=True)
        parser.add_argument("--language", choices=LANGUAGES, default="fr", help="language of the minutes")
        parser.add_argument("out", help="the file to write (- for standard output, html only)")

    def handle(self, *args: Any, **options: Any) -> None:
        assembly = Assembly.objects.filter(pk=options["assembly"]).first()
        if assembly is None:
            raise CommandError(
                f"--assembly {options['assembly']}: no such assembly (see coopgov list_assemblies)"
            )
        language = options["language"]
        minutes = minutes_build(assembly, language=language, documents=documents_of(assembly))
        out = options["out"]
        if options["format"] == "odt":
            if out == "-":
                raise CommandError("OUT: an .odt file is binary; give a file name rather than -")
            data = odt_bytes(minutes)
        else:
            with translation.override(language):
                data = render_to_string("decisions/minutes_document.html", {"minutes": minutes}).encode()
            if out == "-":
                self.stdout.write(data.decode())
                return
        path = Path(out)
        if not path.parent.is_dir():
            raise CommandError(f"OUT {out}: the folder {path.parent} does not exist")
        path.write_bytes(data)
        self.stdout.write(
            f"minutes of assembly {assembly.pk} ({language}) written to {path} ({len(data)} bytes)"
        )
