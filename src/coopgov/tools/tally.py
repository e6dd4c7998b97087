"""`coopgov tally`: count a ballot file with a named method and print the result as JSON."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any, NoReturn

from coopgov.domain.formats.json_ballots import (
    BallotFile,
    approval_ballots,
    grade_ballots,
    motion_ballots,
    plurality_ballots,
    ranked_profile,
    read_ballot_file,
    score_ballots,
    spoiled_weight,
)
from coopgov.domain.voting.choice import PluralityBallot, approval, plurality, score
from coopgov.domain.voting.for_withhold import for_withhold, parse_majority
from coopgov.domain.voting.majority_judgment import majority_judgment
from coopgov.domain.voting.motion import MotionRule, tally_motion
from coopgov.domain.voting.numbers import json_number, to_fraction
from coopgov.domain.voting.result import TallyResult

METHODS = (
    "plurality",
    "approval",
    "score",
    "majority-judgment",
    "schulze",
    "ranked-pairs",
    "irv",
    "stv-scottish",
    "stv-meek",
    "motion",
    "for-withhold",
    "greedy",
    "equal-shares",
)
#: Participatory budgets, counted from a Pabulib file as `coopgov budget` counts it with the options an
#: assembly's participatory budget is counted with (coopgov.decisions.counting.BUDGET_OPTIONS).
BUDGET_METHODS = ("greedy", "equal-shares")
RANKED_METHODS = {
    # method: (module, function, takes seats)
    "schulze": ("coopgov.domain.voting.ranked", "schulze", False),
    "ranked-pairs": ("coopgov.domain.voting.ranked", "ranked_pairs", False),
    "irv": ("coopgov.domain.voting.ranked", "irv", False),
    "stv-scottish": ("coopgov.domain.voting.stv", "scottish_stv", True),
    "stv-meek": ("coopgov.domain.voting.stv", "meek_stv", True),
}
# What each JSON ballot kind can be counted with, for the error message when it cannot.
KIND_METHODS = {
    "motion": ("motion",),
    "plurality": ("plurality",),
    "approval": ("approval",),
    "score": ("score", "for-withhold"),
    "grades": ("majority-judgment",),
    "ranked": ("plurality", *RANKED_METHODS),
}
PREFLIB_EXTENSIONS = {".soc", ".soi", ".toc", ".toi"}


class UsageError(Exception):
    """A command-line or input problem, reported as one line on stderr with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see coopgov tally --help)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="coopgov tally",
        description="Count a ballot file and print the result as JSON (winners, ranking, explanation).",
        epilog=(
            "for-withhold counts score ballots (1 = For, 0 = Withhold, a candidate left out = no opinion; "
            "any other mark makes the ballot null) and confirms a candidate whose For reaches the file's "
            '"majority" share of For + Withhold (more than half for 1/2, at least the share otherwise; '
            "--majority overrides, default 1/2). greedy and equal-shares count a participatory budget "
            "from a Pabulib .pb file as an assembly counts it (greedy: skipping projects that do not fit, "
            "ties by the seeded lottery; equal-shares: cost utility, add1 completion, official ties); "
            "`coopgov budget` offers the other options."
        ),
    )
    parser.add_argument("--method", required=True, choices=METHODS, help="the counting rule")
    parser.add_argument("--seats", type=int, help="places to fill (default: from the file, else 1)")
    parser.add_argument("--seed", default="0", help="seed of the tie-breaking lottery (default 0)")
    parser.add_argument(
        "--majority",
        help="for-withhold: the share of For + Withhold a candidate needs, such as 1/2 or 2/3 "
        '(default: the file\'s "majority", else 1/2)',
    )
    parser.add_argument(
        "file",
        help="ballot file: .json (coopgov), .soc/.soi/.toc/.toi (PrefLib), .csv (Scottish), "
        ".pb (Pabulib, for greedy and equal-shares)",
    )
    return parser


def _ranked_rule(method: str) -> tuple[Callable[..., TallyResult], bool]:
    module_name, function_name, takes_seats = RANKED_METHODS[method]
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise UsageError(f"method {method} is not available in this installation") from None
    return getattr(module, function_name), takes_seats


def _read_ranked_file(path: Path) -> Any:
    if path.suffix.lower() == ".csv":
        module_name, function_name = "coopgov.domain.formats.scottish", "read_scottish_csv"
    else:
        module_name, function_name = "coopgov.domain.formats.preflib", "read_preflib"
    try:
        reader = getattr(importlib.import_module(module_name), function_name)
    except ImportError:
        raise UsageError("this file type cannot be read in this installation") from None
    return reader(path)


def _first_preferences(profile: Any) -> tuple[list[str], list[PluralityBallot], Fraction]:
    """Plurality from rankings: each ballot counts for its single first choice; a ballot that ties
    several candidates first, or ranks nobody, is null (reported)."""
    import numpy as np

    ranks = profile.ranks
    weights = profile.weights
    at_top = ranks == 0
    single = at_top.sum(axis=1) == 1
    first = np.argmax(at_top, axis=1)
    votes = np.bincount(first[single], weights=weights[single], minlength=profile.n_candidates)
    ids = list(profile.candidate_ids)
    ballots = [
        PluralityBallot(choice=ids[i], weight=to_fraction(float(votes[i])))
        for i in range(len(ids))
        if votes[i]
    ]
    return ids, ballots, to_fraction(float(weights[~single].sum()))


def _count_json(
    method: str, ballot_file: BallotFile, seats: int, seed: str, majority: Fraction | None = None
) -> TallyResult:
    kind = ballot_file.kind
    if method not in KIND_METHODS[kind]:
        raise UsageError(
            f"method {method} cannot count {kind} ballots; use {' or '.join(KIND_METHODS[kind])}"
        )
    if method == "motion":
        return tally_motion(
            motion_ballots(ballot_file), ballot_file.rule or MotionRule(), electorate=ballot_file.electorate
        )
    cands = ballot_file.candidates
    if method == "for-withhold":
        return for_withhold(
            cands,
            score_ballots(ballot_file),
            seats=seats,
            majority=majority or ballot_file.majority or Fraction(1, 2),
            seed=seed,
        )
    if method == "plurality" and kind == "ranked":
        ids, ballots, null = _first_preferences(ranked_profile(ballot_file))
        result = plurality(ids, ballots, seats=seats, seed=seed)
        return _with(result, {"derived": "first preferences of the rankings", "null": json_number(null)})
    if method == "plurality":
        return plurality(cands, plurality_ballots(ballot_file), seats=seats, seed=seed)
    if method == "approval":
        return approval(
            cands,
            approval_ballots(ballot_file),
            seats=seats,
            min_choices=ballot_file.min_choices,
            max_choices=ballot_file.max_choices,
            seed=seed,
        )
    if method == "score":
        return score(
            cands,
            score_ballots(ballot_file),
            seats=seats,
            min_score=ballot_file.min_score,
            max_score=ballot_file.max_score,
            seed=seed,
        )
    if method == "majority-judgment":
        return majority_judgment(
            cands, ballot_file.grades, grade_ballots(ballot_file), seats=seats, seed=seed
        )
    return _count_ranked(method, ranked_profile(ballot_file), seats, seed)


def _count_ranked(method: str, profile: Any, seats: int, seed: str) -> TallyResult:
    if method == "plurality":
        ids, ballots, null = _first_preferences(profile)
        result = plurality(ids, ballots, seats=seats, seed=seed)
        return _with(result, {"derived": "first preferences of the rankings", "null": json_number(null)})
    if method not in RANKED_METHODS:
        raise UsageError(
            f"method {method} needs {'motion' if method == 'motion' else 'graded, scored or approval'} "
            f"ballots; this file holds rankings (use plurality, {', '.join(RANKED_METHODS)})"
        )
    function, takes_seats = _ranked_rule(method)
    if takes_seats:
        return function(profile, seats, seed=seed)
    if seats != 1:
        raise UsageError(
            f"method {method} elects one candidate; for {seats} seats use stv-scottish or stv-meek"
        )
    return function(profile, seed=seed)


def _with(result: TallyResult, extra: dict[str, Any]) -> TallyResult:
    return TallyResult(
        method=result.method,
        winners=result.winners,
        ranking=result.ranking,
        adopted=result.adopted,
        explanation={**result.explanation, **extra},
        tie_breaks=result.tie_breaks,
    )


def _count_budget(method: str, path: Path, seed: str) -> dict[str, Any]:
    """A participatory budget from a Pabulib file: the keys `coopgov budget` prints, plus ``winners``
    (the selected projects, the key every count prints)."""
    from coopgov.domain.budgeting import equal_shares, greedy
    from coopgov.domain.formats.pabulib import load_election

    if not path.is_file():
        raise UsageError("no such file")
    election, _pb = load_election(path)
    if method == "greedy":
        counted = greedy(election, skip=True, tie_break="lottery", seed=seed)
    else:
        counted = equal_shares(election, completion="add1", tie_break="official", seed=seed)
    out = counted.to_json()
    out["winners"] = out["selected"]
    out["seed"] = seed
    out["file"] = str(path)
    return out


def tally_file(
    method: str,
    path: Path,
    *,
    seats: int | None = None,
    seed: str = "0",
    majority: str | None = None,
) -> dict[str, Any]:
    """Read ``path`` by its extension, count it with ``method`` and return the JSON-ready result.

    Raises UsageError (a method that cannot count this file) or ValueError/OSError from the readers and
    the rules, each with a message meant for people.
    """
    suffix = path.suffix.lower()
    if seats is not None and seats < 1:
        raise UsageError("--seats must be at least 1")
    share = None
    if majority is not None:
        if method != "for-withhold":
            raise UsageError("--majority applies to for-withhold only")
        try:
            share = parse_majority(majority)
        except ValueError as error:
            raise UsageError(f"--majority: {error}") from None
    if (method in BUDGET_METHODS) != (suffix == ".pb"):
        if suffix == ".pb":
            raise UsageError(
                f"a Pabulib file holds a participatory budget; count it with {' or '.join(BUDGET_METHODS)}"
            )
        raise UsageError(f"method {method} counts a participatory budget: give a Pabulib .pb file")
    if suffix == ".pb":
        if seats is not None:
            raise UsageError("--seats does not apply to a participatory budget (its budget decides)")
        return _count_budget(method, path, seed)
    if suffix == ".json":
        ballot_file = read_ballot_file(path)
        n_seats = seats or ballot_file.seats or 1
        result = _count_json(method, ballot_file, n_seats, seed, share)
        spoiled = spoiled_weight(ballot_file)
        if spoiled and ballot_file.kind != "motion":
            result = _with(result, {"spoiled_in_file": json_number(spoiled)})
    elif suffix in PREFLIB_EXTENSIONS or suffix == ".csv":
        if method in ("approval", "score", "majority-judgment", "motion", "for-withhold"):
            raise UsageError(
                f"method {method} cannot count rankings; use plurality (first preferences), "
                f"{', '.join(RANKED_METHODS)}"
            )
        if not path.is_file():
            raise UsageError("no such file")
        profile = _read_ranked_file(path)
        n_seats = seats or profile.seats or 1
        result = _count_ranked(method, profile, n_seats, seed)
    else:
        raise UsageError(
            f"unknown file type {suffix or '(none)'}; expected .json, .soc, .soi, .toc, .toi, .csv or .pb"
        )
    out = result.to_json()
    out["seats"] = n_seats
    out["seed"] = seed
    out["file"] = str(path)
    return out


def main(argv: list[str]) -> int:
    """Entry point of `coopgov tally`: prints the result as JSON, or one error line and exits with 2."""
    try:
        args = _parser().parse_args(argv)
    except UsageError as error:
        print(f"coopgov tally: {error}", file=sys.stderr)
        return 2
    try:
        out = tally_file(
            args.method, Path(args.file), seats=args.seats, seed=args.seed, majority=args.majority
        )
    except UsageError as error:
        print(f"coopgov tally: {args.file}: {error}", file=sys.stderr)
        return 2
    except (ValueError, OSError) as error:
        # The readers' messages already name the file and line.
        text = " ".join(str(error).split()) or type(error).__name__
        if args.file not in text:
            text = f"{args.file}: {text}"
        print(f"coopgov tally: {text}", file=sys.stderr)
        return 2
    try:
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # the reader (say, `| head`) stopped early: not an error of the count
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
