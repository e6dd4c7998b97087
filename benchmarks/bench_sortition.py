"""Benchmark: coopgov's LEXIMIN on HiGHS against sortition-algorithms (same data, same run).

Prints one JSON line per measured claim: what, data, runs, median seconds (wall and CPU) for coopgov
and for the peer, and whether the outcomes agree. sortition-algorithms' own LEXIMIN needs the
commercial Gurobi solver (without it, it falls back to MAXIMIN), so the peer run is its MAXIMIN on
HiGHS; LEXIMIN's smallest probability is the MAXIMIN optimum, which is what "same outcome" compares
(within 1e-4). On the Flanigan et al. example the comparison is with the published reference LEXIMIN
output (whose statistics file records a 2.7 s median with Gurobi).

Usage: .venv/bin/python benchmarks/bench_sortition.py [--runs N] [--only large|fixture|flanigan]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from coopgov.domain.formats.sortition_csv import parse_pool, parse_quotas
from coopgov.domain.sortition import select_panel

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "sortition"

# A synthetic pool shaped like a real recruitment: self-selection skews the pool away from the
# population shares that the quotas follow (±10 % of the population share, rounded outwards).
FEATURES = {
    "gender": (["female", "male", "other"], [0.58, 0.40, 0.02], [0.50, 0.48, 0.02]),
    "age": (
        ["18-29", "30-44", "45-59", "60-74", "75+"],
        [0.12, 0.22, 0.28, 0.28, 0.10],
        [0.18, 0.25, 0.25, 0.22, 0.10],
    ),
    "region": (
        ["north", "south", "east", "west", "centre", "islands"],
        [0.2, 0.25, 0.15, 0.2, 0.15, 0.05],
        [0.18, 0.22, 0.18, 0.2, 0.17, 0.05],
    ),
    "education": (
        ["none", "secondary", "vocational", "university"],
        [0.08, 0.3, 0.22, 0.4],
        [0.15, 0.35, 0.25, 0.25],
    ),
}


def synthetic(n: int, k: int, seed: int) -> tuple[str, str]:
    """The pool (people CSV) and quotas (features CSV) in the Sortition Foundation's convention."""
    rng = np.random.default_rng(seed)
    columns = {f: rng.choice(len(v[0]), size=n, p=v[1]) for f, v in FEATURES.items()}
    people = io.StringIO()
    writer = csv.writer(people, lineterminator="\n")
    writer.writerow(["id", *FEATURES])
    for i in range(n):
        writer.writerow([f"m{i}", *(FEATURES[f][0][columns[f][i]] for f in FEATURES)])
    quotas = io.StringIO()
    writer = csv.writer(quotas, lineterminator="\n")
    writer.writerow(["feature", "value", "min", "max"])
    for f, (values, _pool_shares, population) in FEATURES.items():
        for value, share in zip(values, population, strict=True):
            writer.writerow([f, value, int(np.floor(share * k * 0.9)), int(np.ceil(share * k * 1.1))])
    return people.getvalue(), quotas.getvalue()


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], list[float], Any]:
    walls, cpus, result = [], [], None
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return walls, cpus, result


def peer_maximin(people_csv: str, features_csv: str, k: int, id_column: str) -> float:
    """sortition-algorithms' MAXIMIN on HiGHS; returns the smallest selection probability."""
    from sortition_algorithms import CSVStringDataSource, Settings
    from sortition_algorithms.adapters import SelectionData
    from sortition_algorithms.committee_generation.maximin import find_distribution_maximin

    data = SelectionData(CSVStringDataSource(features_csv, people_csv))
    features, _ = data.load_features(k)
    people, _ = data.load_people(Settings(id_column=id_column, columns_to_keep=[]), features)
    committees, probabilities, _ = find_distribution_maximin(features, people, k, [], "highspy")
    marginal: Counter[str] = Counter()
    for committee, p in zip(committees, probabilities, strict=True):
        for person in committee:
            marginal[person] += p
    return min(marginal[person] for person in people)


def compare(
    what: str, data: str, people_csv: str, features_csv: str, k: int, id_column: str, runs: int
) -> None:
    quotas, _ = parse_quotas(features_csv)
    pool = parse_pool(people_csv, quotas, id_column=id_column)
    walls, cpus, draw = timed(lambda: select_panel(pool, quotas, k, seed=1, algorithm="leximin"), runs)
    peer_walls, peer_cpus, peer_min = timed(
        lambda: peer_maximin(people_csv, features_csv, k, id_column), runs
    )
    # LEXIMIN is unique: the pool and quotas in reverse order must give the same probabilities (the column
    # generation then finds other panels, in another order).
    reverse = select_panel(pool[::-1], quotas[::-1], k, seed=1)
    order_deviation = max(abs(draw.probabilities[i] - reverse.probabilities[i]) for i in draw.probabilities)
    print(
        json.dumps(
            {
                "what": what,
                "data": data,
                "runs": runs,
                "median_seconds": statistics.median(walls),
                "median_cpu_seconds": statistics.median(cpus),
                "peer": "sortition-algorithms 0.12.15 maximin (highspy)",
                "peer_median_seconds": statistics.median(peer_walls),
                "peer_median_cpu_seconds": statistics.median(peer_cpus),
                "speedup_wall": statistics.median(peer_walls) / statistics.median(walls),
                "min_probability": draw.min_probability,
                "peer_min_probability": peer_min,
                "same_outcome": abs(draw.min_probability - peer_min) <= 1e-4,
                "max_deviation_with_reversed_input": order_deviation,
                "leximin_levels": draw.explanation["leximin_levels"],
                "member_types": draw.explanation["member_types"],
            }
        ),
        flush=True,
    )


def flanigan(runs: int) -> None:
    folder = DATA / "flanigan2021" / "example_small_20"
    quotas, _ = parse_quotas((folder / "categories.csv").read_text(encoding="utf-8"))
    pool = parse_pool((folder / "respondents.csv").read_text(encoding="utf-8"), quotas)
    with (folder / "example_small_20_prob_allocs_data.csv").open(encoding="utf-8") as f:
        reference = sorted(
            float(r["selection probability"]) for r in csv.DictReader(f) if r["algorithm"] == "LexiMin"
        )
    walls, cpus, draw = timed(lambda: select_panel(pool, quotas, 20, seed=1), runs)
    deviation = max(abs(a - b) for a, b in zip(sorted(draw.probabilities.values()), reference, strict=True))
    print(
        json.dumps(
            {
                "what": "leximin vs the published reference output",
                "data": "flanigan2021/example_small_20 (200 people, panel 20)",
                "runs": runs,
                "median_seconds": statistics.median(walls),
                "median_cpu_seconds": statistics.median(cpus),
                "peer": "Flanigan et al. replication package (Gurobi), as recorded in its statistics file",
                "peer_median_seconds": 2.7,
                "max_probability_deviation": deviation,
                "same_outcome": deviation <= 1e-4,
            }
        ),
        flush=True,
    )


def _silence_highs_banner() -> None:
    """HiGHS prints a banner on file descriptor 1 the first time a model is made: keep stdout JSON only."""
    import os

    import highspy

    sys.stdout.flush()
    saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def main() -> None:
    _silence_highs_banner()
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["large", "fixture", "flanigan"])
    args = parser.parse_args()
    if args.only in (None, "flanigan"):
        flanigan(args.runs)
    if args.only in (None, "fixture"):
        folder = DATA / "sortition-algorithms-fixture"
        compare(
            "leximin (coopgov) vs maximin (peer): smallest probability",
            "sortition-algorithms fixture (150 people, 4 features, panel 22)",
            (folder / "candidates.csv").read_text(encoding="utf-8"),
            (folder / "features.csv").read_text(encoding="utf-8"),
            22,
            "nationbuilder_id",
            args.runs,
        )
    if args.only in (None, "large"):
        people_csv, features_csv = synthetic(2000, 200, seed=7)
        compare(
            "leximin (coopgov) vs maximin (peer): pool of 2,000, panel of 200",
            "synthetic pool (seed 7): 2,000 people, 4 features (3, 5, 6, 4 values), 18 quotas ±10 %",
            people_csv,
            features_csv,
            200,
            "id",
            args.runs,
        )


if __name__ == "__main__":
    main()
