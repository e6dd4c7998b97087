"""The `coopgov` command: the engines' own commands, else Django's manage.py."""

from __future__ import annotations

import importlib
import os
import sys

# These commands run the pure engines on files: no database, no settings, so they start fast and
# work anywhere the package is installed (for example to recount a published ballot file).
ENGINE_COMMANDS = {
    "tally": "coopgov.tools.tally",
    "budget": "coopgov.tools.budget",
    "opinions": "coopgov.tools.opinions",
    "sortition": "coopgov.tools.sortition",
}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ENGINE_COMMANDS:
        module = importlib.import_module(ENGINE_COMMANDS[args[0]])
        return int(module.main(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopgov.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["coopgov", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
