"""Replaying a conversation's history, then Polis's reload: agreement with the groups Polis computed.

Run with `.venv/bin/python benchmarks/replay_opinion_reload.py [--minutes M] [names…]` (default: one
update an hour of activity, every export in ../shared/data/polis with votes.csv and group-id).

For each export, the votes of votes.csv are replayed update after update (``replay_opinion_map``, one
update at the first vote at least M minutes after the last, Polis's single starts, no restarts), then
three final maps are compared with Polis's ``group-id`` (adjusted Rand index):

- ``warm``: the replay's own last map (groups carried from update to update, k-smoothing);
- ``reload``: one more update on the final votes from the replay's state without each k's clustering
  and without the k-smoother — what Polis's math worker keeps when it reloads a conversation
  (conv_man.clj, ``restructure-json-conv``), so the groups restart from the first k base centres;
- ``reload_restarts``: the same base clusters with the group step computed as from scratch, coopgov's
  restarts included (``PolisParameters.group_restarts``), k by silhouette.

``ceiling`` is the best ARI any grouping of the replay's base clusters could reach, and ``restart_at``
the ARI when the reload happens H hours before the last vote and the updates then go on warm to the end
(``--restart-hours``). docs/methods/opinion-polis.md ("third audit") gives the figures.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import json
import statistics
import sys
import time
from collections import Counter
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
)
from coopgov.domain.opinion import OpinionState, PolisParameters, VoteMatrix, opinion_map  # noqa: E402
from coopgov.domain.opinion.kmeans import first_distinct, kmeans, silhouette  # noqa: E402
from coopgov.domain.opinion.polis import _best_of_restarts  # noqa: E402

DATA = Path(os.environ.get("COOPGOV_SHARED_DATA", ROOT.parent / "shared" / "data")) / "polis"
SINGLE = PolisParameters(group_restarts=0)


def ari(polis: dict[int, int], labels: dict[int, int]) -> float:
    ids = sorted(polis)
    return round(float(adjusted_rand_score([polis[p] for p in ids], [labels.get(p, -2) for p in ids])), 3)


def labels_of(result: Any) -> dict[int, int]:
    return {int(p): int(g) for p, g in zip(result.participants, result.group_of, strict=True) if g >= 0}


def reloaded(state: OpinionState) -> OpinionState:
    """The state Polis keeps across a reload: no clustering per k, no k-smoother."""
    return replace(state, group_labels={}, last_k=None, last_k_count=0, smoothed_k=None)


def restarted_groups(result: Any) -> dict[int, int]:
    """Group step over the map's base clusters as from scratch: Polis's start, coopgov's restarts, k by
    silhouette (ties to the larger k)."""
    st = result.state
    rows = np.searchsorted(result.participants, st.base_ids)
    base = np.searchsorted(st.base_cluster_ids, st.base_labels)
    nb = len(st.base_cluster_ids)
    size = np.bincount(base, minlength=nb).astype(np.float64)
    centres = (
        np.stack(
            [np.bincount(base, weights=result.coordinates[rows, d], minlength=nb) for d in range(2)], axis=1
        )
        / np.maximum(size, 1.0)[:, None]
    )
    best: tuple[float, int, np.ndarray] | None = None
    for k in range(2, min(5, 2 + nb // 12) + 1):
        lab, cent, kept = kmeans(centres, first_distinct(centres, k), weights=size, max_iters=20)
        lab, _ = _best_of_restarts(centres, size, k, lab, cent, kept, PolisParameters())
        score = silhouette(centres, lab)
        if best is None or (score, k) >= (best[0], best[1]):
            best = (score, k, lab)
    assert best is not None
    return {int(p): int(best[2][b]) for p, b in zip(st.base_ids, base, strict=True)}


def ceiling(polis: dict[int, int], result: Any) -> float:
    st = result.state
    base = dict(zip(st.base_ids.tolist(), st.base_labels.tolist(), strict=True))
    members: dict[int, list[int]] = {}
    for p, g in polis.items():
        if p in base:
            members.setdefault(base[p], []).append(g)
    major = {b: Counter(gs).most_common(1)[0][0] for b, gs in members.items()}
    return ari(polis, {p: major[b] for p, b in base.items() if b in major})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="export folders (default: all with votes.csv)")
    parser.add_argument("--minutes", type=float, default=60.0, help="one update per M minutes of votes")
    parser.add_argument("--restart-hours", type=str, default="", help="e.g. 4,24,72 (reload earlier)")
    args = parser.parse_args()
    interval = args.minutes * 60_000.0  # Polis's timestamps are in milliseconds
    hours = [float(h) for h in args.restart_hours.split(",") if h]
    folders = [DATA / n for n in args.names] or sorted(
        p.parent for p in DATA.rglob("participants-votes.csv") if (p.parent / "votes.csv").exists()
    )
    rows = []
    for folder in folders:
        moderated = polis_mod_out(read_comments(folder / "comments.csv"))
        polis = read_participants_votes(folder / "participants-votes.csv").group_of or {}
        history = read_vote_history(folder / "votes.csv")
        assert history.timestamps is not None
        order = np.argsort(history.timestamps, kind="stable")
        p, s, v = history.participants[order], history.statements[order], history.votes[order]
        t = np.asarray(history.timestamps, dtype=np.float64)[order]
        cuts, last = [], -np.inf
        for i, ti in enumerate(t.tolist()):
            if ti - last >= interval:
                if i:
                    cuts.append(i)
                last = ti
        cuts.append(len(t))
        start = time.perf_counter()
        states: list[OpinionState] = []
        result: Any = None
        for cut in cuts:
            matrix = VoteMatrix.from_votes(p[:cut], s[:cut], v[:cut])
            result = opinion_map(
                matrix, moderated_out=moderated, parameters=SINGLE, previous=result.state if result else None
            )
            states.append(result.state)
        seconds = time.perf_counter() - start
        final = VoteMatrix.from_votes(p, s, v)
        again = opinion_map(
            final, moderated_out=moderated, parameters=SINGLE, previous=reloaded(result.state)
        )
        row: dict[str, Any] = {
            "data": str(folder.relative_to(DATA)),
            "updates": len(cuts),
            "replay_s": round(seconds, 1),
            "warm": ari(polis, labels_of(result)),
            "reload": ari(polis, labels_of(again)),
            "reload_groups": len(again.groups),
            "reload_restarts": ari(polis, restarted_groups(again)),
            "ceiling": ceiling(polis, result),
        }
        for h in hours:
            # Reload before the first update whose last vote is at most h hours before the end.
            j = next(j for j, cut in enumerate(cuts) if t[cut - 1] >= t[-1] - h * 3_600_000)
            state = reloaded(states[j - 1]) if j else None
            for cut in cuts[j:]:
                matrix = VoteMatrix.from_votes(p[:cut], s[:cut], v[:cut])
                later = opinion_map(matrix, moderated_out=moderated, parameters=SINGLE, previous=state)
                state = later.state
            row.setdefault("restart_at", {})[f"{h:g}h"] = ari(polis, labels_of(later))
        print(json.dumps(row), flush=True)
        rows.append(row)
    if rows:
        summary = {
            key: statistics.median(r[key] for r in rows) for key in ("warm", "reload", "reload_restarts")
        }
        print(json.dumps({"median_over_these_exports": summary, "minutes": args.minutes}), flush=True)


if __name__ == "__main__":
    main()
