"""Agreement of coopgov's opinion groups with the production Polis's, beside red-dwarf's.

Run with `.venv/bin/python benchmarks/verify_opinion_agreement.py [--no-peer] [--restarts N]`.
For every Polis export in ../shared/data/polis that has a participants-votes.csv (with Polis's own
`group-id`), prints one JSON line: adjusted Rand index (ARI) of coopgov's groups against Polis's, and of
red-dwarf's (`reddwarf.implementations.polis.run_pipeline`, same votes, same moderated-out statements);
then a summary line with both medians and where coopgov is below red-dwarf.

Each line also says where the disagreement with Polis lies, to name its cause: ``differ`` is the number
of Polis's grouped participants in another group than Polis's (after matching the group labels);
``in_split_base_clusters`` how many of them sit in one of our base clusters whose members Polis put in
different groups (no grouping of our base clusters can match those: Polis's own base clusters, shaped by
its history of updates, were drawn differently); ``ceiling_ari`` the best ARI any grouping of our base
clusters could reach (each base cluster given to the Polis group of most of its members); and
``ari_single_start`` the ARI with Polis's one deterministic start (``group_restarts=0``).

Three more measures show how much of the rest is the conversation's history, which the export does not
hold: ``ari_history_in_conv`` (where votes.csv has timestamps) places in the map the participants Polis's
in-conv rule let in over the history (``polis_in_conv_history``: the early ones taken while fewer than 15
qualified), ``in_conv_equal`` says whether our set of grouped participants is exactly Polis's (final rule
/ history); ``orders`` gives the lowest, median and highest ARI of the same pipeline when participants
arrive in ``--orders`` other plausible orders (a seeded shuffle of the rows: the order decides Polis's
deterministic k-means starts, as its history did); ``ari_polis_in_conv`` places in the map exactly the
participants Polis grouped (read from the export's ``group-id``: a diagnostic, not a method) to show how
much of the gap the set of grouped participants explains. Where comments.csv holds Polis's own
``group-informed-consensus`` (newer exports), ``gic_max_difference`` is the largest difference between
it and coopgov's figure computed on Polis's groups, over ``gic_statements`` statements, and
``gic_top10_shared_*`` how many of Polis's ten statements of highest group-informed consensus coopgov's
map (default, and single start) also ranks in its ten highest.
Only the groups are compared (no timings: see bench_opinion.py for seconds). After the JSON lines, a
Markdown table puts coopgov and red-dwarf side by side per conversation.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import json
import statistics
import sys
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from coopgov.domain.formats.polis import (  # noqa: E402
    polis_mod_out,
    read_comments,
    read_participants_votes,
    read_vote_history,
    read_votes_file,
)
from coopgov.domain.opinion import (  # noqa: E402
    PolisParameters,
    VoteMatrix,
    group_vote_counts,
    opinion_map,
    polis_in_conv_history,
)
from coopgov.domain.opinion.repness import group_informed_consensus  # noqa: E402

DATA = Path(os.environ.get("COOPGOV_SHARED_DATA", ROOT.parent / "shared" / "data")) / "polis"


def ari_against(polis: dict[int, int], labels: dict[int, int]) -> float:
    """ARI over Polis's grouped participants; one ungrouped by us counts as a group of its own (-2)."""
    ids = sorted(polis)
    return float(adjusted_rand_score([polis[p] for p in ids], [labels.get(p, -2) for p in ids]))


def labels_of(result: Any) -> dict[int, int]:
    return {int(p): int(g) for p, g in zip(result.participants, result.group_of, strict=True) if g >= 0}


def disagreement(polis: dict[int, int], ours: dict[int, int], base: dict[int, int]) -> dict[str, Any]:
    """Where coopgov's groups differ from Polis's, and how much our base clusters allow at best."""
    ids = [p for p in sorted(polis) if p in ours]
    theirs = np.array([polis[p] for p in ids])
    mine = np.array([ours[p] for p in ids])
    bases = np.array([base.get(p, -1) for p in ids])
    # Match our labels to Polis's by majority (enough to count who differs when groups correspond).
    relabel = {g: int(np.bincount(theirs[mine == g] + 1).argmax()) - 1 for g in np.unique(mine)}
    differ = np.array([relabel[g] for g in mine]) != theirs
    ceiling = np.empty_like(theirs)
    split = np.zeros(len(ids), dtype=bool)
    for b in np.unique(bases):
        members = bases == b
        counts = np.bincount(theirs[members] + 1)
        ceiling[members] = int(counts.argmax()) - 1
        split[members] = (counts > 0).sum() > 1
    return {
        "differ": int(differ.sum()),
        "in_split_base_clusters": int((differ & split).sum()),
        "ceiling_ari": round(float(adjusted_rand_score(theirs, ceiling)), 3),
    }


def arrival_orders(
    votes: Any, moderated: frozenset[int], params: PolisParameters, polis: dict[int, int], n: int
) -> list[float]:
    """ARI against Polis when participants arrive in ``n`` seeded random orders instead of id order.

    Rows are renumbered by a permutation (coordinates do not depend on it; Polis's deterministic
    k-means starts on the first distinct rows do), the map is computed and mapped back to the real ids.
    """
    ids = np.unique(votes.participants)
    rng = np.random.default_rng(params.seed)
    out = []
    for _ in range(n):
        order = rng.permutation(ids)
        rank = np.empty(int(ids.max()) + 1, dtype=np.int64)
        rank[order] = np.arange(len(order))
        matrix = VoteMatrix.from_votes(rank[votes.participants], votes.statements, votes.votes)
        result = opinion_map(matrix, moderated_out=moderated, parameters=params)
        out.append(ari_against(polis, {int(order[q]): g for q, g in labels_of(result).items()}))
    return out


def top_ten(values: dict[int, float], moderated: frozenset[int]) -> set[int]:
    """The ten statements of highest group-informed consensus (moderated-out ones left aside)."""
    kept = sorted((t for t in values if t not in moderated), key=lambda t: (-values[t], t))
    return set(kept[:10])


def gic_check(
    matrix: VoteMatrix, polis: dict[int, int], comments: Any, moderated: frozenset[int], maps: dict[str, Any]
) -> dict[str, Any]:
    """coopgov's group-informed consensus on Polis's own groups against the value Polis exported, and
    how many of Polis's ten highest statements each of coopgov's maps (``maps``) ranks in its ten."""
    exported: dict[int, float] = {
        c.id: c.group_informed_consensus for c in comments if c.group_informed_consensus is not None
    }
    if not exported:
        return {}
    labels = np.array([polis.get(int(p), -1) for p in matrix.participants])
    agree, disagree, seen = group_vote_counts(matrix, labels)
    ours, _ = group_informed_consensus(agree.astype(float), disagree.astype(float), seen.astype(float))
    mine = dict(zip(matrix.statements.tolist(), ours.tolist(), strict=True))
    gaps = [abs(mine[t] - v) if t in mine else float("inf") for t, v in exported.items()]
    out: dict[str, Any] = {"gic_statements": len(gaps), "gic_max_difference": float(f"{max(gaps):.2g}")}
    polis_top = top_ten(exported, moderated)
    for name, result in maps.items():
        stats = result.statement_stats
        values = dict(
            zip(stats.statements.tolist(), stats.group_informed_consensus_agree.tolist(), strict=True)
        )
        out[f"gic_top10_shared_{name}"] = len(top_ten(values, moderated) & polis_top)
    return out


def red_dwarf(p: np.ndarray, s: np.ndarray, v: np.ndarray, moderated: list[int]) -> dict[int, int]:
    from reddwarf.implementations.polis import run_pipeline

    votes = [
        {"participant_id": int(a), "statement_id": int(b), "vote": int(c), "modified": 0}
        for a, b, c in zip(p, s, v, strict=True)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = run_pipeline(votes=votes, mod_out_statement_ids=moderated, random_state=42)
    labels = result.participants_df["cluster_id"]
    return {int(pid): int(g) for pid, g in labels.items() if g is not None and str(g) != "<NA>"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-peer", action="store_true", help="skip red-dwarf")
    parser.add_argument("--restarts", type=int, default=None, help="PolisParameters.group_restarts")
    parser.add_argument("--orders", type=int, default=20, help="other arrival orders tried (0: none)")
    args = parser.parse_args()
    params = PolisParameters() if args.restarts is None else PolisParameters(group_restarts=args.restarts)
    rows: list[dict[str, Any]] = []
    for folder in sorted(p.parent for p in DATA.rglob("participants-votes.csv")):
        comments = read_comments(folder / "comments.csv")
        moderated = polis_mod_out(comments)
        polis = read_participants_votes(folder / "participants-votes.csv").group_of or {}
        source = (
            folder / "votes.csv" if (folder / "votes.csv").exists() else folder / "participants-votes.csv"
        )
        votes = read_votes_file(source)
        matrix = VoteMatrix.from_votes(votes.participants, votes.statements, votes.votes)
        result = opinion_map(matrix, moderated_out=moderated, parameters=params)
        ours = labels_of(result)
        row: dict[str, Any] = {
            "data": str(folder.relative_to(DATA)),
            "ari_coopgov": round(ari_against(polis, ours), 3),
            "groups": len(result.groups),
            "polis_groups": len(set(polis.values())),
        }
        base = dict(zip(result.state.base_ids.tolist(), result.state.base_labels.tolist(), strict=True))
        row.update(disagreement(polis, ours, base))
        single = opinion_map(matrix, moderated_out=moderated, parameters=replace(params, group_restarts=0))
        row["ari_single_start"] = round(ari_against(polis, labels_of(single)), 3)
        row["in_conv_equal"] = [set(ours) == set(polis)]
        if (folder / "votes.csv").exists():
            history = read_vote_history(folder / "votes.csv")
            assert history.timestamps is not None
            entered = polis_in_conv_history(
                history.participants, history.statements, history.timestamps, parameters=params
            )
            again = opinion_map(matrix, moderated_out=moderated, parameters=params, entered=entered)
            row["ari_history_in_conv"] = round(ari_against(polis, labels_of(again)), 3)
            row["in_conv_equal"].append(set(labels_of(again)) == set(polis))
        # Diagnostic only: Polis's own set of grouped participants, taken from the export.
        exact = opinion_map(matrix, moderated_out=moderated, parameters=params, entered=frozenset(polis))
        row["ari_polis_in_conv"] = round(ari_against(polis, labels_of(exact)), 3)
        if args.orders:
            aris = arrival_orders(votes, moderated, params, polis, args.orders)
            row["orders"] = [
                round(min(aris), 3),
                round(statistics.median(aris), 3),
                round(max(aris), 3),
            ]
        maps = {"coopgov": result, "single_start": single}
        row.update(gic_check(matrix, polis, comments, moderated, maps))
        if not args.no_peer:
            peer = red_dwarf(votes.participants, votes.statements, votes.votes, sorted(moderated))
            row["ari_red_dwarf"] = round(ari_against(polis, peer), 3)
            row["red_dwarf_groups"] = len(set(peer.values()))
        print(json.dumps(row), flush=True)
        rows.append(row)
    summary: dict[str, Any] = {
        "summary": f"{len(rows)} exports with group-id",
        "median_ari_coopgov": round(statistics.median(r["ari_coopgov"] for r in rows), 3),
        "at_least_0_9": sum(r["ari_coopgov"] >= 0.9 for r in rows),
    }
    if not args.no_peer:
        summary["median_ari_red_dwarf"] = round(statistics.median(r["ari_red_dwarf"] for r in rows), 3)
        summary["below_red_dwarf"] = [r["data"] for r in rows if r["ari_coopgov"] < r["ari_red_dwarf"]]
    print(json.dumps(summary), flush=True)
    print()
    print("| conversation | ARI coopgov | ARI red-dwarf | other arrival orders (min / median / max) |")
    print("|---|---|---|---|")
    for r in rows:
        spread = " / ".join(str(x) for x in r["orders"]) if "orders" in r else "—"
        peer = r.get("ari_red_dwarf", "—")
        print(f"| {r['data']} | {r['ari_coopgov']} | {peer} | {spread} |")


if __name__ == "__main__":
    main()
