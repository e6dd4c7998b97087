"""Polis's k-means: deterministic start on the first distinct points, weighted centres, warm restarts.

Follows ``polismath.math.clusters`` (compdemocracy/polis, math/src/polismath/math/clusters.clj): clusters
that lose all their members are dropped, iteration stops when every centre (sorted) moved less than 0.01
or the iteration budget is spent, and the members returned are those of the last assignment step.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

__all__ = ["first_distinct", "kmeans", "silhouette", "warm_start_centres"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Polis's convergence test (same-clustering? in clusters.clj): sorted centres within this distance.
SAME_CLUSTERING = 0.01


def first_distinct(points: FloatArray, k: int) -> FloatArray:
    """The first ``k`` distinct rows of ``points`` in order: Polis's init-clusters (clusters.clj)."""
    if len(points) == 0:
        return np.zeros((0, points.shape[1]))
    _, first = np.unique(points, axis=0, return_index=True)
    return np.asarray(points[np.sort(first)[:k]], dtype=np.float64)


def _assign(points: FloatArray, centres: FloatArray) -> IntArray:
    # Nearest centre by |p|² − 2p·c + |c|² (|p|² is the same for every centre), in chunks so the
    # temporary distance block stays under a few megabytes whatever the number of points.
    if len(points) > 20_000 and len(centres) > 16:
        # Many points: a k-d tree over the centres answers each point in O(log k).
        _, nearest = cKDTree(centres).query(points)
        return np.asarray(nearest, dtype=np.int64)
    out = np.empty(len(points), dtype=np.int64)
    c2 = (centres**2).sum(axis=1)
    step = max(1, 2_000_000 // max(len(centres), 1))
    for start in range(0, len(points), step):
        block = points[start : start + step]
        out[start : start + step] = (c2[None, :] - 2.0 * block @ centres.T).argmin(axis=1)
    return out


def _same(old: FloatArray, new: FloatArray) -> bool:
    # Polis sorts both lists of centres and compares them pairwise (zip stops at the shorter one).
    a = old[np.lexsort(old.T[::-1])]
    b = new[np.lexsort(new.T[::-1])]
    n = min(len(a), len(b))
    return bool(np.all(np.linalg.norm(a[:n] - b[:n], axis=1) < SAME_CLUSTERING))


def kmeans(
    points: FloatArray,
    centres: FloatArray,
    *,
    weights: FloatArray | None = None,
    max_iters: int = 20,
) -> tuple[IntArray, FloatArray, IntArray]:
    """Lloyd's k-means from the given starting centres, as Polis's ``kmeans`` (clusters.clj).

    Returns (label of each point, centres, kept): clusters that lost every member are removed, ``kept``
    gives the index in ``centres`` of each cluster returned, and labels index the clusters returned.
    """
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=np.float64)
    current = np.asarray(centres, dtype=np.float64)
    kept_so_far = np.arange(len(current), dtype=np.int64)
    iters = max_iters
    while True:
        labels = _assign(points, current)
        mass = np.bincount(labels, weights=w, minlength=len(current))
        count = np.bincount(labels, minlength=len(current))
        kept = count > 0
        sums = np.stack(
            [np.bincount(labels, weights=w * points[:, d], minlength=len(current)) for d in range(2)]
        )
        new = (sums / np.where(mass > 0, mass, 1.0)).T[kept]
        labels = (np.cumsum(kept) - 1)[labels]
        kept_so_far = kept_so_far[kept]
        if iters == 0 or _same(current, new):
            return labels.astype(np.int64), new, kept_so_far
        current = new
        iters -= 1


def warm_start_centres(
    points: FloatArray, labels: IntArray, k: int, *, weights: FloatArray | None = None
) -> tuple[FloatArray, IntArray]:
    """Starting centres for an update from the previous clustering: Polis's clean-start-clusters.

    ``labels`` gives each point's previous cluster id (-1 for a point that is new). Previous clusters are
    recentred on their members' current positions (clusters left without members are dropped, identical
    centres merged); then, while there are fewer clusters than ``k`` and than distinct points, the point
    farthest from every centre starts a cluster of its own. Returns (centres, cluster ids); new clusters
    take ids above the previous ones.
    """
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=np.float64)
    known = labels >= 0
    if not known.any():
        start = first_distinct(points, k)
        return start, np.arange(len(start), dtype=np.int64)
    ids = np.unique(labels[known])
    mass = np.bincount(labels[known], weights=w[known])
    sums = np.stack([np.bincount(labels[known], weights=(w * points[:, d])[known]) for d in range(2)], axis=1)
    centres = sums[ids] / mass[ids, None]
    _, first = np.unique(centres, axis=0, return_index=True)
    first = np.sort(first)
    centres, ids = centres[first], ids[first]
    possible = min(k, len(np.unique(points, axis=0)))
    next_id = int(ids.max()) + 1
    extra_c: list[FloatArray] = []
    while len(centres) + len(extra_c) < possible:
        allc = np.vstack([centres, *extra_c]) if extra_c else centres
        distance, _ = cKDTree(allc).query(points)
        far = int(np.argmax(distance))
        if distance[far] <= 0:
            break
        extra_c.append(points[far][None, :])
    if extra_c:
        centres = np.vstack([centres, *extra_c])
        ids = np.concatenate([ids, np.arange(next_id, next_id + len(extra_c), dtype=np.int64)])
    return np.asarray(centres, dtype=np.float64), ids.astype(np.int64)


def silhouette(centres: FloatArray, labels: IntArray) -> float:
    """Mean silhouette of a clustering of base-cluster centres, unweighted, as Polis's ``silhouette``.

    A member alone in its cluster scores 0 (Rousseeuw 1987; polismath clusters.clj).
    """
    n = len(centres)
    if n == 0:
        return 0.0
    d = np.sqrt(((centres[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2))
    k = int(labels.max()) + 1
    onehot = np.zeros((n, k))
    onehot[np.arange(n), labels] = 1.0
    sizes = onehot.sum(axis=0)
    sums = d @ onehot
    own = sizes[labels]
    a = sums[np.arange(n), labels] / np.maximum(own - 1, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        means = sums / sizes
    means[:, sizes == 0] = np.inf
    means[np.arange(n), labels] = np.inf
    b = means.min(axis=1)
    denom = np.maximum(a, b)
    valid = (own > 1) & np.isfinite(b) & (denom > 0)
    s = np.zeros(n)
    s[valid] = (b[valid] - a[valid]) / denom[valid]
    return float(s.mean())
