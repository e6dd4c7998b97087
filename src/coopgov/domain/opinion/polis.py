"""The Polis opinion-map pipeline: filter, PCA, base clusters, groups, statement statistics, updates.

Each step follows Polis's own mathematics (compdemocracy/polis, math/src/polismath/math/conversation.clj,
pca.clj, clusters.clj, repness.clj); docs/methods/opinion-polis.md gives the rule of every step, its source
and how our results compare with the groups the production Polis computed.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.linalg import ArpackError, ArpackNoConvergence, LinearOperator, eigsh, lobpcg

from coopgov.domain.opinion.kmeans import first_distinct, kmeans, silhouette, warm_start_centres
from coopgov.domain.opinion.repness import (
    ConsensusStatement,
    DivisiveStatement,
    RepresentativeStatement,
    group_informed_consensus,
    select_consensus,
    select_divisive,
    select_representative,
)

__all__ = [
    "Group",
    "OpinionMap",
    "OpinionState",
    "PolisParameters",
    "StatementStats",
    "VoteMatrix",
    "add_votes",
    "group_vote_counts",
    "opinion_map",
    "polis_in_conv_history",
    "replay_opinion_map",
    "update_opinion_map",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class PolisParameters:
    """Polis's defaults (conversation.clj, base-conv-update-graph), named.

    ``min_votes``: a participant enters the map after voting on min(7, number of statements);
    ``greedy_n``: if fewer than 15 participants qualify, the most active ones are taken;
    ``base_k``: number of base clusters; ``max_k``: largest number of groups; ``k_buffer``: number of
    updates in a row a new number of groups must win before it is shown; ``group_iters``: Polis passes
    its group iterations under a name k-means ignores, so its default of 20 applies.

    ``group_restarts`` (coopgov's addition, 0 turns it off): after Polis's deterministic start, the group
    k-means is also run from that many k-means++ starts drawn with ``seed``, and the clustering of lowest
    weighted inertia is kept (on a computation from scratch; an update starts from the last groups).
    Production Polis reaches its groups through thousands of warm-started updates, which one start on
    the final data does not reproduce; the restarts bring the groups closer to Polis's on the real
    conversations (docs/methods/opinion-polis.md gives the figures).
    """

    min_votes: int = 7
    greedy_n: int = 15
    base_k: int = 100
    max_k: int = 5
    base_iters: int = 100
    group_iters: int = 20
    k_buffer: int = 4
    update_pca_iters: int = 100
    group_restarts: int = 30
    seed: int = 0
    pick: int = 5


def _dense_ids(ids: IntArray) -> tuple[IntArray, IntArray]:
    """(sorted distinct ids, index of each id among them): np.unique, in linear time for compact ids."""
    if len(ids) and ids.min() >= 0 and ids.max() <= 4 * len(ids) + 1024:
        present = np.zeros(int(ids.max()) + 1, dtype=bool)
        present[ids] = True
        position = np.cumsum(present) - 1
        return np.flatnonzero(present).astype(np.int64), position[ids].astype(np.int64)
    distinct, inverse = np.unique(ids, return_inverse=True)
    return distinct.astype(np.int64), inverse.astype(np.int64).ravel()


@dataclass(frozen=True, eq=False)
class VoteMatrix:
    """Reactions as a sparse participants × statements matrix (one entry per vote: 1, -1 or 0).

    ``participants`` (row ids) and ``statements`` (column ids) are in increasing order; ``rows``,
    ``cols`` and ``values`` hold one entry per vote (no duplicates). Memory is 9 bytes a vote here.
    """

    participants: IntArray
    statements: IntArray
    rows: npt.NDArray[np.int32]
    cols: npt.NDArray[np.int32]
    values: npt.NDArray[np.int8]

    @classmethod
    def from_votes(
        cls, participants: npt.ArrayLike, statements: npt.ArrayLike, votes: npt.ArrayLike
    ) -> VoteMatrix:
        """Build the matrix from parallel arrays; a later entry for the same pair replaces an earlier one.

        Rows are in increasing participant id. Polis numbers participants in their order of arrival, so
        this is Polis's row order (on which its deterministic k-means start depends), and it makes the map
        independent of the order in which reactions are listed.
        """
        p = np.asarray(participants, dtype=np.int64)
        s = np.asarray(statements, dtype=np.int64)
        v = np.asarray(votes, dtype=np.int8)
        if not (len(p) == len(s) == len(v)):
            raise ValueError("participants, statements and votes must have the same length")
        if len(v) and not np.isin(v, (-1, 0, 1)).all():
            raise ValueError("a vote is 1 (agree), -1 (disagree) or 0 (pass)")
        row_ids, rows = _dense_ids(p)
        col_ids, cols = _dense_ids(s)
        key = rows * max(len(col_ids), 1) + cols
        # One stable sort by (row, column): the last of equal keys is the latest vote, and the kept
        # entries come out in row-major order, ready for the sparse matrix.
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        last = np.ones(len(order), dtype=bool)
        last[:-1] = sorted_key[1:] != sorted_key[:-1]
        keep = order[last]
        return cls(
            participants=row_ids,
            statements=col_ids,
            rows=rows[keep].astype(np.int32),
            cols=cols[keep].astype(np.int32),
            values=v[keep],
        )

    @property
    def shape(self) -> tuple[int, int]:
        """(participants, statements)."""
        return (len(self.participants), len(self.statements))


def add_votes(
    matrix: VoteMatrix, participants: npt.ArrayLike, statements: npt.ArrayLike, votes: npt.ArrayLike
) -> VoteMatrix:
    """The matrix with new votes added; a new vote on the same statement replaces the old one."""
    p = np.concatenate([matrix.participants[matrix.rows], np.asarray(participants, dtype=np.int64)])
    s = np.concatenate([matrix.statements[matrix.cols], np.asarray(statements, dtype=np.int64)])
    v = np.concatenate([matrix.values, np.asarray(votes, dtype=np.int8)])
    return VoteMatrix.from_votes(p, s, v)


@dataclass(frozen=True, eq=False)
class OpinionState:
    """What an update carries over from the last map, as Polis keeps it between updates."""

    statements: IntArray
    components: FloatArray  # 2 × statements
    in_conv: frozenset[int]
    base_ids: IntArray  # participant ids clustered into base clusters
    base_labels: IntArray  # their base cluster id
    base_cluster_ids: IntArray  # ids of the base clusters
    group_labels: dict[int, IntArray]  # k -> group id of each base cluster (in base_cluster_ids order)
    last_k: int | None = None
    last_k_count: int = 0
    smoothed_k: int | None = None


@dataclass(frozen=True)
class Group:
    """One opinion group: its participants and the statements that set it apart."""

    id: int
    members: tuple[int, ...]
    representative: tuple[RepresentativeStatement, ...]


@dataclass(frozen=True, eq=False)
class StatementStats:
    """Per statement counts, overall and per group (rows follow ``OpinionMap.groups``)."""

    statements: IntArray
    agree: IntArray
    disagree: IntArray
    passed: IntArray
    group_agree: IntArray
    group_disagree: IntArray
    group_seen: IntArray
    group_informed_consensus_agree: FloatArray
    group_informed_consensus_disagree: FloatArray


@dataclass(frozen=True, eq=False)
class OpinionMap:
    """An opinion map: coordinates of every participant, the groups, and what unites and divides them."""

    participants: IntArray
    coordinates: FloatArray  # participants × 2
    in_conv: npt.NDArray[np.bool_]
    group_of: IntArray  # group index per participant, -1 outside the map's groups
    groups: tuple[Group, ...]
    consensus: dict[str, tuple[ConsensusStatement, ...]]
    divisive: tuple[DivisiveStatement, ...]
    statement_stats: StatementStats
    silhouettes: dict[int, float]
    state: OpinionState = field(repr=False)


def _centred_operator(
    matrix: VoteMatrix, keep: npt.NDArray[np.bool_]
) -> tuple[sp.csr_matrix, sp.csr_matrix, FloatArray, npt.NDArray[np.int64]]:
    """The vote matrix and its pattern (moderated-out columns dropped) and the column means."""
    n, m = matrix.shape
    mask = keep[matrix.cols]
    r, c, v = matrix.rows[mask], matrix.cols[mask], matrix.values[mask].astype(np.float64)
    x = sp.csr_matrix((v, (r, c)), shape=(n, m))
    x.sort_indices()
    pattern = sp.csr_matrix((np.ones(len(x.data)), x.indices, x.indptr), shape=(n, m))
    seen = np.bincount(c, minlength=m)
    mean = np.asarray(x.sum(axis=0)).ravel() / np.maximum(seen, 1)
    counts = np.bincount(matrix.rows, minlength=n).astype(np.int64)
    return x, pattern, mean, counts


def _gram(x: sp.csr_matrix, pattern: sp.csr_matrix, mean: FloatArray) -> LinearOperator:
    # Missing votes take the column mean (Polis's mat), so after centring they are 0: the centred matrix
    # keeps the sparsity of the votes, Xc = X - P·diag(mean), and Xcᵀ·Xc is applied without forming it.
    xt, pt = x.T.tocsr(), pattern.T.tocsr()

    def apply(vec: FloatArray) -> FloatArray:
        vec = np.asarray(vec).ravel()
        u = x @ vec - pattern @ (mean * vec)
        return np.asarray(xt @ u - mean * (pt @ u), dtype=np.float64)

    m = x.shape[1]
    return LinearOperator((m, m), matvec=apply, dtype=np.float64)


def _orient(comps: FloatArray) -> FloatArray:
    # Fix each component's sign (largest loading positive) so maps are reproducible; Polis leaves it to
    # its random start, and a reflection changes no group.
    out = comps.copy()
    for i in range(out.shape[0]):
        j = int(np.argmax(np.abs(out[i])))
        if out[i, j] < 0:
            out[i] = -out[i]
    return out


def _pca(gram: LinearOperator, start: FloatArray | None, iters: int) -> FloatArray:
    """Top two principal axes of the centred matrix: from the last axes on an update, else Lanczos."""
    m = gram.shape[0]
    if m == 0:
        return np.zeros((2, 0))
    if start is not None:
        # Warm start from the previous components, as Polis's update starts its power iteration from
        # the last components; LOBPCG (Knyazev 2001) refines that block in a few products when the new
        # votes moved the axes little, instead of the ~20 a Lanczos run from scratch needs.
        block = np.linalg.qr(start.T)[0]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                w, vecs = lobpcg(gram, block, largest=True, tol=1e-9, maxiter=iters)
            order = np.argsort(w)[::-1][:2]
            if np.isfinite(vecs).all() and len(order) == 2:
                return _orient(np.asarray(vecs[:, order].T, dtype=np.float64))
        except (np.linalg.LinAlgError, ValueError):
            pass  # a degenerate start (e.g. the last map had no axes): compute from scratch below
    try:
        # A fixed starting vector keeps the result reproducible (ARPACK otherwise starts at random).
        if m <= 3:
            raise ArpackError(-9)
        v0 = np.random.default_rng(0).uniform(0.5, 1.5, m)
        w, vecs = eigsh(gram, k=2, which="LA", v0=v0, tol=1e-10)
    except (ArpackError, ArpackNoConvergence):
        # Tiny or degenerate matrices (every vote alike): the dense eigenproblem is cheap and exact.
        dense = np.column_stack([gram @ e for e in np.eye(m)]) if m <= 2000 else np.zeros((m, m))
        w, vecs = np.linalg.eigh((dense + dense.T) / 2)
    order = np.argsort(w)[::-1][:2]
    comps = np.where(w[order][:, None] > 1e-12, vecs[:, order].T, 0.0)
    if comps.shape[0] < 2:
        comps = np.vstack([comps, np.zeros((2 - comps.shape[0], m))])
    return _orient(np.asarray(comps, dtype=np.float64))


def _in_conv(
    counts: IntArray, ids: IntArray, n_cols: int, params: PolisParameters, before: frozenset[int]
) -> npt.NDArray[np.bool_]:
    """Polis's in-conv rule (conversation.clj): voted on min(7, statements) or more, once in always in;
    if fewer than 15 qualify, the most active participants are added up to 15."""
    mask = counts >= min(params.min_votes, n_cols)
    if before:
        mask |= np.isin(ids, np.fromiter(before, dtype=np.int64, count=len(before)))
    if mask.sum() < params.greedy_n:
        order = np.argsort(-counts, kind="stable")
        extra = [i for i in order.tolist() if not mask[i] and counts[i] > 0][
            : params.greedy_n - int(mask.sum())
        ]
        mask[extra] = True
    return mask


def polis_in_conv_history(
    participants: npt.ArrayLike,
    statements: npt.ArrayLike,
    timestamps: npt.ArrayLike,
    *,
    parameters: PolisParameters = PolisParameters(),
    interval: float = 1000.0,
) -> frozenset[int]:
    """The participants Polis's in-conv rule let into the map over the conversation's history.

    Polis applies its rule (conversation.clj, ``in-conv``) at every update and never takes anyone out:
    a participant is in once they have voted on min(7, statements so far) statements, and while fewer
    than 15 are in, the most active participants so far are added up to 15 (ties to the earlier voter).
    Early in a conversation that lets in participants who never reach 7 votes. Updates are taken at
    the first vote at least ``interval`` (unit of ``timestamps``; 1 s for Polis's milliseconds) after
    the last one, and at the end. Only the early updates can let in anyone the final rule does not (once
    there are 7 statements and 15 participants in, the rule is "7 votes"), so this is a short loop.
    """
    params = parameters
    t = np.asarray(timestamps, dtype=np.float64)
    chron = np.argsort(t, kind="stable")
    p = np.asarray(participants, dtype=np.int64)[chron]
    s = np.asarray(statements, dtype=np.int64)[chron]
    t = t[chron]
    voted: dict[int, set[int]] = {}
    columns: set[int] = set()
    inside: set[int] = set()
    touched: set[int] = set()

    def update() -> None:
        # Only a participant who voted since the last update can newly qualify (the threshold never falls).
        threshold = min(params.min_votes, len(columns))
        inside.update(q for q in touched if len(voted[q]) >= threshold)
        touched.clear()
        if len(inside) < params.greedy_n:
            # Fewer than 15 in means few voters so far, so this sort is short; dicts keep insertion
            # order, so the stable sort breaks ties towards the earlier voter.
            rest = sorted((q for q in voted if q not in inside), key=lambda q: -len(voted[q]))
            inside.update(rest[: params.greedy_n - len(inside)])

    last = -np.inf
    for i, ti in enumerate(t.tolist()):
        if ti - last >= interval:
            if i:
                update()
                if len(columns) >= params.min_votes and len(inside) >= params.greedy_n:
                    break  # from here on the rule is the final one, applied below
            last = ti
        voted.setdefault(int(p[i]), set()).add(int(s[i]))
        touched.add(int(p[i]))
        columns.add(int(s[i]))
    # The last update: the final rule over every vote (distinct statements per participant, vectorised).
    if len(p) == 0:
        return frozenset(inside)
    ids, rows = _dense_ids(p)
    cols = _dense_ids(s)[1]
    pattern = sp.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)))
    pattern.sum_duplicates()
    counts = pattern.getnnz(axis=1)
    threshold = min(params.min_votes, pattern.shape[1])
    inside.update(ids[counts >= threshold].tolist())
    if len(inside) < params.greedy_n:
        first = np.empty(len(ids), dtype=np.int64)
        first[rows[::-1]] = np.arange(len(rows))[::-1]  # the earliest vote of each participant
        order = np.lexsort((first, -counts))  # most votes first, ties to the earlier voter
        rest = [int(ids[i]) for i in order if int(ids[i]) not in inside]
        inside.update(rest[: params.greedy_n - len(inside)])
    return frozenset(inside)


def _inertia(points: FloatArray, weights: FloatArray, labels: IntArray, centres: FloatArray) -> float:
    return float((weights * ((points - centres[labels]) ** 2).sum(axis=1)).sum())


def _best_of_restarts(
    points: FloatArray,
    weights: FloatArray,
    k: int,
    labels: IntArray,
    centres: FloatArray,
    kept: IntArray,
    params: PolisParameters,
) -> tuple[IntArray, IntArray]:
    """coopgov's option: also try seeded k-means++ starts and keep the lowest weighted inertia.

    All restarts run together as one batch of Lloyd iterations (the points are at most ``base_k``).
    """
    best = _inertia(points, weights, labels, centres)
    rng = np.random.default_rng(params.seed)
    r, n = params.group_restarts, len(points)
    prob = weights / weights.sum()
    # k-means++ seeding (Arthur & Vassilvitskii 2007), weighted by base-cluster size.
    picks = np.empty((r, k), dtype=np.int64)
    picks[:, 0] = rng.choice(n, size=r, p=prob)
    d2 = ((points[None, :, :] - points[picks[:, 0]][:, None, :]) ** 2).sum(axis=2)
    for j in range(1, k):
        score = d2 * weights[None, :]
        total = score.sum(axis=1, keepdims=True)
        cdf = np.cumsum(score / np.where(total > 0, total, 1.0), axis=1)
        u = rng.random((r, 1))
        picks[:, j] = np.minimum((cdf < u).sum(axis=1), n - 1)
        d2 = np.minimum(d2, ((points[None, :, :] - points[picks[:, j]][:, None, :]) ** 2).sum(axis=2))
    cent = points[picks]  # r × k × 2
    p2 = (points**2).sum(axis=1)
    offset = (np.arange(r) * k)[:, None]
    tiled_w = np.tile(weights, r)
    tiled_x = np.tile(weights * points[:, 0], r)
    tiled_y = np.tile(weights * points[:, 1], r)
    previous = np.full((r, n), -1)
    for _ in range(300):
        # Squared distances r × n × k as |p|² − 2p·c + |c|², without a 4-D temporary.
        dist = (
            p2[None, :, None]
            - 2.0 * np.matmul(points[None, :, :], cent.transpose(0, 2, 1))
            + (cent**2).sum(axis=2)[:, None, :]
        )
        lab = dist.argmin(axis=2)
        if np.array_equal(lab, previous):
            break  # no point changed cluster in any restart: every restart has converged
        previous = lab
        flat = (lab + offset).ravel()
        mass = np.bincount(flat, weights=tiled_w, minlength=r * k).reshape(r, k)
        sums = np.stack(
            [
                np.bincount(flat, weights=tiled_x, minlength=r * k).reshape(r, k),
                np.bincount(flat, weights=tiled_y, minlength=r * k).reshape(r, k),
            ],
            axis=2,
        )
        cent = np.where(mass[:, :, None] > 0, sums / np.where(mass > 0, mass, 1.0)[:, :, None], cent)
    full = (mass > 0).all(axis=1)
    nearest = np.maximum(np.take_along_axis(dist, lab[:, :, None], axis=2)[:, :, 0], 0.0)
    inertia = np.where(full, (nearest * weights[None, :]).sum(axis=1), np.inf)
    pick = int(np.argmin(inertia))
    if len(centres) == k and inertia[pick] < best - 1e-9:
        return lab[pick].astype(np.int64), np.arange(k, dtype=np.int64)
    return labels, kept


def _lookup(keys: IntArray, values: IntArray, wanted: IntArray) -> IntArray:
    """values[keys == w] for each w of ``wanted`` (-1 when absent); ``keys`` need not be sorted."""
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    pos = np.minimum(np.searchsorted(sk, wanted), max(len(sk) - 1, 0))
    out = np.full(len(wanted), -1, dtype=np.int64)
    if len(sk):
        hit = sk[pos] == wanted
        out[hit] = values[order][pos[hit]]
    return out


def _group_counts(matrix: VoteMatrix, labels: IntArray, g: int) -> tuple[IntArray, IntArray, IntArray]:
    """(agree, disagree, seen) per group × statement, over participants with a label in 0..g-1."""
    m = matrix.shape[1]
    lab = labels[matrix.rows]
    ok = lab >= 0
    # One counting pass: code = (group·statements + statement)·3 + (vote + 1).
    code = (lab[ok] * m + matrix.cols[ok]) * 3 + (matrix.values[ok].astype(np.int64) + 1)
    counts = np.bincount(code, minlength=g * m * 3).reshape(g, m, 3)
    agree, passed, disagree = counts[:, :, 2], counts[:, :, 1], counts[:, :, 0]
    return agree, disagree, agree + passed + disagree


def group_vote_counts(matrix: VoteMatrix, group_of: npt.ArrayLike) -> tuple[IntArray, IntArray, IntArray]:
    """(agree, disagree, seen) per group × statement for a given grouping of the matrix's participants.

    ``group_of`` holds each participant's group (0, 1, …; -1 for none), in ``matrix.participants``
    order. With Polis's own groups this gives the counts behind the figures Polis exports (e.g. its
    group-informed consensus), so each statistic can be checked apart from the clustering.
    """
    labels = np.asarray(group_of, dtype=np.int64)
    if labels.shape != (matrix.shape[0],):
        raise ValueError("group_of must give one group per participant of the matrix")
    g = int(labels.max()) + 1 if len(labels) else 0
    return _group_counts(matrix, labels, max(g, 0))


def opinion_map(
    matrix: VoteMatrix,
    *,
    moderated_out: frozenset[int] = frozenset(),
    parameters: PolisParameters = PolisParameters(),
    previous: OpinionState | None = None,
    entered: frozenset[int] = frozenset(),
) -> OpinionMap:
    """Compute the opinion map of a conversation with Polis's pipeline (conversation.clj, small-conv graph).

    1. Participants enter the map after min(7, statements) votes (once in, always in).
    2. PCA of the vote matrix, missing votes replaced by the statement's mean (pca.clj, powerit-pca).
    3. Each participant is projected using their votes only, scaled by √(statements / their votes)
       (pca.clj, sparsity-aware-project-ptpt); moderated-out statements count as a 0 vote for everyone.
    4. Base clusters: k-means with k = 100 on the coordinates, started on the first distinct points.
    5. Groups: weighted k-means over base-cluster centres for k = 2..min(5, 2 + bases/12), k chosen by
       silhouette, a new k shown only after winning 4 updates in a row (k-smoothing); from scratch,
       coopgov also tries seeded k-means++ restarts and keeps the lowest inertia (``group_restarts``).
    6. Representative statements, consensus and group-informed consensus (repness.clj).

    ``previous`` makes this an update (Polis's way): PCA, base clusters, groups and k-smoothing start
    from the last state instead of from scratch. ``entered``: participants who entered the map at an
    earlier update (Polis's "once in, always in"; :func:`polis_in_conv_history` finds them from the
    timestamps of the votes) and stay in it whatever their number of votes.
    """
    params = parameters
    n, m = matrix.shape
    keep_col = ~np.isin(
        matrix.statements, np.fromiter(moderated_out, dtype=np.int64, count=len(moderated_out))
    )
    n_modout = int((~keep_col).sum())
    x, pattern, mean, counts = _centred_operator(matrix, keep_col)
    gram = _gram(x, pattern, mean)
    start = None
    if previous is not None and len(previous.statements):
        start = np.zeros((2, m))
        pos = np.searchsorted(matrix.statements, previous.statements)
        ok = (pos < m) & (matrix.statements[np.minimum(pos, m - 1)] == previous.statements)
        start[:, pos[ok]] = previous.components[:, ok]
        start[:, ~np.isin(np.arange(m), pos[ok])] = 1.0 / np.sqrt(max(m, 1))
    comps = _pca(gram, start, params.update_pca_iters)
    # Projection: only voted statements count (Polis zeroes moderated-out columns, which it then counts
    # as votes), and the result is pushed out by √(n_cmts / n_votes).
    raw = x @ comps.T - pattern @ (mean[:, None] * comps.T)

    voted = np.asarray(pattern.sum(axis=1)).ravel() + n_modout
    coords = np.asarray(raw * np.sqrt(m / np.maximum(voted, 1))[:, None], dtype=np.float64)

    before = (previous.in_conv | entered) if previous else entered
    in_conv = _in_conv(counts, matrix.participants, m, params, before)
    rows_in = np.flatnonzero(in_conv)
    pts = coords[rows_in]

    # Base clusters (ids persist across updates, as Polis's do).
    ids_in = matrix.participants[rows_in]
    if previous is not None and len(previous.base_ids):
        init, init_ids = warm_start_centres(
            pts, _lookup(previous.base_ids, previous.base_labels, ids_in), params.base_k
        )
    else:
        init = first_distinct(pts, params.base_k)
        init_ids = np.arange(len(init), dtype=np.int64)
    base_label, base_centres, kept = kmeans(pts, init, max_iters=params.base_iters)
    base_cluster_ids = init_ids[kept]
    nb = len(base_centres)
    base_size = np.bincount(base_label, minlength=nb).astype(np.float64)

    # Groups over base clusters, for each k, with silhouettes.
    max_k = min(params.max_k, 2 + nb // 12)
    clusterings: dict[int, IntArray] = {}
    group_ids: dict[int, IntArray] = {}
    silhouettes: dict[int, float] = {}
    for k in range(2, max_k + 1):
        if previous is not None and k in previous.group_labels:
            # Polis starts each k from the same k's last clustering (clean-start-clusters).
            old = _lookup(previous.base_cluster_ids, previous.group_labels[k], base_cluster_ids)
            ginit, ginit_ids = warm_start_centres(base_centres, old, k, weights=base_size)
        else:
            ginit = first_distinct(base_centres, k)
            ginit_ids = np.arange(len(ginit), dtype=np.int64)
        glabel, gcentres, gkept = kmeans(base_centres, ginit, weights=base_size, max_iters=params.group_iters)
        if params.group_restarts and nb > k and previous is None:
            glabel, gkept = _best_of_restarts(base_centres, base_size, k, glabel, gcentres, gkept, params)
        clusterings[k] = glabel
        group_ids[k] = ginit_ids[gkept]
        silhouettes[k] = silhouette(base_centres, glabel) if nb else 0.0
    if silhouettes:
        # Ties go to the larger k, as Clojure's max-key returns the last maximum.
        this_k = max(silhouettes, key=lambda k: (silhouettes[k], k))
        last_k = previous.last_k if previous else None
        count = (previous.last_k_count + 1) if previous and last_k == this_k else 1
        smoothed = previous.smoothed_k if previous and previous.smoothed_k in clusterings else None
        chosen = this_k if count >= params.k_buffer or smoothed is None else smoothed
        group_of_base = clusterings[chosen]
    else:
        this_k, count, chosen = 0, 0, 0
        group_of_base = np.zeros(nb, dtype=np.int64)
    g = int(group_of_base.max()) + 1 if nb else 0

    group_of = np.full(n, -1, dtype=np.int64)
    if nb:
        group_of[rows_in] = group_of_base[base_label]
    agree, disagree, seen = _group_counts(matrix, group_of, g)
    statements = matrix.statements
    reps = select_representative(
        statements,
        agree.astype(float),
        disagree.astype(float),
        seen.astype(float),
        moderated_out,
        params.pick,
    )
    all_labels = np.zeros(n, dtype=np.int64)
    ta, td, ts = _group_counts(matrix, all_labels, 1)
    consensus = select_consensus(
        statements, ta[0].astype(float), td[0].astype(float), ts[0].astype(float), moderated_out, params.pick
    )
    gac_a, gac_d = group_informed_consensus(agree.astype(float), disagree.astype(float), seen.astype(float))
    divisive = select_divisive(
        statements, agree.astype(float), seen.astype(float), moderated_out, params.pick
    )

    groups = tuple(
        Group(
            id=gi, members=tuple(int(p) for p in matrix.participants[group_of == gi]), representative=reps[gi]
        )
        for gi in range(g)
    )
    base_ids = matrix.participants[rows_in]
    sort = np.argsort(base_ids, kind="stable")
    state = OpinionState(
        statements=statements.copy(),
        components=comps,
        in_conv=frozenset(int(p) for p in matrix.participants[in_conv]),
        base_ids=base_ids[sort],
        base_labels=base_cluster_ids[base_label][sort],
        base_cluster_ids=base_cluster_ids,
        group_labels={k: group_ids[k][lab] for k, lab in clusterings.items()},
        last_k=this_k or None,
        last_k_count=count,
        smoothed_k=chosen or None,
    )
    stats = StatementStats(
        statements=statements,
        agree=ta[0],
        disagree=td[0],
        passed=ts[0] - ta[0] - td[0],
        group_agree=agree,
        group_disagree=disagree,
        group_seen=seen,
        group_informed_consensus_agree=gac_a,
        group_informed_consensus_disagree=gac_d,
    )
    return OpinionMap(
        participants=matrix.participants,
        coordinates=coords,
        in_conv=in_conv,
        group_of=group_of,
        groups=groups,
        consensus=consensus,
        divisive=divisive,
        statement_stats=stats,
        silhouettes=silhouettes,
        state=state,
    )


def update_opinion_map(
    previous: OpinionMap,
    matrix: VoteMatrix,
    *,
    moderated_out: frozenset[int] = frozenset(),
    parameters: PolisParameters = PolisParameters(),
) -> OpinionMap:
    """The map after new votes, computed Polis's way from the last map's state (warm starts, k-smoothing)."""
    return opinion_map(matrix, moderated_out=moderated_out, parameters=parameters, previous=previous.state)


def replay_opinion_map(
    participants: npt.ArrayLike,
    statements: npt.ArrayLike,
    votes: npt.ArrayLike,
    timestamps: npt.ArrayLike,
    *,
    interval: float,
    moderated_out: frozenset[int] = frozenset(),
    parameters: PolisParameters = PolisParameters(),
) -> tuple[OpinionMap, int]:
    """Rebuild a conversation's map the way the production Polis reached it: update after update.

    Polis never recomputes from scratch; it updates its map as votes arrive, each update starting from
    the last (conversation.clj). Its groups therefore depend on the history. Votes are taken in time
    order and an update runs at the first vote at least ``interval`` (same unit as ``timestamps``) after
    the previous update, and at the end. Returns (final map, number of updates).
    """
    t = np.asarray(timestamps, dtype=np.float64)
    chron = np.argsort(t, kind="stable")
    p = np.asarray(participants, dtype=np.int64)[chron]
    s = np.asarray(statements, dtype=np.int64)[chron]
    v = np.asarray(votes, dtype=np.int8)[chron]
    t = t[chron]
    cuts: list[int] = []
    last = -np.inf
    for i, ti in enumerate(t.tolist()):
        if ti - last >= interval:
            if i:
                cuts.append(i)
            last = ti
    cuts.append(len(t))
    result: OpinionMap | None = None
    for cut in cuts:
        matrix = VoteMatrix.from_votes(p[:cut], s[:cut], v[:cut])
        state = result.state if result is not None else None
        result = opinion_map(matrix, moderated_out=moderated_out, parameters=parameters, previous=state)
    assert result is not None
    return result, len(cuts)
