"""Ranked ballots: the profile every ranked counting rule (Schulze, ranked pairs, IRV, STV) reads.

A profile holds the candidates (identifier and name), the distinct ballots as an integer rank array and
how many voters (or how much voting weight) cast each one, and optionally the number of seats.

Rank encoding, chosen for speed: ``ranks[b, c]`` is the tier of candidate ``c`` on ballot ``b``
(0 = most preferred; candidates in one tier are tied) or :data:`UNRANKED` when the ballot leaves ``c``
out. Unranked candidates count as tied below every ranked one, as in PrefLib's ``.soi``/``.toi`` files.
Tiers are dense: a ballot with three tiers uses 0, 1 and 2. Identical ballots are aggregated, so a
million voters who cast a few thousand distinct rankings cost a few thousand rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

#: Rank of a candidate the ballot does not rank (larger than any tier, so ``<`` means "preferred").
UNRANKED: Final[int] = int(np.iinfo(np.int32).max)

RankArray = npt.NDArray[np.int32]
WeightArray = npt.NDArray[np.float64]


class RankedProfileError(ValueError):
    """A ranked profile or ballot that cannot be counted (unknown or repeated candidate, bad weight)."""


@dataclass(frozen=True)
class Candidate:
    """One candidate: a stable identifier (what results name) and a display name."""

    id: str
    name: str


@dataclass(frozen=True)
class RankedBallot:
    """One ranking, as tiers of candidate identifiers (best first; a tier holds tied candidates).

    ``weight`` is how many voters cast it, or their total voting weight.
    """

    tiers: tuple[tuple[str, ...], ...]
    weight: float = 1.0


def _as_candidates(candidates: Iterable[Candidate | str]) -> tuple[Candidate, ...]:
    out = tuple(c if isinstance(c, Candidate) else Candidate(id=str(c), name=str(c)) for c in candidates)
    ids = [c.id for c in out]
    if len(set(ids)) != len(ids):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise RankedProfileError(f"candidate identifiers must be unique; repeated: {', '.join(dupes)}")
    return out


def dense_ranks(ranks: npt.ArrayLike) -> RankArray:
    """Renumber each row's tiers to 0, 1, 2… keeping order and ties; :data:`UNRANKED` stays unranked.

    ``[[5, 2, 2, UNRANKED]]`` becomes ``[[1, 0, 0, UNRANKED]]``.
    """
    r = np.asarray(ranks, dtype=np.int64)
    if r.ndim != 2:
        raise RankedProfileError("ranks must be a 2-D array (ballots × candidates)")
    if r.size == 0:
        return r.astype(np.int32)
    order = np.argsort(r, axis=1, kind="stable")
    s = np.take_along_axis(r, order, axis=1)
    new_tier = np.zeros(s.shape, dtype=np.int64)
    new_tier[:, 1:] = s[:, 1:] != s[:, :-1]
    dense_sorted = np.cumsum(new_tier, axis=1)
    dense_sorted[s == UNRANKED] = UNRANKED
    out = np.empty_like(r)
    np.put_along_axis(out, order, dense_sorted, axis=1)
    return out.astype(np.int32)


def _aggregate(ranks: RankArray, weights: WeightArray) -> tuple[RankArray, WeightArray]:
    """Merge identical rank rows, summing their weights; rows come out in a canonical (sorted) order."""
    n_rows, n_cand = ranks.shape
    if n_rows <= 1:
        return ranks, weights
    # Pack each row into one int64 when it fits: sorting one integer column is far faster than rows.
    top = int(ranks[ranks != UNRANKED].max(initial=0)) + 2
    if n_cand > 0 and top**n_cand < 2**62:
        coded = np.where(ranks == UNRANKED, top - 1, ranks).astype(np.int64)
        key = np.zeros(n_rows, dtype=np.int64)
        for c in range(n_cand):
            key = key * top + coded[:, c]
        uniq, inverse = np.unique(key, return_inverse=True)
        first = np.zeros(len(uniq), dtype=np.int64)
        first[inverse] = np.arange(n_rows)  # any representative will do: the rows are identical
    else:
        contiguous = np.ascontiguousarray(ranks)
        view = contiguous.view(np.dtype((np.void, contiguous.dtype.itemsize * n_cand))).ravel()
        _, first, inverse = np.unique(view, return_index=True, return_inverse=True)
        uniq = first
    summed = np.bincount(inverse.ravel(), weights=weights, minlength=len(uniq))
    return ranks[first], summed.astype(np.float64)


@dataclass(frozen=True, eq=False)
class RankedProfile:
    """Distinct ranked ballots with their weights, over named candidates, with optional seats.

    Build one with :meth:`from_ballots` (readable) or :meth:`from_ranks` (fast, from arrays). The arrays
    are read-only. ``seats`` is the number of places to fill when the file or form says so (STV).
    """

    candidates: tuple[Candidate, ...]
    ranks: RankArray
    weights: WeightArray
    seats: int | None = None

    def __post_init__(self) -> None:
        if self.ranks.ndim != 2 or self.ranks.shape[1] != len(self.candidates):
            raise RankedProfileError(
                f"ranks must have one column per candidate ({len(self.candidates)}), "
                f"got shape {self.ranks.shape}"
            )
        if self.weights.shape != (self.ranks.shape[0],):
            raise RankedProfileError("weights must hold one value per ballot row")
        if self.seats is not None and self.seats < 1:
            raise RankedProfileError(f"seats must be at least 1, got {self.seats}")
        self.ranks.setflags(write=False)
        self.weights.setflags(write=False)

    # --- construction -----------------------------------------------------------------------------

    @classmethod
    def from_ranks(
        cls,
        candidates: Iterable[Candidate | str],
        ranks: npt.ArrayLike,
        weights: npt.ArrayLike | None = None,
        *,
        seats: int | None = None,
        aggregate: bool = True,
        validate: bool = True,
    ) -> RankedProfile:
        """A profile from a rank array (see the module docstring) and per-row weights (default 1 each).

        ``validate`` checks the values and renumbers tiers densely; readers that already produce dense
        ranks pass ``False`` to save time. ``aggregate`` merges identical rows.
        """
        cands = _as_candidates(candidates)
        r = np.asarray(ranks)
        if r.ndim == 1 and r.size == 0:
            r = r.reshape(0, len(cands))
        if weights is None:
            w = np.ones(r.shape[0], dtype=np.float64)
        else:
            w = np.asarray(weights, dtype=np.float64)
        if validate:
            if r.ndim != 2 or r.shape[1] != len(cands):
                raise RankedProfileError(
                    f"ranks must have one column per candidate ({len(cands)}), got shape {r.shape}"
                )
            if r.size and (r.min() < 0):
                raise RankedProfileError("ranks must be non-negative (use UNRANKED for a left-out candidate)")
            if w.shape != (r.shape[0],):
                raise RankedProfileError("weights must hold one value per ballot row")
            if w.size and (not np.all(np.isfinite(w)) or w.min() < 0):
                raise RankedProfileError("ballot weights must be finite and non-negative")
            r = dense_ranks(r)
        else:
            r = np.ascontiguousarray(r, dtype=np.int32)
        if aggregate:
            r, w = _aggregate(r, w)
        return cls(candidates=cands, ranks=r, weights=w, seats=seats)

    @classmethod
    def from_ballots(
        cls,
        candidates: Iterable[Candidate | str],
        ballots: Iterable[RankedBallot | Sequence[str | Sequence[str]]],
        *,
        seats: int | None = None,
    ) -> RankedProfile:
        """A profile from readable ballots: :class:`RankedBallot` or plain lists, aggregated.

        A plain list like ``["a", ("b", "c"), "d"]`` means a ≻ b ~ c ≻ d with weight 1. A candidate may
        appear at most once on a ballot; candidates left out are unranked.
        """
        cands = _as_candidates(candidates)
        index = {c.id: i for i, c in enumerate(cands)}
        rows: list[list[int]] = []
        weights: list[float] = []
        for number, ballot in enumerate(ballots, start=1):
            if isinstance(ballot, RankedBallot):
                tiers: Sequence[Sequence[str]] = ballot.tiers
                weight = float(ballot.weight)
            else:
                tiers = [(t,) if isinstance(t, str) else tuple(t) for t in ballot]
                weight = 1.0
            row = [UNRANKED] * len(cands)
            tier_no = 0
            for tier in tiers:
                if not tier:
                    continue
                for cid in tier:
                    i = index.get(cid)
                    if i is None:
                        raise RankedProfileError(f"ballot {number}: unknown candidate {cid!r}")
                    if row[i] != UNRANKED:
                        raise RankedProfileError(f"ballot {number}: candidate {cid!r} is ranked twice")
                    row[i] = tier_no
                tier_no += 1
            if not (weight >= 0 and np.isfinite(weight)):
                raise RankedProfileError(f"ballot {number}: weight must be finite and non-negative")
            rows.append(row)
            weights.append(weight)
        arr = np.array(rows, dtype=np.int32).reshape(len(rows), len(cands))
        return cls.from_ranks(cands, arr, np.array(weights, dtype=np.float64), seats=seats, validate=False)

    def with_seats(self, seats: int | None) -> RankedProfile:
        """The same ballots with another number of seats."""
        return RankedProfile(candidates=self.candidates, ranks=self.ranks, weights=self.weights, seats=seats)

    # --- reading ----------------------------------------------------------------------------------

    @property
    def candidate_ids(self) -> tuple[str, ...]:
        """Candidate identifiers, in column order."""
        return tuple(c.id for c in self.candidates)

    @property
    def n_candidates(self) -> int:
        return len(self.candidates)

    @property
    def n_rows(self) -> int:
        """Number of distinct ballot rows (after aggregation)."""
        return int(self.ranks.shape[0])

    @property
    def total_weight(self) -> float:
        """Number of voters (or total voting weight)."""
        return float(self.weights.sum())

    def index_of(self, candidate_id: str) -> int:
        """Column of a candidate identifier."""
        for i, c in enumerate(self.candidates):
            if c.id == candidate_id:
                return i
        raise RankedProfileError(f"unknown candidate {candidate_id!r}")

    def name_of(self, candidate_id: str) -> str:
        """Display name of a candidate identifier."""
        return self.candidates[self.index_of(candidate_id)].name

    def ballots(self) -> Iterator[RankedBallot]:
        """The distinct ballots as readable tiers, with their weights."""
        ids = self.candidate_ids
        for row, weight in zip(self.ranks.tolist(), self.weights.tolist(), strict=True):
            n_tiers = max((r for r in row if r != UNRANKED), default=-1) + 1
            tiers: list[list[str]] = [[] for _ in range(n_tiers)]
            for c, r in enumerate(row):
                if r != UNRANKED:
                    tiers[r].append(ids[c])
            yield RankedBallot(tiers=tuple(tuple(t) for t in tiers), weight=weight)

    def is_strict(self) -> bool:
        """True when no ballot ties two ranked candidates (``.soc``/``.soi``-shaped)."""
        ranked = self.ranks != UNRANKED
        return bool(np.all(self.ranks.max(axis=1, where=ranked, initial=-1) + 1 == ranked.sum(axis=1)))

    def is_complete(self) -> bool:
        """True when every ballot ranks every candidate (``.soc``/``.toc``-shaped)."""
        return bool(np.all(self.ranks != UNRANKED))

    def preference_lists(self) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
        """Each row's candidates in preference order, as ``(order, tier)`` arrays padded with -1.

        ``order[b, j]`` is the column of the candidate at position ``j`` on ballot ``b``; ``tier[b, j]`` its
        tier (equal tiers mark ties). Unranked candidates are left out (padding -1). Used by IRV and STV.
        """
        n = self.n_candidates
        order = np.argsort(self.ranks, axis=1, kind="stable").astype(np.int32)
        tier = np.take_along_axis(self.ranks, order, axis=1).astype(np.int32)
        unranked = tier == UNRANKED
        order[unranked] = -1
        tier[unranked] = -1
        width = int((~unranked).sum(axis=1).max(initial=0))
        return order[:, : max(width, 0) if n else 0], tier[:, : max(width, 0) if n else 0]


def pairwise_matrix(profile: RankedProfile) -> WeightArray:
    """``d[a, b]`` = weight of the ballots that rank ``a`` strictly above ``b`` (unranked count as last).

    Vectorised in blocks of rows so a million distinct ballots stay within cache-sized temporaries.
    """
    n = profile.n_candidates
    d = np.zeros((n, n), dtype=np.float64)
    ranks = profile.ranks
    weights = profile.weights
    block = 1 << 15
    for start in range(0, ranks.shape[0], block):
        r = ranks[start : start + block]
        w = weights[start : start + block]
        for a in range(n):
            d[a] += w @ (r[:, a, None] < r)
    return d
