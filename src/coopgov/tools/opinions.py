"""`coopgov opinions`: the opinion map of a Polis conversation export, printed as JSON."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from coopgov.domain.formats.polis import (
    PolisFormatError,
    polis_mod_out,
    read_comments,
    read_vote_history,
    read_votes_file,
)
from coopgov.domain.opinion import (
    OpinionMap,
    PolisParameters,
    VoteMatrix,
    opinion_map,
    polis_in_conv_history,
    replay_opinion_map,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coopgov opinions",
        description="Opinion map (Polis method): groups, representative statements, consensus, coordinates.",
    )
    parser.add_argument("comments", help="the conversation's comments.csv")
    parser.add_argument("votes", help="votes.csv, or participants-votes.csv where votes.csv is absent")
    parser.add_argument("--format", choices=["json"], default="json", help="output format (json)")
    parser.add_argument(
        "--min-votes", type=int, default=7, help="votes a participant needs to be placed in a group"
    )
    parser.add_argument("--max-groups", type=int, default=5, help="largest number of groups (2..5 in Polis)")
    parser.add_argument(
        "--replay-hours",
        type=float,
        default=None,
        help="rebuild the map update after update, as Polis did, one update per this many hours of "
        "votes (needs votes.csv, whose timestamps give the history)",
    )
    parser.add_argument(
        "--in-conv-history",
        action="store_true",
        help="also place in groups the participants Polis's in-conv rule let in earlier in the "
        "conversation (the most active while fewer than 15 had 7 votes; needs votes.csv)",
    )
    return parser


def _number(x: float) -> float | None:
    return round(x, 6) if math.isfinite(x) else None


def to_json(result: OpinionMap, texts: dict[int, str]) -> dict[str, Any]:
    """The JSON shape `coopgov opinions` prints (documented in docs/methods/opinion-polis.md)."""
    stats = result.statement_stats
    columns = {int(s): j for j, s in enumerate(stats.statements)}

    def statement(sid: int) -> dict[str, Any]:
        return {"statement": sid, "text": texts.get(sid, "")}

    groups = []
    for group in result.groups:
        groups.append(
            {
                "id": group.id,
                "size": len(group.members),
                "members": list(group.members),
                "representative": [
                    {
                        **statement(r.statement),
                        "direction": r.direction,
                        "n_success": r.n_success,
                        "n_trials": r.n_trials,
                        "p_success": _number(r.p_success),
                        "p_test": _number(r.p_test),
                        "repness": _number(r.repness),
                        "repness_test": _number(r.repness_test),
                        "best_agree": r.best_agree,
                    }
                    for r in group.representative
                ],
            }
        )
    consensus = {
        direction: [
            {
                **statement(c.statement),
                "n_success": c.n_success,
                "n_trials": c.n_trials,
                "p_success": _number(c.p_success),
                "p_test": _number(c.p_test),
            }
            for c in items
        ]
        for direction, items in result.consensus.items()
    }
    gac = sorted(
        ((float(stats.group_informed_consensus_agree[j]), sid) for sid, j in columns.items()), reverse=True
    )[:10]
    return {
        "method": "polis",
        "participants": len(result.participants),
        "participants_in_groups": int(result.in_conv.sum()),
        "statements": len(stats.statements),
        "groups": groups,
        "consensus": consensus,
        "group_informed_consensus": [{**statement(sid), "agree": _number(v)} for v, sid in gac],
        "divisive": [
            {
                **statement(d.statement),
                "most_agreeing_group": d.most_agreeing_group,
                "least_agreeing_group": d.least_agreeing_group,
                "gap": _number(d.gap),
                "z": _number(d.z),
            }
            for d in result.divisive
        ],
        "silhouettes": {str(k): _number(v) for k, v in result.silhouettes.items()},
        "coordinates": {
            str(int(p)): [_number(float(x)), _number(float(y))]
            for p, (x, y) in zip(result.participants, result.coordinates, strict=True)
        },
        "statement_stats": [
            {
                "statement": int(sid),
                "agree": int(stats.agree[j]),
                "disagree": int(stats.disagree[j]),
                "pass": int(stats.passed[j]),
                "groups": [
                    {
                        "agree": int(stats.group_agree[g, j]),
                        "disagree": int(stats.group_disagree[g, j]),
                        "seen": int(stats.group_seen[g, j]),
                    }
                    for g in range(len(result.groups))
                ],
                "group_informed_consensus_agree": _number(float(stats.group_informed_consensus_agree[j])),
                "group_informed_consensus_disagree": _number(
                    float(stats.group_informed_consensus_disagree[j])
                ),
            }
            for j, sid in enumerate(stats.statements)
        ],
    }


def main(argv: list[str]) -> int:
    """Read the two files, compute the map with the pure engine, print JSON; errors are one line, exit 2."""
    args = _parser().parse_args(argv)
    if args.min_votes < 0 or args.max_groups < 2:
        print("coopgov opinions: --min-votes must be ≥ 0 and --max-groups ≥ 2", file=sys.stderr)
        return 2
    try:
        comments = read_comments(Path(args.comments))
        votes = read_votes_file(Path(args.votes))
    except PolisFormatError as error:
        print(f"coopgov opinions: {error}", file=sys.stderr)
        return 2
    except (OSError, UnicodeDecodeError) as error:
        print(
            f"coopgov opinions: cannot read {getattr(error, 'filename', None) or args.votes}: {error}",
            file=sys.stderr,
        )
        return 2
    known = {c.id for c in comments}
    unknown = sorted({int(s) for s in votes.statements} - known)
    if unknown:
        print(
            f"coopgov opinions: {args.votes}: votes on statement(s) {unknown[:5]} "
            f"absent from {args.comments}",
            file=sys.stderr,
        )
        return 2
    moderated_out = polis_mod_out(comments)
    parameters = PolisParameters(min_votes=args.min_votes, max_k=args.max_groups)
    if args.replay_hours is not None and args.in_conv_history:
        print(
            "coopgov opinions: use --replay-hours or --in-conv-history, not both "
            "(a replay already follows the history)",
            file=sys.stderr,
        )
        return 2
    if args.replay_hours is not None:
        if votes.timestamps is None or args.replay_hours <= 0:
            print(
                "coopgov opinions: --replay-hours needs a positive number of hours and a votes.csv "
                f"(with timestamps), not {args.votes}",
                file=sys.stderr,
            )
            return 2
        history = read_vote_history(Path(args.votes))
        assert history.timestamps is not None
        result, _ = replay_opinion_map(
            history.participants,
            history.statements,
            history.votes,
            history.timestamps,
            interval=args.replay_hours * 3_600_000,
            moderated_out=moderated_out,
            parameters=parameters,
        )
    else:
        entered: frozenset[int] = frozenset()
        if args.in_conv_history:
            if votes.timestamps is None:
                print(
                    "coopgov opinions: --in-conv-history needs a votes.csv (with timestamps), "
                    f"not {args.votes}",
                    file=sys.stderr,
                )
                return 2
            history = read_vote_history(Path(args.votes))
            assert history.timestamps is not None
            entered = polis_in_conv_history(
                history.participants, history.statements, history.timestamps, parameters=parameters
            )
        matrix = VoteMatrix.from_votes(votes.participants, votes.statements, votes.votes)
        result = opinion_map(matrix, moderated_out=moderated_out, parameters=parameters, entered=entered)
    json.dump(to_json(result, {c.id: c.text for c in comments}), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0
