"""Readers for sortition pools and quotas in the two CSV conventions in use.

- The Sortition Foundation's (stratification-app, sortition-algorithms): ``features.csv`` with columns
  ``feature,value,min,max`` and optionally ``min_flex,max_flex``; the people file has an id column and
  one column per feature (and any number of other columns, such as addresses).
- Flanigan et al.'s replication package (Nature 2021): ``categories.csv`` with columns
  ``category,feature,min,max`` (their "category" is our feature, their "feature" our value);
  ``respondents.csv`` has one column per category and no id, so members are numbered from 0 in file order.

The convention is recognised from the quota file's header. Every error names the file, the line and the
column, and nothing is returned from a file with an error (all or nothing).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from coopgov.domain.sortition.model import Person, Quota

SORTITION_FOUNDATION = "sortition-foundation"
FLANIGAN = "flanigan2021"


class SortitionFormatError(ValueError):
    """A malformed pool or quota file: ``source``, ``line`` (1 = header, 0 = the whole file) and
    ``column`` say where."""

    def __init__(self, source: str, line: int, column: str | None, message: str) -> None:
        where = source + (f", line {line}" if line else "") + (f", column {column!r}" if column else "")
        super().__init__(f"{where}: {message}")
        self.source = source
        self.line = line
        self.column = column


@dataclass(frozen=True)
class SortitionInput:
    """A pool and its quotas as read from files, with the convention they were written in."""

    pool: tuple[Person, ...]
    quotas: tuple[Quota, ...]
    convention: str


def _rows(text: str, source: str) -> list[tuple[int, list[str]]]:
    """The non-blank rows with their line numbers (csv's own count, so quoted newlines stay right)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if row and any(cell.strip() for cell in row):
                rows.append((reader.line_num, [cell.strip() for cell in row]))
    except csv.Error as error:
        raise SortitionFormatError(source, reader.line_num, None, f"not valid CSV ({error})") from error
    if not rows:
        raise SortitionFormatError(source, 1, None, "the file is empty")
    return rows


def _count(text: str, source: str, line: int, column: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise SortitionFormatError(source, line, column, f"{text!r} is not a whole number") from None
    if value < 0:
        raise SortitionFormatError(source, line, column, f"{value} is negative")
    return value


def parse_quotas(text: str, *, source: str = "quotas") -> tuple[tuple[Quota, ...], str]:
    """Read a quota table in either convention; return the quotas and the convention's name.

    Formats: Sortition Foundation ``features.csv`` (feature,value,min,max[,min_flex,max_flex]) and
    Flanigan et al. ``categories.csv`` (category,feature,min,max), see the module docstring.
    """
    rows = _rows(text, source)
    header_line, header = rows[0]
    names = [h.lower() for h in header]
    if {"category", "feature", "min", "max"} <= set(names):
        convention, feature_col, value_col = FLANIGAN, "category", "feature"
    elif {"feature", "value", "min", "max"} <= set(names):
        convention, feature_col, value_col = SORTITION_FOUNDATION, "feature", "value"
    else:
        raise SortitionFormatError(
            source,
            header_line,
            None,
            f"the header {','.join(header)!r} is neither feature,value,min,max (Sortition Foundation) "
            "nor category,feature,min,max (Flanigan et al.)",
        )
    position = {name: i for i, name in enumerate(names)}
    quotas: list[Quota] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows[1:]:
        if len(row) != len(header):
            raise SortitionFormatError(
                source, line, None, f"{len(row)} fields where the header has {len(header)}"
            )
        feature, value = row[position[feature_col]], row[position[value_col]]
        for column, cell in ((feature_col, feature), (value_col, value)):
            if not cell:
                raise SortitionFormatError(source, line, column, "empty")
        if (feature, value) in seen:
            raise SortitionFormatError(
                source, line, value_col, f"{feature}={value} was already given on line {seen[feature, value]}"
            )
        seen[feature, value] = line
        minimum = _count(row[position["min"]], source, line, "min")
        maximum = _count(row[position["max"]], source, line, "max")
        flex: dict[str, int | None] = {"min_flex": None, "max_flex": None}
        for column in flex:
            if column in position and row[position[column]]:
                flex[column] = _count(row[position[column]], source, line, column)
        if maximum < minimum:
            raise SortitionFormatError(source, line, "max", f"max {maximum} is below min {minimum}")
        quotas.append(Quota(feature, value, minimum, maximum, flex["min_flex"], flex["max_flex"]))
    if not quotas:
        raise SortitionFormatError(source, header_line, None, "no quota rows after the header")
    return tuple(quotas), convention


def parse_pool(
    text: str,
    quotas: Sequence[Quota],
    *,
    source: str = "pool",
    id_column: str | None = None,
    address_columns: Sequence[str] = (),
) -> tuple[Person, ...]:
    """Read the people of a pool: one row each, one column per quota feature.

    The id is ``id_column`` when given; otherwise the first column when it is not a feature (the
    Sortition Foundation's files), else members are numbered from 0 in file order (Flanigan et al.'s
    ``respondents.csv``). ``address_columns`` build the household key: members whose address cells are
    all equal (ignoring case and surrounding spaces) share a household; blank addresses share nothing.
    Values are matched to the quota table ignoring case, and stored in the quota table's spelling.
    """
    rows = _rows(text, source)
    header_line, header = rows[0]
    features = list(dict.fromkeys(q.feature for q in quotas))
    by_lower = {h.lower(): i for i, h in enumerate(header)}

    def column_of(name: str, what: str) -> int:
        if name in header:
            return header.index(name)
        if name.lower() in by_lower:
            return by_lower[name.lower()]
        raise SortitionFormatError(
            source, header_line, name, f"the {what} column {name!r} is missing (columns: {', '.join(header)})"
        )

    feature_index = {f: column_of(f, "feature") for f in features}
    address_index = [column_of(a, "address") for a in address_columns]
    if id_column is not None:
        id_index: int | None = column_of(id_column, "id")
    elif header[0].lower() in {f.lower() for f in features}:
        id_index = None
    else:
        id_index = 0
    spelling = {f: {q.value.lower(): q.value for q in quotas if q.feature == f} for f in features}
    people: list[Person] = []
    first_line: dict[str, int] = {}
    for number, (line, row) in enumerate(rows[1:]):
        if len(row) != len(header):
            raise SortitionFormatError(
                source, line, None, f"{len(row)} fields where the header has {len(header)}"
            )
        if id_index is None:
            person_id = str(number)
        else:
            person_id = row[id_index]
            if not person_id:
                raise SortitionFormatError(source, line, header[id_index], "the id is empty")
            if person_id in first_line:
                raise SortitionFormatError(
                    source,
                    line,
                    header[id_index],
                    f"the id {person_id!r} is already used on line {first_line[person_id]}",
                )
        first_line[person_id] = line
        values: dict[str, str] = {}
        for f, i in feature_index.items():
            cell = row[i]
            if not cell:
                raise SortitionFormatError(source, line, header[i], "no value for this feature")
            known = spelling[f].get(cell.lower())
            if known is None:
                raise SortitionFormatError(
                    source,
                    line,
                    header[i],
                    f"{cell!r} has no quota (the quotas for {f} are: {', '.join(spelling[f].values())})",
                )
            values[f] = known
        household = None
        if address_index:
            parts = [row[i].lower() for i in address_index]
            if any(parts):
                household = "\x1f".join(parts)
        people.append(Person(person_id, values, household))
    return tuple(people)


def read_sortition_files(
    pool_path: Path, quotas_path: Path, *, id_column: str | None = None, address_columns: Sequence[str] = ()
) -> SortitionInput:
    """Read a pool file and a quota file (either convention, see ``parse_quotas`` and ``parse_pool``)."""
    texts = []
    for path in (quotas_path, pool_path):
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError as error:
            raise SortitionFormatError(str(path), 1, None, f"not UTF-8 text ({error.reason})") from None
        except OSError as error:
            raise SortitionFormatError(
                str(path), 0, None, f"cannot read the file ({error.strerror})"
            ) from None
    quotas, convention = parse_quotas(texts[0], source=str(quotas_path))
    pool = parse_pool(
        texts[1], quotas, source=str(pool_path), id_column=id_column, address_columns=address_columns
    )
    return SortitionInput(pool=pool, quotas=quotas, convention=convention)
