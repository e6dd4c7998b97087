"""Read and write Pabulib (``.pb``) participatory-budgeting files.

Format: pabulib.org/format (Faliszewski et al., "Participatory Budgeting: Data, Tools, and Analysis",
IJCAI 2023): three sections, ``META`` (key;value), ``PROJECTS`` (project_id;cost;…) and ``VOTES``
(voter_id;vote;…), each opened by its name and a header row, fields separated by semicolons. A vote
lists project ids separated by commas (the ranking, on ordinal ballots); cumulative and scoring
ballots add ``points`` aligned with ``vote``. Amounts are read exactly (``1647263.73`` stays
exact). Malformed files raise :class:`PabulibError` naming the file, the line and the field.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

from coopgov.domain.budgeting.model import VOTE_TYPES, Ballot, Election, Project

SECTIONS = ("meta", "projects", "votes")


class PabulibError(ValueError):
    """A Pabulib file that cannot be read, with the place (file, line, field) and what is wrong."""

    def __init__(self, source: str, line: int | None, field: str | None, message: str) -> None:
        self.source, self.line, self.field, self.message = source, line, field, message
        where = source if line is None else f"{source}, line {line}"
        what = f"field '{field}': " if field else ""
        super().__init__(f"{where}: {what}{message}")


@dataclass(frozen=True)
class PabulibFile:
    """A Pabulib file as written: metadata, and each section's columns and rows (all text)."""

    meta: tuple[tuple[str, str], ...]
    project_columns: tuple[str, ...]
    projects: tuple[tuple[str, ...], ...]
    vote_columns: tuple[str, ...]
    votes: tuple[tuple[str, ...], ...]
    #: Where each META key, header, project and voter was read: (section, id) → line number.
    lines: Mapping[tuple[str, str], int] = field(default_factory=dict, compare=False, repr=False)

    def meta_value(self, key: str, default: str = "") -> str:
        """The value of a ``META`` key, or ``default``."""
        for k, v in self.meta:
            if k == key:
                return v
        return default

    def project_rows(self) -> list[Mapping[str, str]]:
        """The ``PROJECTS`` rows as column → value mappings."""
        return [dict(zip(self.project_columns, row, strict=False)) for row in self.projects]


def read_pabulib(path: str | Path) -> PabulibFile:
    """Read a ``.pb`` file (UTF-8, an optional byte-order mark is ignored)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise PabulibError(str(p), None, None, f"cannot read file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PabulibError(str(p), line, None, "not valid UTF-8") from None
    return parse_pabulib(text, source=str(p))


def parse_pabulib(text: str, *, source: str = "<pabulib>") -> PabulibFile:
    """Parse the text of a Pabulib file, checking its structure (sections, headers, unique ids)."""
    section = ""
    header: list[str] | None = None
    meta: list[tuple[str, str]] = []
    columns: dict[str, tuple[str, ...]] = {}
    rows: dict[str, list[tuple[str, ...]]] = {"projects": [], "votes": []}
    seen: dict[str, set[str]] = {"projects": set(), "votes": set()}
    where: dict[tuple[str, str], int] = {}
    reader = csv.reader(io.StringIO(text), delimiter=";")
    line = 0
    try:
        for row in reader:
            line = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            name = row[0].strip().lower()
            if name in SECTIONS and len([c for c in row if c.strip()]) == 1:
                if name in columns or (name == "meta" and meta):
                    raise PabulibError(source, line, None, f"section {name.upper()} appears twice")
                section, header = name, None
                continue
            if not section:
                raise PabulibError(source, line, None, "expected the section name META, PROJECTS or VOTES")
            if header is None:
                header = [c.strip() for c in row]
                columns[section] = tuple(header)
                where[("header", section)] = line
                need = {"meta": "key", "projects": "project_id", "votes": "voter_id"}[section]
                if header[0] != need:
                    raise PabulibError(
                        source, line, header[0], f"the {section.upper()} header must start with {need!r}"
                    )
                if len(set(header)) != len(header):
                    raise PabulibError(source, line, None, f"the {section.upper()} header repeats a column")
                continue
            cells = [c.strip() for c in row]
            if len(cells) > len(header):
                raise PabulibError(
                    source, line, None, f"{len(cells)} fields where the header has {len(header)}"
                )
            cells += [""] * (len(header) - len(cells))
            if section == "meta":
                meta.append((cells[0], cells[1] if len(cells) > 1 else ""))
                where.setdefault(("meta", cells[0]), line)
                continue
            ident = cells[0]
            if not ident:
                raise PabulibError(source, line, header[0], "empty identifier")
            if ident in seen[section]:
                raise PabulibError(source, line, header[0], f"{ident!r} appears twice")
            seen[section].add(ident)
            where[(section, ident)] = line
            rows[section].append(tuple(cells))
    except csv.Error as exc:
        raise PabulibError(source, line or reader.line_num, None, f"unreadable row ({exc})") from None
    for needed in SECTIONS:
        if needed != "meta" and needed not in columns:
            raise PabulibError(source, None, None, f"the {needed.upper()} section is missing")
    if "meta" not in columns:
        raise PabulibError(source, None, None, "the META section is missing")
    return PabulibFile(
        meta=tuple(meta),
        project_columns=columns["projects"],
        projects=tuple(rows["projects"]),
        vote_columns=columns["votes"],
        votes=tuple(rows["votes"]),
        lines=where,
    )


def _amount(text: str, source: str, line: int | None, field: str) -> Fraction:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise PabulibError(source, line, field, f"{text!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise PabulibError(source, line, field, f"{text!r} is not a non-negative amount")
    return Fraction(value)


def to_election(pb: PabulibFile, *, source: str = "<pabulib>") -> Election:
    """The election a Pabulib file describes, checking every value a budgeting rule relies on."""
    lines = pb.lines
    meta = dict(pb.meta)
    budget_text = meta.get("budget", "")
    if not budget_text:
        raise PabulibError(source, lines.get(("meta", "budget")), "budget", "META has no budget")
    budget = _amount(budget_text, source, lines.get(("meta", "budget")), "budget")
    vote_type = meta.get("vote_type", "approval").strip() or "approval"
    if vote_type not in VOTE_TYPES:
        raise PabulibError(
            source,
            lines.get(("meta", "vote_type")),
            "vote_type",
            f"unknown vote_type {vote_type!r}; expected one of {', '.join(VOTE_TYPES)}",
        )
    max_length: int | None = None
    if meta.get("max_length"):
        try:
            max_length = int(meta["max_length"])
        except ValueError:
            raise PabulibError(
                source, lines.get(("meta", "max_length")), "max_length", "not a whole number"
            ) from None
    if "cost" not in pb.project_columns:
        raise PabulibError(source, lines.get(("header", "projects")), None, "PROJECTS has no 'cost' column")
    ci = pb.project_columns.index("cost")
    ni = pb.project_columns.index("name") if "name" in pb.project_columns else None
    projects = []
    for row in pb.projects:
        line = lines.get(("projects", row[0]))
        cost = _amount(row[ci], source, line, "cost")
        projects.append(Project(id=row[0], cost=cost, name=row[ni] if ni is not None else ""))
    known = {p.id for p in projects}
    if "vote" not in pb.vote_columns:
        raise PabulibError(source, lines.get(("header", "votes")), None, "VOTES has no 'vote' column")
    vi = pb.vote_columns.index("vote")
    cardinal = vote_type in ("cumulative", "scoring")
    pi = pb.vote_columns.index("points") if "points" in pb.vote_columns else None
    if cardinal and pi is None:
        raise PabulibError(
            source, lines.get(("header", "votes")), None, f"{vote_type} votes need a 'points' column"
        )
    ballots = []
    for row in pb.votes:
        line = lines.get(("votes", row[0]))
        chosen = tuple(x.strip() for x in row[vi].split(",") if x.strip())
        for pid in chosen:
            if pid not in known:
                raise PabulibError(source, line, "vote", f"project {pid!r} is not in PROJECTS")
        if len(set(chosen)) != len(chosen):
            raise PabulibError(source, line, "vote", "a project appears twice in one vote")
        if vote_type == "choose-1" and len(chosen) > 1:
            raise PabulibError(source, line, "vote", "a choose-1 vote names more than one project")
        if max_length is not None and len(chosen) > max_length and vote_type != "cumulative":
            raise PabulibError(
                source, line, "vote", f"{len(chosen)} projects where max_length is {max_length}"
            )
        points: tuple[int, ...] | None = None
        if cardinal and pi is not None:
            parts = [x.strip() for x in row[pi].split(",") if x.strip()]
            try:
                points = tuple(int(Decimal(x)) for x in parts)
            except (InvalidOperation, ValueError):
                raise PabulibError(
                    source, line, "points", f"{row[pi]!r} is not a list of whole numbers"
                ) from None
            if len(points) != len(chosen):
                raise PabulibError(source, line, "points", f"{len(points)} points for {len(chosen)} projects")
            if any(x < 0 for x in points):
                raise PabulibError(source, line, "points", "negative points")
        ballots.append(Ballot(projects=chosen, points=points, voter_id=row[0]))
    return Election(
        budget=budget,
        projects=tuple(projects),
        ballots=tuple(ballots),
        vote_type=vote_type,
        max_length=max_length,
    )


def load_election(path: str | Path) -> tuple[Election, PabulibFile]:
    """Read a ``.pb`` file and the election it holds; errors name the file, line and field."""
    pb = read_pabulib(path)
    return to_election(pb, source=str(path)), pb


def write_pabulib(pb: PabulibFile) -> str:
    """The text of a Pabulib file (semicolon-separated, quoting only where needed)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(pb.meta)
    writer.writerow(["PROJECTS"])
    writer.writerow(pb.project_columns)
    writer.writerows(pb.projects)
    writer.writerow(["VOTES"])
    writer.writerow(pb.vote_columns)
    writer.writerows(pb.votes)
    return out.getvalue()


def from_election(election: Election, meta: Mapping[str, str] | None = None) -> PabulibFile:
    """A Pabulib file for an election (ids, costs, names and ballots; ``meta`` adds keys)."""
    info: dict[str, str] = {
        "num_projects": str(len(election.projects)),
        "num_votes": str(len(election.ballots)),
        "budget": _text(election.budget),
        "vote_type": election.vote_type,
    }
    if election.max_length is not None:
        info["max_length"] = str(election.max_length)
    info.update(meta or {})
    cardinal = election.vote_type in ("cumulative", "scoring")
    votes = []
    for k, b in enumerate(election.ballots, start=1):
        row = [b.voter_id or str(k), ",".join(b.projects)]
        if cardinal:
            row.append(",".join(str(x) for x in b.points or ()))
        votes.append(tuple(row))
    return PabulibFile(
        meta=tuple(info.items()),
        project_columns=("project_id", "cost", "name"),
        projects=tuple((p.id, _text(p.cost), p.name) for p in election.projects),
        vote_columns=("voter_id", "vote", "points") if cardinal else ("voter_id", "vote"),
        votes=tuple(votes),
    )


def _text(amount: Fraction) -> str:
    if amount.denominator == 1:
        return str(amount.numerator)
    d = Decimal(amount.numerator) / Decimal(amount.denominator)
    if Fraction(d) != amount:
        raise ValueError(f"{amount} has no exact decimal form for a Pabulib file")
    return format(d, "f")
