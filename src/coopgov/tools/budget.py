"""`coopgov budget`: run a participatory-budgeting rule on a Pabulib file and print the result as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import NoReturn

from coopgov.domain.budgeting import COMPLETIONS, TIE_RULES, UTILITIES, BudgetingError, equal_shares, greedy
from coopgov.domain.formats.pabulib import PabulibError, load_election


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit code 2 (its default), never a traceback."""

    def error(self, message: str) -> NoReturn:
        print(f"coopgov budget: {message}", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="coopgov budget",
        description="Select projects from a Pabulib (.pb) file: greedy by votes or Equal Shares.",
    )
    p.add_argument("file", metavar="FILE.pb", help="a Pabulib file")
    p.add_argument("--method", choices=("greedy", "equal-shares"), required=True)
    p.add_argument(
        "--completion",
        choices=COMPLETIONS,
        default="none",
        help="equal shares only: none, add1 or add1-comparison (the names in Pabulib's rule field)",
    )
    p.add_argument(
        "--utility",
        choices=UTILITIES,
        default=None,
        help="equal shares only: cost (default for approval), approval, or points (cumulative/scoring)",
    )
    p.add_argument(
        "--no-skip",
        action="store_true",
        help="greedy only: stop at the first project that does not fit (Pabulib greedy-no-skip)",
    )
    p.add_argument(
        "--tie-break",
        choices=TIE_RULES,
        default=None,
        help="official (cost, then votes, then lottery; default for equal shares), "
        "lottery (default for greedy), or project-id (as pabutools)",
    )
    p.add_argument("--seed", default="0", help="seed of the tie-breaking lottery (recorded in the result)")
    return p


def main(argv: list[str]) -> int:
    """Parse the arguments, read the file, run the rule and print the result as JSON on stdout."""
    args = _parser().parse_args(argv)
    try:
        election, _ = load_election(args.file)
        if args.method == "greedy":
            if args.completion != "none" or args.utility is not None:
                raise BudgetingError("--completion and --utility apply to equal shares only")
            result = greedy(
                election, skip=not args.no_skip, tie_break=args.tie_break or "lottery", seed=args.seed
            )
        else:
            if args.no_skip:
                raise BudgetingError("--no-skip applies to greedy only")
            result = equal_shares(
                election,
                utility=args.utility,
                completion=args.completion,
                tie_break=args.tie_break or "official",
                seed=args.seed,
            )
    except PabulibError as exc:
        print(f"coopgov budget: {exc}", file=sys.stderr)
        return 2
    except BudgetingError as exc:
        print(f"coopgov budget: {args.file}: {exc}", file=sys.stderr)
        return 2
    out = result.to_json()
    out["seed"] = args.seed
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0
