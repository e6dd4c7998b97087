"""PrefLib ranked-ballot files (``.soc``, ``.soi``, ``.toc``, ``.toi``): reader and writer.

Format (PrefLib 2022, https://preflib.github.io/PrefLib-Jekyll/format): ``#`` header lines
(``# DATA TYPE: soi``, ``# NUMBER ALTERNATIVES: n``, ``# ALTERNATIVE NAME i: name``…) then one line per
distinct order, ``count: a,b,{c,d},e`` — candidates are numbered 1…n, braces hold tied candidates.
``soc``/``soi`` are strict (no braces), ``soc``/``toc`` complete (every candidate ranked).

Candidate identifiers are the PrefLib numbers as strings ("1", "2"…), names come from the header.
Malformed files raise :class:`BallotFileError` naming the file, the line and what is wrong.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import numpy.typing as npt

from coopgov.domain.voting.ranked_ballots import UNRANKED, Candidate, RankedProfile

_KINDS = ("soc", "soi", "toc", "toi")
_FAST_BYTES = np.zeros(256, dtype=bool)
_FAST_BYTES[list(b"0123456789,: \t\r\n")] = True
_LINE_END = np.zeros(256, dtype=bool)
_LINE_END[list(b"\r\n")] = True
_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[list(b"0123456789")] = True
_NAME_RE = re.compile(r"ALTERNATIVE NAME (\d+)\s*:\s?(.*)$")


class BallotFileError(ValueError):
    """A ballot file that cannot be read: says which file, which line (1-based) and what is wrong."""

    def __init__(self, path: str | Path, line: int | None, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


def read_preflib(path: str | Path) -> RankedProfile:
    """Read a PrefLib ``.soc``/``.soi``/``.toc``/``.toi`` file into an aggregated :class:`RankedProfile`.

    The data type comes from ``# DATA TYPE`` (or the file extension). Checks: every order line is
    ``count: order``; candidates exist and appear once; strict types hold no ties; complete types rank
    every candidate; the counts add up to ``# NUMBER VOTERS`` when the header gives it.
    Large strict files take a vectorised path (a million orders in well under a second).
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise BallotFileError(p, None, f"cannot read file: {exc.strerror or exc}") from None
    # Split the header ("#" lines at the top) from the order lines, remembering line numbers.
    header: dict[str, str] = {}
    names: dict[int, str] = {}
    offset = 0
    line_no = 0
    while offset < len(raw):
        end = raw.find(b"\n", offset)
        end = len(raw) if end < 0 else end
        line = raw[offset:end]
        if not line.startswith(b"#"):
            break
        line_no += 1
        try:
            text = line.decode("utf-8").rstrip("\r")
        except UnicodeDecodeError:
            raise BallotFileError(p, line_no, "header line is not valid UTF-8") from None
        body = text[1:].strip()
        m = _NAME_RE.match(body)
        if m:
            names[int(m.group(1))] = m.group(2).strip()
        elif ":" in body:
            key, _, value = body.partition(":")
            header[key.strip().upper()] = value.strip()
        offset = end + 1
    data = raw[offset:]
    first_data_line = line_no + 1

    kind = (header.get("DATA TYPE") or p.suffix.lstrip(".")).lower()
    if kind not in _KINDS:
        raise BallotFileError(
            p, None, f"unknown PrefLib data type {kind!r} (expected one of {', '.join(_KINDS)})"
        )
    n_text = header.get("NUMBER ALTERNATIVES")
    if n_text is None:
        if not names:
            raise BallotFileError(
                p, None, "header gives neither NUMBER ALTERNATIVES nor ALTERNATIVE NAME lines"
            )
        n = max(names)
    else:
        try:
            n = int(n_text)
        except ValueError:
            raise BallotFileError(p, None, f"NUMBER ALTERNATIVES is not a whole number: {n_text!r}") from None
    if n < 1:
        raise BallotFileError(p, None, "NUMBER ALTERNATIVES must be at least 1")
    bad_names = [i for i in names if not 1 <= i <= n]
    if bad_names:
        raise BallotFileError(p, None, f"ALTERNATIVE NAME {bad_names[0]} is outside 1…{n}")
    candidates = tuple(Candidate(id=str(i), name=names.get(i, str(i))) for i in range(1, n + 1))

    parsed = None
    if b"{" not in data:
        parsed = _parse_fast(data, n, first_data_line)
    if parsed is None:
        parsed = _parse_slow(p, data, n, first_data_line)
    ranks, counts, line_numbers = parsed

    strict = kind.startswith("s")
    complete = kind.endswith("oc")
    ranked = ranks != UNRANKED
    if complete:
        missing = ~ranked.all(axis=1)
        if missing.any():
            row = int(np.flatnonzero(missing)[0])
            raise BallotFileError(p, int(line_numbers[row]), f"a {kind} order must rank all {n} candidates")
    if strict:
        n_tiers = ranks.max(axis=1, where=ranked, initial=-1) + 1
        tied = n_tiers != ranked.sum(axis=1)
        if tied.any():
            row = int(np.flatnonzero(tied)[0])
            raise BallotFileError(p, int(line_numbers[row]), f"a {kind} order cannot hold ties ({{…}})")
    voters = header.get("NUMBER VOTERS")
    if voters is not None and voters.isdigit() and int(voters) != int(counts.sum()):
        raise BallotFileError(
            p, None, f"the order counts add up to {int(counts.sum())}, but NUMBER VOTERS says {voters}"
        )
    return RankedProfile.from_ranks(candidates, ranks, counts, validate=False, aggregate=True)


def _parse_fast(
    data: bytes, n: int, first_line: int
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float64], npt.NDArray[np.int64]] | None:
    """Vectorised parse of strict order lines (no braces); ``None`` sends the caller to the slow path.

    Accepts exactly ``count: a,b,c`` lines (one optional space after the colon, ``\n`` or ``\r\n``
    line ends). Anything else — other blanks, an empty line, a doubled comma, an unknown or repeated
    candidate — returns ``None``: the slow path then reads the file and names the first bad line.
    """
    b = np.frombuffer(data, dtype=np.uint8)
    if b.size == 0 or not _FAST_BYTES[b].all():
        return None
    is_digit = _DIGIT[b]
    edge = np.diff(is_digit.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edge == 1)
    ends = np.flatnonzero(edge == -1)  # one past each token's last digit
    if starts.size < 2 or starts[0] != 0 or not _LINE_END[b[ends[-1] :]].all():
        return None
    lengths = ends - starts
    if lengths.max() > 15:
        return None
    # What separates each token from the next decides its role: "\n" → next is a count, ":" → next is a
    # first choice, "," → next is a later choice. Gaps of other shapes go to the slow path.
    gap = starts[1:] - ends[:-1]
    c1 = b[ends[:-1]]
    c2 = b[np.minimum(ends[:-1] + 1, b.size - 1)]
    one = gap == 1
    two = gap == 2
    next_is_count = (one & (c1 == 10)) | (two & (c1 == 13) & (c2 == 10))
    next_is_first = (c1 == 58) & (one | (two & (c2 == 32)))
    next_is_later = one & (c1 == 44)
    if not np.all(next_is_count | next_is_first | next_is_later):
        return None
    is_count = np.concatenate([[True], next_is_count])
    # Every count is followed by a first choice, and only counts are; the last token is a choice.
    if not np.array_equal(next_is_first, is_count[:-1]) or is_count[-1]:
        return None
    values = b[starts].astype(np.int64) - 48
    for k in range(1, int(lengths.max())):  # Horner's rule over the (few) longer tokens
        longer = np.flatnonzero(lengths > k)
        values[longer] = values[longer] * 10 + (b[starts[longer] + k].astype(np.int64) - 48)
    choice = ~is_count
    cand = values[choice]
    if cand.min() < 1 or cand.max() > n:
        return None
    count_index = np.flatnonzero(is_count)
    row = np.cumsum(is_count) - 1  # ballot row of every token
    position = np.arange(starts.size) - count_index[row] - 1
    ranks = np.full(count_index.size * n, UNRANKED, dtype=np.int32)
    ranks[row[choice] * n + (cand - 1)] = position[choice]
    # A repeated candidate leaves fewer ranked cells than choice tokens.
    if int(np.count_nonzero(ranks != UNRANKED)) != cand.size:
        return None
    counts = values[is_count].astype(np.float64)
    # Line numbers: one line per ballot row, since lines are contiguous and none is empty.
    line_ids = np.arange(count_index.size, dtype=np.int64)
    return ranks.reshape(count_index.size, n), counts, line_ids + first_line


def _parse_slow(
    path: Path, data: bytes, n: int, first_line: int
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Line-by-line parse of any order lines, with a precise error for the first bad one."""
    rows: list[list[int]] = []
    counts: list[float] = []
    line_numbers: list[int] = []
    cache: dict[str, list[int]] = {}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = first_line + data[: exc.start].count(b"\n")
        raise BallotFileError(path, bad_line, "not valid UTF-8") from None
    for k, line in enumerate(text.splitlines()):
        line_no = first_line + k
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            raise BallotFileError(path, line_no, "header line after the first order line")
        count_text, colon, order_text = stripped.partition(":")
        if not colon:
            raise BallotFileError(path, line_no, "expected 'count: order', found no colon")
        count_text = count_text.strip()
        if not count_text.isdigit():
            raise BallotFileError(path, line_no, f"count {count_text!r} is not a whole number")
        row = cache.get(order_text)
        if row is None:
            row = _parse_order(path, line_no, order_text, n)
            cache[order_text] = row
        rows.append(row)
        counts.append(float(int(count_text)))
        line_numbers.append(line_no)
    ranks = np.array(rows, dtype=np.int32).reshape(len(rows), n)
    return ranks, np.array(counts, dtype=np.float64), np.array(line_numbers, dtype=np.int64)


def _parse_order(path: Path, line_no: int, order_text: str, n: int) -> list[int]:
    row = [UNRANKED] * n
    tier = 0
    text = order_text.strip()
    if not text:
        raise BallotFileError(path, line_no, "the order after the colon is empty")
    i = 0
    length = len(text)
    while i < length:
        if text[i] == "{":
            close = text.find("}", i)
            if close < 0:
                raise BallotFileError(path, line_no, "'{' is never closed by '}'")
            group = [g.strip() for g in text[i + 1 : close].split(",")]
            i = close + 1
        else:
            comma = text.find(",", i)
            comma = length if comma < 0 else comma
            group = [text[i:comma].strip()]
            i = comma
            if "}" in group[0]:
                raise BallotFileError(path, line_no, "'}' without a matching '{'")
        for item in group:
            if not item.isdigit():
                raise BallotFileError(path, line_no, f"{item!r} is not a candidate number")
            c = int(item)
            if not 1 <= c <= n:
                raise BallotFileError(path, line_no, f"candidate {c} is outside 1…{n}")
            if row[c - 1] != UNRANKED:
                raise BallotFileError(path, line_no, f"candidate {c} appears twice")
            row[c - 1] = tier
        tier += 1
        # Skip the separator after a group.
        while i < length and text[i] == " ":
            i += 1
        if i < length:
            if text[i] != ",":
                raise BallotFileError(path, line_no, f"expected ',' after a candidate, found {text[i]!r}")
            i += 1
            if i >= length or not text[i:].strip():
                raise BallotFileError(path, line_no, "the order ends with a comma")
            while i < length and text[i] == " ":
                i += 1
    return row


def write_preflib(profile: RankedProfile, path: str | Path, *, title: str = "") -> None:
    """Write a profile as a PrefLib file; the data type follows the ballots (strict? complete?).

    Candidates are numbered 1…n in the profile's column order, names go to the header, orders are
    written most frequent first. Non-integer weights cannot be written (PrefLib counts voters).
    """
    p = Path(path)
    weights = profile.weights
    if np.any(weights != np.round(weights)):
        raise ValueError("PrefLib counts voters: every ballot weight must be a whole number")
    kind = ("s" if profile.is_strict() else "t") + ("oc" if profile.is_complete() else "oi")
    order = np.argsort(-weights, kind="stable")
    lines = [
        f"# FILE NAME: {p.name}",
        f"# TITLE: {title}",
        f"# DATA TYPE: {kind}",
        f"# NUMBER ALTERNATIVES: {profile.n_candidates}",
        f"# NUMBER VOTERS: {int(weights.sum())}",
        f"# NUMBER UNIQUE ORDERS: {profile.n_rows}",
    ]
    lines += [f"# ALTERNATIVE NAME {i}: {c.name}" for i, c in enumerate(profile.candidates, start=1)]
    out = ["\n".join(lines), "\n"]
    ranks = profile.ranks[order]
    counts = weights[order].astype(np.int64)
    if kind in ("soc", "soi"):
        # Strict orders: the candidate at each position is the argsort of the ranks.
        positions = np.argsort(ranks, axis=1, kind="stable") + 1
        n_ranked = (ranks != UNRANKED).sum(axis=1)
        for row, count, k in zip(positions.tolist(), counts.tolist(), n_ranked.tolist(), strict=True):
            out.append(f"{count}: {','.join(map(str, row[:k]))}\n")
    else:
        for row, count in zip(ranks.tolist(), counts.tolist(), strict=True):
            n_tiers = max((r for r in row if r != UNRANKED), default=-1) + 1
            tiers: list[list[int]] = [[] for _ in range(n_tiers)]
            for c, r in enumerate(row):
                if r != UNRANKED:
                    tiers[r].append(c + 1)
            parts = [str(t[0]) if len(t) == 1 else "{" + ",".join(map(str, t)) + "}" for t in tiers]
            out.append(f"{count}: {','.join(parts)}\n")
    p.write_text("".join(out), encoding="utf-8")
