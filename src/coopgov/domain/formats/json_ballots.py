"""coopgov's JSON ballot format: reader, writer and conversion into each counting rule's ballots.

The format is documented in docs/methods/ballot-format-json.md. A file is one JSON object with a
``kind`` (motion, plurality, approval, score, grades, ranked), the options of that kind, and a
``ballots`` array, one ballot object per line when coopgov writes it. Errors name the file, the line and
the field, and never show a traceback.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from coopgov.domain.voting.choice import ApprovalBallot, PluralityBallot, ScoreBallot
from coopgov.domain.voting.for_withhold import parse_majority
from coopgov.domain.voting.majority_judgment import GradeBallot
from coopgov.domain.voting.motion import (
    PRESETS,
    SCIC_COLLEGE_BOUNDS,
    THRESHOLDS,
    Base,
    CollegeBounds,
    MotionBallot,
    MotionChoice,
    MotionRule,
    rule_from_preset,
    validate_college_weights,
)
from coopgov.domain.voting.numbers import exact, to_fraction

if TYPE_CHECKING:
    from coopgov.domain.voting.ranked_ballots import RankedProfile

FORMAT = "coopgov-ballots/1"
KINDS = ("motion", "plurality", "approval", "score", "grades", "ranked")

Vote = str | None | frozenset[str] | Mapping[str, Any] | tuple[tuple[str, ...], ...]
_T = TypeVar("_T")


class BallotFileError(ValueError):
    """A ballot file that cannot be read; the message names the file, line and field."""


@dataclass(frozen=True)
class BallotRecord:
    """One ballot as read: its vote (shape depends on the kind), weight, optional voter and collège,
    whether it is spoiled (a null ballot: reported, never counted for a candidate), and how many voters
    cast it (``count``; ``weight`` is each one's weight)."""

    vote: Vote
    weight: Fraction = Fraction(1)
    voter: str | None = None
    college: str | None = None
    spoiled: bool = False
    count: int = 1


def _builder(cls: type[_T], names: frozenset[str]) -> Callable[..., _T]:
    """A constructor of the frozen dataclass ``cls`` taking every field by name, about three times
    faster than the class: a frozen dataclass sets each field through ``object.__setattr__``, this puts
    them in the instance's dictionary at once (the same instance: equal, same repr). A file holds tens of
    thousands of ballots. The class itself is the constructor when its fields are not exactly ``names``
    (a field added since) or it has a ``__post_init__`` or slots."""
    if (
        {f.name for f in fields(cls)} != names  # type: ignore[arg-type]
        or hasattr(cls, "__post_init__")
        or not hasattr(cls, "__dict__")
        or "__slots__" in vars(cls)
    ):
        return cls
    new = object.__new__

    def build(**values: Any) -> _T:
        instance = new(cls)
        instance.__dict__.update(values)
        return instance

    return build


_record = _builder(BallotRecord, frozenset({"vote", "weight", "voter", "college", "spoiled", "count"}))
_motion_ballot = _builder(MotionBallot, frozenset({"voter", "choice", "weight", "college", "count"}))


@dataclass(frozen=True)
class BallotFile:
    """A ballot file in memory: what is voted on, how, and the ballots.

    ``electorate`` is one number or one per collège (motions). ``rule`` is the motion rule (motions).
    ``names`` maps candidate identifiers to display names where the file gives a name other than the id.
    """

    kind: str
    ballots: tuple[BallotRecord, ...]
    candidates: tuple[str, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)
    seats: int | None = None
    grades: tuple[str, ...] = ()
    min_choices: int = 0
    max_choices: int | None = None
    min_score: Fraction = Fraction(0)
    max_score: Fraction = Fraction(10)
    rule: MotionRule | None = None
    electorate: Fraction | Mapping[str, Fraction] | None = None
    title: str = ""
    #: For / Withhold elections (score ballots, 1 = For, 0 = Withhold): the share of For a candidate needs.
    majority: Fraction | None = None


class _Problem(Exception):
    """A problem at a place in the document (a path of keys and indexes), located to a line later."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


# --- reading -----------------------------------------------------------------------------------------


def read_ballot_file(path: str | Path) -> BallotFile:
    """Read a coopgov JSON ballot file, or raise BallotFileError naming the file, line and field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BallotFileError(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise BallotFileError(f"{path}: cannot read: {error.strerror}") from None
    return loads_ballot_file(text, source=str(path))


def loads_ballot_file(text: str, *, source: str = "<ballots>") -> BallotFile:
    """Parse the text of a ballot file (see :func:`read_ballot_file`)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise BallotFileError(f"{source}: line {error.lineno}: invalid JSON: {error.msg}") from None
    try:
        return _parse(document)
    except _Problem as problem:
        line = _line_of(text, problem.path)
        where = ".".join(str(p) for p in problem.path) or "(top level)"
        raise BallotFileError(f"{source}: line {line}: field {where}: {problem.message}") from None


def _line_of(text: str, path: tuple[str | int, ...]) -> int:
    """The line where the innermost object on ``path`` starts, found by re-reading the text with a
    decoder that records where each object begins (only done when there is an error to report)."""
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]
    json_object = vars(json.decoder)["JSONObject"]

    class Lined(dict[str, Any]):
        line = 1

    def parse_object(s_and_end: tuple[str, int], *args: Any, **kwargs: Any) -> tuple[Lined, int]:
        _, end = s_and_end
        obj, new_end = json_object(s_and_end, *args, **kwargs)
        lined = Lined(obj)
        lined.line = bisect_right(newlines, end - 1) + 1
        return lined, new_end

    # The pure-Python scanner looks up ``parse_object`` on the decoder, so swapping it in gives each
    # object its position. These names are undocumented in typeshed, hence the dictionary access.
    decoder = json.JSONDecoder()
    decoder.__dict__["parse_object"] = parse_object
    decoder.__dict__["scan_once"] = vars(json.scanner)["py_make_scanner"](decoder)
    node: Any = decoder.decode(text)
    line = node.line if isinstance(node, Lined) else 1
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, Lined):
            line = node.line
    return line


def _get(
    obj: Mapping[str, Any], key: str, path: tuple[str | int, ...], kinds: type | tuple[type, ...]
) -> Any:
    value = obj[key]
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in _as_tuple(kinds)):
        raise _Problem((*path, key), f"expected {_kind_name(kinds)}, got {json.dumps(value)[:60]}")
    return value


def _as_tuple(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _kind_name(kinds: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "a whole number", list: "a list", dict: "an object", bool: "true or false"}
    return " or ".join(names.get(k, k.__name__) for k in _as_tuple(kinds))


def _number(value: Any, path: tuple[str | int, ...], what: str) -> Fraction:
    try:
        return to_fraction(value, what=what)
    except ValueError as error:
        raise _Problem(path, str(error)) from None


_BALLOT_KEYS = frozenset({"vote", "weight", "count", "voter", "college", "spoiled"})
_ABSENT = object()  # a field a ballot does not give

_TOP_KEYS = {
    "format",
    "kind",
    "title",
    "candidates",
    "seats",
    "grades",
    "min_choices",
    "max_choices",
    "min_score",
    "max_score",
    "rule",
    "cap",
    "colleges",
    "college_bounds",
    "electorate",
    "majority",
    "ballots",
}


def _parse(document: Any) -> BallotFile:
    if not isinstance(document, dict):
        raise _Problem((), "a ballot file is one JSON object")
    unknown = sorted(set(document) - _TOP_KEYS)
    if unknown:
        raise _Problem((unknown[0],), f"unknown field (known: {', '.join(sorted(_TOP_KEYS))})")
    if "format" in document and document["format"] != FORMAT:
        raise _Problem(("format",), f"expected {FORMAT!r}")
    if "kind" not in document:
        raise _Problem(("kind",), f"missing; one of {', '.join(KINDS)}")
    kind = _get(document, "kind", (), str)
    if kind not in KINDS:
        raise _Problem(("kind",), f"{kind!r} is not one of {', '.join(KINDS)}")
    if "ballots" not in document:
        raise _Problem(("ballots",), "missing")
    raw_ballots = _get(document, "ballots", (), list)
    title = _get(document, "title", (), str) if "title" in document else ""

    candidates: tuple[str, ...] = ()
    names: dict[str, str] = {}
    ordered: list[str] = []
    if kind != "motion":
        if "candidates" not in document:
            raise _Problem(("candidates",), "missing")
        for i, item in enumerate(_get(document, "candidates", (), list)):
            if isinstance(item, str):
                cid, name = item, item
            elif isinstance(item, dict) and isinstance(item.get("id"), str):
                cid, name = item["id"], str(item.get("name", item["id"]))
            else:
                raise _Problem(("candidates", i), 'expected a string or {"id": ..., "name": ...}')
            if cid in ordered:
                raise _Problem(("candidates", i), f"candidate {cid!r} is listed twice")
            ordered.append(cid)
            if name != cid:
                names[cid] = name
        candidates = tuple(ordered)
        if not candidates:
            raise _Problem(("candidates",), "at least one candidate is needed")

    seats = None
    if "seats" in document:
        seats = _get(document, "seats", (), int)
        if seats < 1 or (candidates and seats > len(candidates)):
            raise _Problem(("seats",), f"{seats} seats for {len(candidates)} candidates")

    grades: tuple[str, ...] = ()
    if kind == "grades":
        if "grades" not in document:
            raise _Problem(("grades",), "missing: the grade names, best first")
        raw_grades = _get(document, "grades", (), list)
        if len(raw_grades) < 2 or not all(isinstance(g, str) for g in raw_grades):
            raise _Problem(("grades",), "expected at least two grade names, best first")
        if len(set(raw_grades)) != len(raw_grades):
            raise _Problem(("grades",), "grade names must be distinct")
        grades = tuple(raw_grades)

    min_choices = _get(document, "min_choices", (), int) if "min_choices" in document else 0
    max_choices = _get(document, "max_choices", (), int) if "max_choices" in document else None
    if min_choices < 0 or (max_choices is not None and max_choices < max(min_choices, 1)):
        raise _Problem(("max_choices",), f"invalid limits: min {min_choices}, max {max_choices}")
    min_score = _number(document.get("min_score", 0), ("min_score",), "min_score")
    max_score = _number(document.get("max_score", 10), ("max_score",), "max_score")
    if min_score >= max_score:
        raise _Problem(("max_score",), "max_score must be above min_score")

    majority = None
    if "majority" in document:
        if kind != "score":
            raise _Problem(("majority",), "only For / Withhold elections (score ballots) take a majority")
        raw_majority = document["majority"]
        try:
            majority = parse_majority(str(raw_majority)) if isinstance(raw_majority, str | int) else None
        except ValueError as error:
            raise _Problem(("majority",), str(error)) from None
        if majority is None:
            raise _Problem(("majority",), 'expected a share such as "1/2" or "2/3"')

    rule, electorate = None, None
    if kind == "motion":
        rule, electorate = _parse_motion_options(document)
    else:
        for key in ("rule", "cap", "colleges", "college_bounds", "electorate"):
            if key in document:
                raise _Problem((key,), "only motions take this field")

    known = set(candidates)
    colleges = set(rule.college_weights) if rule and rule.college_weights is not None else None
    parse_vote = _VOTE_PARSERS[kind]
    records: list[BallotRecord] = []
    voters: set[str] = set()
    # Each distinct weight is read and checked once: tens of thousands of ballots share a few weights.
    weights: dict[tuple[type, Any], Fraction] = {}
    one = Fraction(1)  # the weight of a ballot that gives none
    add_voter = voters.add
    # The usual line, {"voter": "…", "vote": …}, read with the checks it needs in the same order (the
    # vote's, then the voter's), when the file declares no collège a ballot would have to name.
    plain_lines = colleges is None
    for i, raw in enumerate(raw_ballots):
        if type(raw) is not dict and not isinstance(raw, dict):
            raise _Problem(("ballots", i), "a ballot is a JSON object")
        if plain_lines and len(raw) == 2 and "vote" in raw and type(voter := raw.get("voter")) is str:
            vote = parse_vote(raw["vote"], ("ballots", i, "vote"), known, grades)
            if voter in voters:
                raise _Problem(("ballots", i, "voter"), f"voter {voter!r} has more than one ballot")
            add_voter(voter)
            records.append(_record(vote=vote, weight=one, voter=voter, college=None, spoiled=False, count=1))
            continue
        if not raw.keys() <= _BALLOT_KEYS:
            raise _Problem(("ballots", i, sorted(set(raw) - _BALLOT_KEYS)[0]), "unknown ballot field")
        spoiled = raw.get("spoiled", False)
        if spoiled is not False and spoiled is not True:
            raise _Problem(("ballots", i, "spoiled"), "expected true or false")
        if spoiled:
            vote = None
        elif "vote" not in raw:
            raise _Problem(("ballots", i, "vote"), "missing")
        else:
            vote = parse_vote(raw["vote"], ("ballots", i, "vote"), known, grades)
        raw_weight = raw.get("weight", _ABSENT)
        if raw_weight is _ABSENT:
            weight = one
        else:
            try:
                weight = weights[type(raw_weight), raw_weight]
            except (KeyError, TypeError):  # not seen yet, or not hashable (read below for its message)
                weight = _number(raw_weight, ("ballots", i, "weight"), "weight")
                if weight < 0:
                    raise _Problem(("ballots", i, "weight"), "a weight cannot be negative") from None
                if raw_weight == raw_weight and isinstance(raw_weight, int | float | str):
                    weights[type(raw_weight), raw_weight] = weight
        count = raw.get("count", 1)
        if type(count) is not int or count < 0:
            raise _Problem(("ballots", i, "count"), "expected a whole number of identical ballots")
        voter = raw.get("voter")
        if voter is not None:
            if type(voter) is not str and not isinstance(voter, str):
                raise _Problem(("ballots", i, "voter"), "expected a string")
            if voter in voters:
                raise _Problem(("ballots", i, "voter"), f"voter {voter!r} has more than one ballot")
            add_voter(voter)
        college = raw.get("college")
        if college is not None and not isinstance(college, str):
            raise _Problem(("ballots", i, "college"), "expected a string")
        if colleges is not None and college not in colleges:
            raise _Problem(("ballots", i, "college"), f"collège {college!r} is not declared in colleges")
        records.append(
            _record(vote=vote, weight=weight, voter=voter, college=college, spoiled=spoiled, count=count)
        )
    return BallotFile(
        kind=kind,
        ballots=tuple(records),
        candidates=candidates,
        names=names,
        seats=seats,
        grades=grades,
        min_choices=min_choices,
        max_choices=max_choices,
        min_score=min_score,
        max_score=max_score,
        rule=rule,
        electorate=electorate,
        title=title,
        majority=majority,
    )


def _parse_motion_options(
    document: Mapping[str, Any],
) -> tuple[MotionRule, Fraction | Mapping[str, Fraction] | None]:
    raw_rule = document.get("rule", {})
    if not isinstance(raw_rule, dict):
        raise _Problem(("rule",), "expected an object")
    path: tuple[str | int, ...] = ("rule",)
    extra = sorted(set(raw_rule) - {"preset", "convocation", "threshold", "base", "quorum", "college_quorum"})
    if extra:
        raise _Problem((*path, extra[0]), "unknown rule field")
    bounds: CollegeBounds | None = SCIC_COLLEGE_BOUNDS
    raw_bounds = document.get("college_bounds", "scic")
    if raw_bounds == "none":
        bounds = None
    elif isinstance(raw_bounds, dict):
        try:
            bounds = CollegeBounds(
                floor=to_fraction(raw_bounds.get("floor", 0), what="floor"),
                ceiling=to_fraction(raw_bounds.get("ceiling", 1), what="ceiling"),
                min_colleges=int(raw_bounds.get("min_colleges", 1)),
            )
        except (ValueError, TypeError) as error:
            raise _Problem(("college_bounds",), str(error)) from None
    elif raw_bounds != "scic":
        raise _Problem(("college_bounds",), 'expected "scic", "none" or {"floor", "ceiling", "min_colleges"}')

    college_weights: dict[str, Fraction] | None = None
    electorate: Fraction | dict[str, Fraction] | None = None
    if "colleges" in document:
        raw_colleges = document["colleges"]
        if not isinstance(raw_colleges, dict) or not raw_colleges:
            raise _Problem(("colleges",), 'expected {"name": {"weight": ..., "electorate": ...}, ...}')
        college_weights, per_college = {}, {}
        for name, spec in raw_colleges.items():
            if not isinstance(spec, dict) or "weight" not in spec:
                raise _Problem(("colleges", name), 'expected {"weight": ..., "electorate": ...}')
            college_weights[name] = _number(spec["weight"], ("colleges", name, "weight"), "weight")
            if "electorate" in spec:
                per_college[name] = _number(
                    spec["electorate"], ("colleges", name, "electorate"), "electorate"
                )
        if per_college:
            if set(per_college) != set(college_weights):
                raise _Problem(("colleges",), "give the electorate of every collège or of none")
            electorate = per_college
        if bounds is not None:
            try:
                validate_college_weights(college_weights, bounds)
            except ValueError as error:
                raise _Problem(("colleges",), str(error)) from None
    if "electorate" in document:
        if electorate is not None:
            raise _Problem(("electorate",), "the electorate is already given per collège")
        electorate = _number(document["electorate"], ("electorate",), "electorate")
    cap = _number(document["cap"], ("cap",), "cap") if "cap" in document else None
    if cap is not None and not 0 < cap <= 1:
        raise _Problem(("cap",), "a cap is a share of the votes present, above 0 and at most 1")

    college_quorum = None
    if "college_quorum" in raw_rule:
        college_quorum = _number(raw_rule["college_quorum"], (*path, "college_quorum"), "college_quorum")
        if not 0 <= college_quorum <= 1:
            raise _Problem(
                (*path, "college_quorum"), "a quorum is a share of the electorate, between 0 and 1"
            )
        if not isinstance(electorate, dict):
            raise _Problem((*path, "college_quorum"), "a per-collège quorum needs each collège's electorate")
    if "preset" in raw_rule:
        if set(raw_rule) - {"preset", "convocation", "college_quorum"}:
            raise _Problem(path, "a preset sets threshold, base and quorum; give only preset and convocation")
        preset = raw_rule["preset"]
        convocation = raw_rule.get("convocation", 1)
        if preset not in PRESETS:
            raise _Problem((*path, "preset"), f"unknown preset; known: {', '.join(sorted(PRESETS))}")
        if convocation not in (1, 2):
            raise _Problem((*path, "convocation"), "expected 1 or 2")
        rule = replace(
            rule_from_preset(
                preset,
                convocation=convocation,
                college_weights=college_weights,
                college_bounds=bounds,
                cap=cap,
            ),
            college_quorum=college_quorum,
        )
    else:
        threshold_name = raw_rule.get("threshold", "simple")
        if threshold_name not in THRESHOLDS:
            raise _Problem((*path, "threshold"), f"expected one of {', '.join(THRESHOLDS)}")
        base_name = raw_rule.get("base", "cast")
        if base_name not in {b.value for b in Base}:
            raise _Problem((*path, "base"), f"expected one of {', '.join(b.value for b in Base)}")
        quorum = _number(raw_rule.get("quorum", 0), (*path, "quorum"), "quorum")
        if not 0 <= quorum <= 1:
            raise _Problem((*path, "quorum"), "a quorum is a share of the electorate, between 0 and 1")
        rule = MotionRule(
            threshold=THRESHOLDS[threshold_name],
            base=Base(base_name),
            quorum=quorum,
            college_weights=college_weights,
            college_bounds=bounds,
            cap=cap,
            college_quorum=college_quorum,
        )
    if electorate is None and (rule.quorum > 0 or rule.base is Base.ELECTORATE):
        raise _Problem(("electorate",), "missing: this rule's quorum or base needs the electorate")
    return rule, electorate


_MOTION_CHOICES = frozenset(c.value for c in MotionChoice)


def _motion_vote(value: Any, path: tuple[str | int, ...], known: set[str], grades: Sequence[str]) -> Vote:
    if type(value) is str and value in _MOTION_CHOICES:
        return value
    if value not in _MOTION_CHOICES:
        raise _Problem(path, f"expected one of {', '.join(c.value for c in MotionChoice)}")
    return str(value)


def _plurality_vote(value: Any, path: tuple[str | int, ...], known: set[str], grades: Sequence[str]) -> Vote:
    if value is None:
        return None
    if not isinstance(value, str) or value not in known:
        raise _Problem(path, f"unknown candidate {json.dumps(value)[:60]} (null for a blank ballot)")
    return value


def _approval_vote(value: Any, path: tuple[str | int, ...], known: set[str], grades: Sequence[str]) -> Vote:
    if not isinstance(value, list):
        raise _Problem(path, "expected the list of approved candidates")
    try:  # the usual case, checked in one pass of set operations
        approved = frozenset(value)
    except TypeError:  # something other than candidates: read below for the message
        approved = frozenset()
    if len(approved) == len(value) and approved <= known:
        return approved
    for item in value:
        if not isinstance(item, str) or item not in known:
            raise _Problem(path, f"unknown candidate {json.dumps(item)[:60]}")
    if len(set(value)) != len(value):
        raise _Problem(path, "a candidate is approved twice")
    return frozenset(value)


def _score_vote(value: Any, path: tuple[str | int, ...], known: set[str], grades: Sequence[str]) -> Vote:
    if not isinstance(value, dict):
        raise _Problem(path, 'expected {"candidate": score, ...}')
    out: dict[str, Fraction] = {}
    for candidate, score in value.items():
        if candidate not in known:
            raise _Problem(path, f"unknown candidate {candidate!r}")
        out[candidate] = _number(score, (*path, candidate), "score")
    return out


def _grades_vote(value: Any, path: tuple[str | int, ...], known: set[str], grades: Sequence[str]) -> Vote:
    if not isinstance(value, dict):
        raise _Problem(path, 'expected {"candidate": "grade", ...}')
    for candidate, grade in value.items():
        if candidate not in known:
            raise _Problem(path, f"unknown candidate {candidate!r}")
        if grade not in grades:
            raise _Problem((*path, candidate), f"unknown grade {json.dumps(grade)[:60]}")
    return dict(value)


def _ranked_vote(value: Any, path: tuple[str | int, ...], known: set[str], grades: Sequence[str]) -> Vote:
    if not isinstance(value, list):
        raise _Problem(path, 'expected a ranking such as ["a", ["b", "c"], "d"] (a list marks a tie)')
    # No ties, the usual case: checked with set operations (every item a known candidate, none twice).
    try:
        plain = known.issuperset(value) and len(set(value)) == len(value)
    except TypeError:  # a list in the ranking (a tie): read below
        plain = False
    if plain:
        return tuple(zip(value))  # each candidate alone in its rank
    tiers: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for item in value:
        tier = [item] if isinstance(item, str) else item
        if not isinstance(tier, list) or not tier or not all(isinstance(c, str) for c in tier):
            raise _Problem(path, "each rank is a candidate or a non-empty list of tied candidates")
        for candidate in tier:
            if candidate not in known:
                raise _Problem(path, f"unknown candidate {candidate!r}")
            if candidate in seen:
                raise _Problem(path, f"candidate {candidate!r} is ranked twice")
            seen.add(candidate)
        tiers.append(tuple(tier))
    return tuple(tiers)


_VOTE_PARSERS: Mapping[str, Callable[[Any, tuple[str | int, ...], set[str], Sequence[str]], Vote]] = {
    "motion": _motion_vote,
    "plurality": _plurality_vote,
    "approval": _approval_vote,
    "score": _score_vote,
    "grades": _grades_vote,
    "ranked": _ranked_vote,
}


# --- conversion into each rule's ballots --------------------------------------------------------------


def _counted(ballot_file: BallotFile, kind: str) -> list[BallotRecord]:
    if ballot_file.kind != kind:
        raise ValueError(f"this file holds {ballot_file.kind} ballots, not {kind} ballots")
    return [b for b in ballot_file.ballots if not b.spoiled]


def _times(b: BallotRecord) -> Fraction:
    """A record's total weight (its weight times the voters who cast it)."""
    return b.weight if b.count == 1 else b.weight * b.count


def spoiled_weight(ballot_file: BallotFile) -> Fraction:
    """Total weight of the ballots the file marks as spoiled (null): reported, never counted."""
    return sum((b.weight * b.count for b in ballot_file.ballots if b.spoiled), Fraction(0))


def motion_ballots(ballot_file: BallotFile) -> list[MotionBallot]:
    """The file's motion ballots; spoiled ones become null votes, anonymous ones are numbered."""
    if ballot_file.kind != "motion":
        raise ValueError(f"this file holds {ballot_file.kind} ballots, not motion ballots")
    out = []
    choices = {c.value: c for c in MotionChoice}
    for number, b in enumerate(ballot_file.ballots, start=1):
        vote = b.vote
        if b.spoiled:
            choice = MotionChoice.NULL
        elif type(vote) is str and vote in choices:  # a choice as the reader returns it
            choice = choices[vote]
        else:
            choice = choices.get(str(vote)) or MotionChoice(str(vote))
        out.append(
            _motion_ballot(
                voter=b.voter or f"#{number}",
                choice=choice,
                weight=b.weight,
                college=b.college,
                count=b.count,
            )
        )
    return out


def plurality_ballots(ballot_file: BallotFile) -> list[PluralityBallot]:
    """The file's single-choice ballots."""
    return [
        PluralityBallot(choice=b.vote if isinstance(b.vote, str) else None, weight=_times(b))
        for b in _counted(ballot_file, "plurality")
    ]


def approval_ballots(ballot_file: BallotFile) -> list[ApprovalBallot]:
    """The file's approval ballots."""
    return [
        ApprovalBallot(choices=b.vote if isinstance(b.vote, frozenset) else frozenset(), weight=_times(b))
        for b in _counted(ballot_file, "approval")
    ]


def score_ballots(ballot_file: BallotFile) -> list[ScoreBallot]:
    """The file's score ballots."""
    return [
        ScoreBallot(scores=dict(b.vote) if isinstance(b.vote, Mapping) else {}, weight=b.weight * b.count)
        for b in _counted(ballot_file, "score")
    ]


def grade_ballots(ballot_file: BallotFile) -> list[GradeBallot]:
    """The file's majority-judgment ballots."""
    return [
        GradeBallot(grades=dict(b.vote) if isinstance(b.vote, Mapping) else {}, weight=b.weight * b.count)
        for b in _counted(ballot_file, "grades")
    ]


def ranked_tiers(ballot_file: BallotFile) -> list[tuple[tuple[tuple[str, ...], ...], Fraction]]:
    """The file's rankings as (tiers, weight) pairs, best tier first."""
    return [(b.vote if isinstance(b.vote, tuple) else (), _times(b)) for b in _counted(ballot_file, "ranked")]


def ranked_profile(ballot_file: BallotFile) -> RankedProfile:
    """The file's ranked ballots as the ranked rules' profile (coopgov.domain.voting.ranked_ballots),
    with the file's seats and candidate names."""
    # Imported here: the ranked profile needs numpy, which the other kinds of ballots do not.
    from coopgov.domain.voting.ranked_ballots import (
        Candidate,
        RankedBallot,
        RankedProfile,
        RankedProfileError,
    )

    candidates = [Candidate(id=c, name=ballot_file.names.get(c, c)) for c in ballot_file.candidates]
    pairs = ranked_tiers(ballot_file)
    if all(w.denominator == 1 and w >= 0 for w in {w for _, w in pairs}):
        # Whole weights (the usual case): identical rankings merged first, their weights summed as
        # integers. The profile merges identical rows anyway (in a canonical order) and sums whole
        # weights exactly, so it is the same profile, from a few hundred ballots instead of thousands.
        totals: dict[tuple[tuple[str, ...], ...], int] = {}
        for tiers, weight in pairs:
            totals[tiers] = totals.get(tiers, 0) + weight.numerator
        try:
            if sum(totals.values()) > 2**53:  # beyond whole floats: summed below as the profile sums
                raise RankedProfileError("weights too large to merge exactly")
            return RankedProfile.from_ballots(
                candidates,
                [RankedBallot(tiers=tiers, weight=float(total)) for tiers, total in totals.items()],
                seats=ballot_file.seats,
            )
        except RankedProfileError:
            pass  # an invalid ranking (read below, ballot by ballot, for the message naming it)
    floats: dict[tuple[int, int], float] = {}  # each distinct weight converted once

    def as_float(weight: Fraction) -> float:
        key = weight.numerator, weight.denominator
        if key not in floats:
            floats[key] = float(weight)
        return floats[key]

    ballots = [RankedBallot(tiers=tiers, weight=as_float(weight)) for tiers, weight in pairs]
    return RankedProfile.from_ballots(candidates, ballots, seats=ballot_file.seats)


# --- writing -------------------------------------------------------------------------------------------


def _json_fraction(value: Fraction) -> int | float | str:
    if value.denominator == 1:
        return int(value)
    as_float = float(value)
    if Fraction(repr(as_float)) == value:
        return as_float
    return exact(value)


def _vote_json(kind: str, vote: Vote) -> Any:
    if kind == "approval" and isinstance(vote, frozenset):
        return sorted(vote)
    if kind == "score" and isinstance(vote, Mapping):
        return {c: _json_fraction(to_fraction(s)) for c, s in vote.items()}
    if kind == "grades" and isinstance(vote, Mapping):
        return dict(vote)
    if kind == "ranked" and isinstance(vote, tuple):
        return [tier[0] if len(tier) == 1 else list(tier) for tier in vote]
    return vote


_ENCODER = json.JSONEncoder(ensure_ascii=False)  # what json.dumps(…, ensure_ascii=False) builds each call
#: The encoder's own string writer (ensure_ascii=False), called directly: the usual ballot line is a few
#: strings, and one encoder call per line cost more than the rest of the writing.
_encode_str = json.encoder.encode_basestring


def _json_text(value: Any) -> str:
    """``value`` as the writer's encoder writes it: a string or a list of strings directly, anything else
    through the encoder (same bytes)."""
    if type(value) is str:
        return _encode_str(value)
    if type(value) is list:
        try:
            return "[" + ", ".join(map(_encode_str, value)) + "]"
        except TypeError:  # not only strings: the encoder writes it
            pass
    return _ENCODER.encode(value)


def _ballot_line(
    voter: Any, college: Any, spoiled: bool, vote: Any, weight: Fraction, count: int, weight_text: str
) -> str:
    """One ballot line: the JSON object {voter, college, spoiled | vote, weight, count} (the fields a
    ballot has, in this order) as the encoder writes it, indented by two spaces."""
    fields = []
    if voter is not None:
        fields.append('"voter": ' + _json_text(voter))
    if college is not None:
        fields.append('"college": ' + _json_text(college))
    if spoiled:
        fields.append('"spoiled": true')
    else:
        fields.append('"vote": ' + _json_text(vote))
    if weight != 1:
        fields.append('"weight": ' + weight_text)
    if count != 1:
        fields.append('"count": ' + _json_text(count))
    return "  {" + ", ".join(fields) + "}"


class _WeightTexts(dict[Fraction, str]):
    """Each distinct weight written once: tens of thousands of ballots share a few weights."""

    def __missing__(self, weight: Fraction) -> str:
        text = self[weight] = _ENCODER.encode(_json_fraction(weight))
        return text


def _head_text(ballot_file: BallotFile) -> str:
    """The options of the file: its first line, up to and including the opening of the ballots array."""
    head: dict[str, Any] = {"format": FORMAT, "kind": ballot_file.kind}
    if ballot_file.title:
        head["title"] = ballot_file.title
    if ballot_file.candidates:
        head["candidates"] = [
            c if ballot_file.names.get(c, c) == c else {"id": c, "name": ballot_file.names[c]}
            for c in ballot_file.candidates
        ]
    if ballot_file.seats is not None:
        head["seats"] = ballot_file.seats
    if ballot_file.kind == "grades":
        head["grades"] = list(ballot_file.grades)
    if ballot_file.kind == "approval":
        head["min_choices"] = ballot_file.min_choices
        if ballot_file.max_choices is not None:
            head["max_choices"] = ballot_file.max_choices
    if ballot_file.kind == "score":
        head["min_score"] = _json_fraction(ballot_file.min_score)
        head["max_score"] = _json_fraction(ballot_file.max_score)
        if ballot_file.majority is not None:
            head["majority"] = exact(ballot_file.majority)
    rule = ballot_file.rule
    if ballot_file.kind == "motion" and rule is not None:
        head["rule"] = {
            "threshold": rule.threshold.name,
            "base": rule.base.value,
            "quorum": exact(rule.quorum),
        }
        if rule.college_quorum is not None:
            head["rule"]["college_quorum"] = exact(rule.college_quorum)
        if rule.cap is not None:
            head["cap"] = exact(rule.cap)
        bounds = rule.college_bounds
        if bounds is None:
            head["college_bounds"] = "none"
        elif bounds != SCIC_COLLEGE_BOUNDS:
            head["college_bounds"] = {
                "floor": exact(bounds.floor),
                "ceiling": exact(bounds.ceiling),
                "min_colleges": bounds.min_colleges,
            }
        electorate = ballot_file.electorate
        if rule.college_weights is not None:
            head["colleges"] = {}
            for name, weight in rule.college_weights.items():
                spec: dict[str, Any] = {"weight": exact(to_fraction(weight))}
                if isinstance(electorate, Mapping) and name in electorate:
                    spec["electorate"] = _json_fraction(to_fraction(electorate[name]))
                head["colleges"][name] = spec
        if electorate is not None and not isinstance(electorate, Mapping):
            head["electorate"] = _json_fraction(to_fraction(electorate))
    return json.dumps(head, ensure_ascii=False)[:-1] + ', "ballots": ['


def _join(head: str, rows: list[str]) -> str:
    body = ",\n".join(rows)
    return head + "\n" + (body + "\n" if body else "") + "]}\n"


def dumps_ballot_file(ballot_file: BallotFile) -> str:
    """Write a ballot file as text: the options first, then one ballot per line (so a reader's error
    names a useful line, and a diff of two files shows ballots). Reading it back gives the same file."""
    kind = ballot_file.kind
    weights = _WeightTexts()
    rows = [
        _ballot_line(
            b.voter,
            b.college,
            b.spoiled,
            None if b.spoiled else _vote_json(kind, b.vote),
            b.weight,
            b.count,
            "" if b.weight == 1 else weights[b.weight],
        )
        for b in ballot_file.ballots
    ]
    return _join(_head_text(ballot_file), rows)


def vote_from_json(kind: str, value: Any) -> Vote:
    """A vote as given in JSON (as a member cast it) in the shape the reader returns for ``kind``,
    without checking it (the reader checks a file)."""
    if kind == "approval":
        return frozenset(value or ())
    if kind == "score":
        return {c: to_fraction(s) for c, s in (value or {}).items()}
    if kind == "ranked":
        return tuple((t,) if isinstance(t, str) else tuple(t) for t in (value or ()))
    return value  # type: ignore[no-any-return]


def dumps_cast_ballots(
    ballot_file: BallotFile, ballots: Sequence[tuple[str | None, Any, Fraction, str | None]]
) -> str:
    """The text :func:`dumps_ballot_file` writes for ``ballot_file`` with ``ballots`` in place of its own,
    each ballot given as cast: (voter, vote as given in JSON, weight, collège). The same bytes as
    ``dumps_ballot_file(replace(ballot_file, ballots=…))`` with each vote read by
    :func:`vote_from_json`, without building a record per ballot (an assembly has tens of thousands)."""
    kind = ballot_file.kind
    weights = _WeightTexts()
    rows: list[str] = []
    append = rows.append
    encode = _encode_str
    last_weight, last_is_one = None, False  # ballots share weight objects: compare each distinct once
    for voter, value, weight, college in ballots:
        if kind == "motion" or kind == "plurality":
            vote = value  # written as given
        elif kind == "approval":
            vote = sorted(frozenset(value or ()))
        elif kind == "ranked" and type(value) is list and all(type(v) is str for v in value):
            vote = value  # no tie: written as given
        else:
            vote = _vote_json(kind, vote_from_json(kind, value))
        if weight is not last_weight:
            last_weight, last_is_one = weight, weight == 1
        if last_is_one and college is None and type(voter) is str:  # the usual line, written directly
            append('  {"voter": ' + encode(voter) + ', "vote": ' + _json_text(vote) + "}")
        else:
            append(
                _ballot_line(voter, college, False, vote, weight, 1, "" if last_is_one else weights[weight])
            )
    return _join(_head_text(ballot_file), rows)


def write_ballot_file(path: str | Path, ballot_file: BallotFile) -> None:
    """Write a ballot file to ``path`` in UTF-8 (see :func:`dumps_ballot_file`)."""
    Path(path).write_text(dumps_ballot_file(ballot_file), encoding="utf-8")
