"""Text similarity: time of ``similar_pairs`` and ``nearest`` on 10,000 real statements.

Run: .venv/bin/python benchmarks/bench_similarity.py [--runs 3] [--n 10000] [--threshold 0.5]

Measures ``similar_pairs`` (all pairs), ``nearest`` (one query, vectors built for it), building an
``Index`` once, and one query against a built ``Index`` (what a page suggesting duplicates would do).

The documents are the first ``n`` statements of the 15 Polis conversations in ../shared/data/polis
(English and German; German is passed as an unknown language: folding and the stop words of FR/NL/EN, no
stemming). If there are fewer than ``n``, the list is extended with the same statements reversed word by
word (so lengths and vocabulary stay realistic). Prints one JSON line per measurement: median wall-clock
seconds over ``runs`` runs, CPU seconds, the number of pairs found, and the machine's load average (the
machine may be shared; say so when quoting the figure).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchsetup import emit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src")]


from coopgov.domain.formats.polis import read_comments  # noqa: E402
from coopgov.domain.similarity import Document, Index, nearest, similar_pairs  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "polis"
GERMAN = "austria-climate"


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any, float]:
    walls, cpus, out = [], [], None
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), out, statistics.median(cpus)


def statements(n: int) -> list[Document]:
    docs: list[Document] = []
    for folder in sorted(DATA.iterdir()):
        if not (folder / "comments.csv").is_file():
            continue
        language = "de" if folder.name.startswith(GERMAN) else "en"
        for comment in read_comments(folder / "comments.csv"):
            docs.append(Document(f"{folder.name}/{comment.id}", comment.text, language))
    extra = [Document(f"{d.id}/r", " ".join(d.text.split()[::-1]), d.language) for d in docs]
    return (docs + extra)[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args()
    docs = statements(args.n)
    wall, pairs, cpu = timed(lambda: similar_pairs(docs, args.threshold), args.runs)
    emit(
        what="similar_pairs",
        documents=len(docs),
        threshold=args.threshold,
        pairs=len(pairs),
        median_s=round(wall, 3),
        cpu_s=round(cpu, 3),
        runs=args.runs,
        load_average=os.getloadavg()[0],
    )
    query = docs[len(docs) // 2]
    wall, found, cpu = timed(lambda: nearest(query, docs, k=5), args.runs)
    emit(
        what="nearest",
        documents=len(docs),
        k=5,
        found=len(found),
        median_s=round(wall, 3),
        cpu_s=round(cpu, 3),
        runs=args.runs,
        load_average=os.getloadavg()[0],
    )

    wall, index, cpu = timed(lambda: Index(docs), args.runs)
    emit(
        what="index_build", documents=len(docs), median_s=round(wall, 3), cpu_s=round(cpu, 3), runs=args.runs
    )
    queries = docs[:: max(1, len(docs) // 50)][:50]
    wall, _, cpu = timed(lambda: [index.nearest(q, k=5) for q in queries], args.runs)
    emit(
        what="index_nearest_per_query",
        documents=len(docs),
        queries=len(queries),
        median_ms=round(1000 * wall / len(queries), 2),
        cpu_ms=round(1000 * cpu / len(queries), 2),
        runs=args.runs,
        load_average=os.getloadavg()[0],
    )


if __name__ == "__main__":
    main()
