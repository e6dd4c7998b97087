"""`coopgov sortition`: draw a panel from a pool file and a quota file, print the draw as JSON."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from coopgov.domain.formats.sortition_csv import SortitionFormatError, read_sortition_files
from coopgov.domain.sortition import ALGORITHMS, SortitionError, select_panel
from coopgov.domain.sortition.draw import DEFAULT_LEGACY_RUNS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coopgov sortition",
        description="Draw a panel meeting quotas (LEXIMIN or the legacy greedy) and print each pool "
        "member's selection probability. Reads the Sortition Foundation's features.csv/people files and "
        "Flanigan et al.'s categories.csv/respondents.csv.",
    )
    parser.add_argument("pool", type=Path, help="people file (one row per pool member)")
    parser.add_argument("quotas", type=Path, help="quota file (features.csv or categories.csv)")
    parser.add_argument("--panel", type=int, required=True, help="panel size")
    parser.add_argument("--seed", type=int, required=True, help="the recorded seed of the draw")
    parser.add_argument("--algorithm", choices=ALGORITHMS, default="leximin")
    parser.add_argument(
        "--id-column", help="column holding member ids (default: the first non-feature column)"
    )
    parser.add_argument(
        "--address-columns",
        default="",
        help="comma-separated columns forming the address; members sharing one are never both selected",
    )
    parser.add_argument(
        "--legacy-runs",
        type=int,
        default=DEFAULT_LEGACY_RUNS,
        help=f"draws used to estimate the legacy probabilities (default {DEFAULT_LEGACY_RUNS})",
    )
    return parser


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """HiGHS prints its banner on file descriptor 1 from C++; keep stdout for the JSON alone."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    address_columns = [c.strip() for c in args.address_columns.split(",") if c.strip()]
    try:
        data = read_sortition_files(
            args.pool, args.quotas, id_column=args.id_column, address_columns=address_columns
        )
        with _quiet_stdout():
            draw = select_panel(
                data.pool,
                data.quotas,
                args.panel,
                seed=args.seed,
                algorithm=args.algorithm,
                legacy_runs=args.legacy_runs,
            )
    except SortitionFormatError as error:
        print(f"coopgov sortition: {error}", file=sys.stderr)
        return 2
    except SortitionError as error:
        print(f"coopgov sortition: {args.pool} with {args.quotas}: {error}", file=sys.stderr)
        return 2
    out = draw.to_json()
    out["convention"] = data.convention
    print(json.dumps(out, ensure_ascii=False))
    return 0
