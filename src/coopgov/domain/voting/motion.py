"""Motions: yes / no / abstain / blank / null, with thresholds, quorum, collège weights and vote caps."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

from coopgov.domain.voting.numbers import exact, json_number, to_fraction
from coopgov.domain.voting.result import TallyResult
from coopgov.domain.voting.weights import VoterWeights


class MotionChoice(StrEnum):
    """What a ballot on a motion says. Blank and null are kept apart from abstention because the law
    names them apart (C. com. L225-98, L225-96 since loi n° 2019-744: "abstention, blanc ou nul")."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"
    BLANK = "blank"
    NULL = "null"


class Base(StrEnum):
    """What a threshold is a fraction of.

    - ``cast``: yes + no only; abstentions, blanks and nulls are not votes cast (French Code de commerce
      L225-96/L225-98 since loi n° 2019-744 of 19 July 2019; Belgian CSA art. 6:86 "abstentions excluded").
    - ``cast-with-abstentions``: every ballot handed in, abstentions, blanks and nulls included (older
      French practice; some statutes still ask for it).
    - ``electorate``: every member entitled to vote, present or not (statutes that want a majority of
      all members).
    """

    CAST = "cast"
    CAST_WITH_ABSTENTIONS = "cast-with-abstentions"
    ELECTORATE = "electorate"


@dataclass(frozen=True)
class Threshold:
    """A majority: ``simple`` (more yes than no), or yes must reach ``fraction`` of the base — strictly
    more than it when ``strict`` (absolute majority: more than half), at least it otherwise (2/3, 3/4, 4/5:
    "la majorité des deux tiers des voix" is reached by exactly two thirds)."""

    name: str
    fraction: Fraction
    strict: bool
    simple: bool = False

    def reached(self, yes: Fraction, no: Fraction, base: Fraction) -> bool:
        """Whether ``yes`` meets this threshold against ``no`` and ``base``."""
        if self.simple:
            return yes > no
        if base <= 0:
            return False
        return yes > self.fraction * base if self.strict else yes >= self.fraction * base


SIMPLE = Threshold("simple", Fraction(1, 2), strict=True, simple=True)
ABSOLUTE = Threshold("absolute", Fraction(1, 2), strict=True)
TWO_THIRDS = Threshold("2/3", Fraction(2, 3), strict=False)
THREE_QUARTERS = Threshold("3/4", Fraction(3, 4), strict=False)
FOUR_FIFTHS = Threshold("4/5", Fraction(4, 5), strict=False)

THRESHOLDS: Mapping[str, Threshold] = {
    t.name: t for t in (SIMPLE, ABSOLUTE, TWO_THIRDS, THREE_QUARTERS, FOUR_FIFTHS)
}


@dataclass(frozen=True)
class CollegeBounds:
    """Limits on a set of collège weights. French SCIC (loi n° 47-1775 art. 19 octies): at least three
    collèges, none above 50 % nor below 10 % of the votes, weights summing to 100 %."""

    floor: Fraction = Fraction(1, 10)
    ceiling: Fraction = Fraction(1, 2)
    min_colleges: int = 3


SCIC_COLLEGE_BOUNDS = CollegeBounds()


class InvalidCollegeWeights(ValueError):
    """A set of collège weights the statutes' law does not allow."""


def validate_college_weights(
    weights: Mapping[str, Fraction | int], bounds: CollegeBounds = SCIC_COLLEGE_BOUNDS
) -> dict[str, Fraction]:
    """Check a set of collège weights and return it as exact fractions, or raise InvalidCollegeWeights
    saying what is wrong.

    Rule: loi n° 47-1775 du 10 septembre 1947, art. 19 octies (SCIC): each collège weighs between 10 %
    and 50 % of the votes, at least three collèges, and the weights add up to exactly 100 %. Weights are
    exact, so write 1/3 rather than 0.333.
    """
    exact_weights = {name: to_fraction(w, what=f"weight of collège {name!r}") for name, w in weights.items()}
    problems: list[str] = []
    if len(exact_weights) < bounds.min_colleges:
        problems.append(f"{len(exact_weights)} collèges, at least {bounds.min_colleges} required")
    for name, weight in sorted(exact_weights.items()):
        if weight < bounds.floor:
            problems.append(f"collège {name!r} weighs {exact(weight)}, below the floor {exact(bounds.floor)}")
        if weight > bounds.ceiling:
            problems.append(
                f"collège {name!r} weighs {exact(weight)}, above the ceiling {exact(bounds.ceiling)}"
            )
    total = sum(exact_weights.values(), Fraction(0))
    if total != 1:
        problems.append(f"weights add up to {exact(total)}, not 1")
    if problems:
        raise InvalidCollegeWeights("invalid collège weights: " + "; ".join(problems))
    return exact_weights


@dataclass(frozen=True)
class MotionRule:
    """How a motion is decided: threshold and its base, quorum, collège weights, per-person cap.

    ``quorum`` is the share of the electorate (weighted as the ballots are) that must take part — present
    or represented, abstentions, blanks and nulls included — for the vote to count. ``college_weights``
    switches on per-collège tallying (checked against ``college_bounds``; ``None`` bounds skip the check).
    ``cap`` limits any one voter (own vote plus proxies) to that share of the votes present or represented.
    ``college_quorum``, when set, must also be reached inside every collège (its participation over its
    own electorate), for statutes that do not let one collège decide alone.
    """

    threshold: Threshold = SIMPLE
    base: Base = Base.CAST
    quorum: Fraction = Fraction(0)
    college_weights: Mapping[str, Fraction] | None = None
    college_bounds: CollegeBounds | None = SCIC_COLLEGE_BOUNDS
    cap: Fraction | None = None
    name: str = "custom"
    college_quorum: Fraction | None = None


@dataclass(frozen=True)
class MeetingPreset:
    """The statutory default for one kind of meeting: quorum on first and second convocation, threshold
    and base. Presets are data (DOMAIN.md §6.8); statutes may set higher quorums."""

    name: str
    description: str
    quorum_first: Fraction
    quorum_second: Fraction
    threshold: Threshold
    base: Base
    source: str


PRESETS: Mapping[str, MeetingPreset] = {
    p.name: p
    for p in (
        MeetingPreset(
            "fr-scic-sa-ago",
            "French SCIC-SA ordinary general meeting",
            Fraction(1, 5),
            Fraction(0),
            ABSOLUTE,
            Base.CAST,
            "Code de commerce L225-98 (quorum 1/5, none on second convocation; majority of votes cast)",
        ),
        MeetingPreset(
            "fr-scic-sa-age",
            "French SCIC-SA extraordinary general meeting (statute amendments)",
            Fraction(1, 4),
            Fraction(1, 5),
            TWO_THIRDS,
            Base.CAST,
            "Code de commerce L225-96 (quorum 1/4 then 1/5; 2/3 of votes cast, abstentions, blank and null "
            "excluded since loi n° 2019-744)",
        ),
        MeetingPreset(
            "be-sc-ordinary",
            "Belgian SC ordinary general meeting",
            Fraction(0),
            Fraction(0),
            ABSOLUTE,
            Base.CAST,
            "CSA livre 6, supplétive rule: simple majority of votes cast, no quorum",
        ),
        MeetingPreset(
            "be-sc-statutes",
            "Belgian SC statute amendment",
            Fraction(1, 2),
            Fraction(0),
            THREE_QUARTERS,
            Base.CAST,
            "CSA art. 6:85 (quorum 1/2 of shares, none on second meeting; 3/4 of votes cast, abstentions "
            "excluded)",
        ),
        MeetingPreset(
            "be-sc-object",
            "Belgian SC change of object, purpose or values",
            Fraction(1, 2),
            Fraction(0),
            FOUR_FIFTHS,
            Base.CAST,
            "CSA art. 6:86 (quorum 1/2, none on second meeting; 4/5 of votes cast; report in convocation)",
        ),
        MeetingPreset(
            "fr-sa-board",
            "French SA board of directors meeting",
            Fraction(1, 2),
            Fraction(1, 2),
            ABSOLUTE,
            Base.CAST_WITH_ABSTENTIONS,
            "Code de commerce L225-37 (quorum: at least half of the directors in office; majority of the "
            "directors present or represented, unless the statutes ask more)",
        ),
        MeetingPreset(
            "be-sc-board",
            "Belgian SC board of directors meeting",
            Fraction(0),
            Fraction(0),
            SIMPLE,
            Base.CAST,
            "CSA livre 6 sets no quorum nor majority for the board: the statutes do; default here: simple "
            "majority of votes cast (more for than against), no quorum",
        ),
    )
}

CNC_CAP = Fraction(1, 10)
"""Belgian CNC approval: nobody votes for more than 1/10 of the votes present or represented."""
CNC_CAP_WITH_STAFF = Fraction(1, 20)
"""Belgian CNC approval when staff are members: 1/20 of the votes present or represented."""


@dataclass(frozen=True)
class Weakness:
    """One way a preset is less demanding than its legal floor: the field at fault (``quorum_first``,
    ``quorum_second``, ``threshold`` or ``base``), the preset's value and the floor's, as text."""

    field: str
    value: str
    floor: str


# Bases from the narrowest to the widest: on any count, yes + no ≤ ballots handed in ≤ the electorate.
_BASE_ORDER = (Base.CAST, Base.CAST_WITH_ABSTENTIONS, Base.ELECTORATE)


def _normal(threshold: Threshold, base: Base) -> tuple[Fraction, bool, Base]:
    """A threshold and base as (fraction, strict, base). A simple majority (more yes than no) is the
    absolute majority of the votes cast, whatever base it is written with: yes > (yes + no) / 2 ⟺ yes > no."""
    if threshold.simple:
        return Fraction(1, 2), True, Base.CAST
    return threshold.fraction, threshold.strict, base


def weaknesses(preset: MeetingPreset, floor: MeetingPreset) -> list[Weakness]:
    """How ``preset`` asks less than ``floor`` (empty when it asks at least as much on every count).

    Rule: the law's quorum and majority are a minimum that statutes may raise, never lower (C. com.
    L225-96 and L225-98: "les statuts peuvent prévoir des quorums plus élevés"; CSA art. 6:85–6:86 and
    the imperative-law precedence of DOMAIN.md §3). A preset is at least as strict as its floor when its
    quorums are not lower and it adopts a motion only on counts where the floor adopts it too: its
    fraction is not lower (equal and "more than" beats equal and "at least") and its base is not
    narrower (votes cast ⊂ ballots handed in ⊂ electorate). A wider base with a lower fraction is not
    comparable, and is reported on the threshold.
    """
    found: list[Weakness] = []
    for name in ("quorum_first", "quorum_second"):
        value, least = getattr(preset, name), getattr(floor, name)
        if value < least:
            found.append(Weakness(name, exact(value), exact(least)))
    fraction, strict, base = _normal(preset.threshold, preset.base)
    floor_fraction, floor_strict, floor_base = _normal(floor.threshold, floor.base)
    if fraction < floor_fraction or (fraction == floor_fraction and floor_strict and not strict):
        found.append(Weakness("threshold", preset.threshold.name, floor.threshold.name))
    if _BASE_ORDER.index(base) < _BASE_ORDER.index(floor_base):
        found.append(Weakness("base", preset.base.value, floor.base.value))
    return found


def rule_from_meeting_preset(
    preset: MeetingPreset,
    *,
    convocation: int = 1,
    college_weights: Mapping[str, Fraction] | None = None,
    college_bounds: CollegeBounds | None = SCIC_COLLEGE_BOUNDS,
    cap: Fraction | None = None,
) -> MotionRule:
    """The MotionRule of a preset (the law's, or a cooperative's own) on the first or second convocation.

    Rule: the quorum of the convocation being held and the preset's majority (DOMAIN.md §6.8).
    """
    if convocation not in (1, 2):
        raise ValueError(f"convocation must be 1 or 2, not {convocation!r}")
    return MotionRule(
        threshold=preset.threshold,
        base=preset.base,
        quorum=preset.quorum_first if convocation == 1 else preset.quorum_second,
        college_weights=college_weights,
        college_bounds=college_bounds,
        cap=cap,
        name=f"{preset.name} (convocation {convocation})",
    )


def rule_from_preset(
    name: str,
    *,
    convocation: int = 1,
    college_weights: Mapping[str, Fraction] | None = None,
    college_bounds: CollegeBounds | None = SCIC_COLLEGE_BOUNDS,
    cap: Fraction | None = None,
) -> MotionRule:
    """The MotionRule of a named preset (see PRESETS) on the first or second convocation.

    Rule: the quorum and majority of DOMAIN.md §2.4, §3 and §6.8 (Code de commerce L225-96/L225-98,
    CSA art. 6:85–6:86).
    """
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; known: {', '.join(sorted(PRESETS))}")
    return rule_from_meeting_preset(
        PRESETS[name],
        convocation=convocation,
        college_weights=college_weights,
        college_bounds=college_bounds,
        cap=cap,
    )


@dataclass(frozen=True)
class MotionBallot:
    """One voter's ballot on a motion: who, in which collège, with what weight (one member one vote,
    or more from proxies or shares), saying what. ``count`` > 1 stands for that many anonymous voters
    who cast the same ballot with the same weight."""

    voter: str
    choice: MotionChoice
    weight: Fraction = Fraction(1)
    college: str | None = None
    count: int = 1
    """Identical ballots of ``count`` different voters (an anonymised file's grouped rows): ``weight``
    is each one's weight, so a per-person cap applies to each of them, not to the group."""


@dataclass(frozen=True)
class _Counts:
    by_choice: Mapping[MotionChoice, Fraction] = field(default_factory=dict)

    def get(self, choice: MotionChoice) -> Fraction:
        return self.by_choice.get(choice, Fraction(0))

    @property
    def yes(self) -> Fraction:
        return self.get(MotionChoice.YES)

    @property
    def no(self) -> Fraction:
        return self.get(MotionChoice.NO)

    @property
    def present(self) -> Fraction:
        return sum(self.by_choice.values(), Fraction(0))

    def base(self, base: Base, electorate: Fraction | None) -> Fraction:
        if base is Base.CAST:
            return self.yes + self.no
        if base is Base.CAST_WITH_ABSTENTIONS:
            return self.present
        assert electorate is not None  # checked by the caller
        return electorate

    def to_json(self) -> dict[str, int | float]:
        return {choice.value: json_number(self.get(choice)) for choice in MotionChoice}


Number = int | Fraction
"""A weight during counting: an int when whole (most ballots weigh 1), else a Fraction. Sums and
comparisons mixing the two are exact, and summing ints is many times faster than summing Fractions."""


def _plain(value: Fraction | int) -> Number:
    """The whole-number fast path's view of a weight: an int when whole, the Fraction otherwise."""
    if type(value) is int:
        return value
    return value.numerator if value.denominator == 1 else value


def _as_fraction(value: Fraction | int) -> Number:
    """The exact-fraction path's view of a weight: always a Fraction (the reference arithmetic)."""
    return Fraction(value)


def _total(values: Iterable[Number]) -> Fraction:
    """The exact sum: whole numbers summed as ints, the others as Fractions."""
    whole = 0
    rest = Fraction(0)
    for value in values:
        if type(value) is int:
            whole += value
        else:
            rest += value
    return rest + whole


def _times(weight: Number, count: int) -> Number:
    return weight if count == 1 else weight * count


def _count(ballots: Iterable[tuple[MotionBallot, Number]]) -> _Counts:
    whole: dict[MotionChoice, int] = {}
    rest: dict[MotionChoice, Fraction] = {}
    for ballot, weight in ballots:
        if type(weight) is int:
            whole[ballot.choice] = whole.get(ballot.choice, 0) + weight
        else:
            rest[ballot.choice] = rest.get(ballot.choice, Fraction(0)) + weight
    return _Counts(
        {c: rest.get(c, Fraction(0)) + whole.get(c, 0) for c in MotionChoice if c in whole or c in rest}
    )


def _electorate_total(electorate: Fraction | int | Mapping[str, Fraction | int] | None) -> Fraction | None:
    if electorate is None:
        return None
    if isinstance(electorate, Mapping):
        return sum((to_fraction(v, what="electorate") for v in electorate.values()), Fraction(0))
    return to_fraction(electorate, what="electorate")


def _check_ballots(ballots: Sequence[MotionBallot]) -> None:
    seen: set[str] = set()
    for ballot in ballots:
        if ballot.voter in seen:
            raise ValueError(f"voter {ballot.voter!r} has more than one ballot")
        seen.add(ballot.voter)
        if ballot.weight.numerator < 0:  # a Fraction's sign is its numerator's
            raise ValueError(f"voter {ballot.voter!r} has a negative weight {exact(ballot.weight)}")
        if ballot.count < 0:
            raise ValueError(f"ballot {ballot.voter!r} has a negative count {ballot.count}")


def apply_cap(
    weights: Mapping[str, Fraction], cap: Fraction, counts: Mapping[str, int] | None = None
) -> tuple[dict[str, Fraction], Fraction, list[dict[str, Any]]]:
    """Cap each voter's weight at ``cap`` × the votes present or represented (counted before capping).

    Rule: Belgian CNC approval, AR 8 janvier 1962 art. 1 §1 (as amended by AR 4 mai 2016): nobody takes
    part in a vote, personally and as proxy holder, for more than one tenth (one twentieth when staff are
    members) of the votes attached to the shares present or represented. ``counts`` says how many voters
    share a grouped entry (default 1 each); the cap applies to each of them. Returns each entry's capped
    per-voter weight, the limit, and one record per capped entry.
    """
    capped, limit, records = _cap({v: Fraction(w) for v, w in weights.items()}, cap, counts or {})
    return {v: Fraction(w) for v, w in capped.items()}, limit, records


def _cap(
    weights: Mapping[str, Number], cap: Fraction, counts: Mapping[str, int]
) -> tuple[dict[str, Number], Fraction, list[dict[str, Any]]]:
    """:func:`apply_cap` on weights that may be ints: a whole weight exceeds the limit exactly when it
    exceeds the limit's floor, so the comparison stays in integers."""
    present = _total(_times(w, counts.get(v, 1)) for v, w in weights.items())
    limit = cap * present
    floor = limit.numerator // limit.denominator
    counted_limit = _plain(limit) if any(type(w) is int for w in weights.values()) else limit
    capped: dict[str, Number] = {}
    over: list[str] = []
    for voter, weight in weights.items():
        if weight > floor if type(weight) is int else weight > limit:
            capped[voter] = counted_limit
            over.append(voter)
        else:
            capped[voter] = weight
    records: list[dict[str, Any]] = []
    for voter in sorted(over):
        record: dict[str, Any] = {
            "voter": voter,
            "weight": json_number(Fraction(weights[voter])),
            "counted": json_number(limit),
        }
        if counts.get(voter, 1) != 1:
            record["voters"] = counts[voter]
        records.append(record)
    return capped, limit, records


def tally_motion(
    ballots: Sequence[MotionBallot],
    rule: MotionRule = MotionRule(),
    *,
    electorate: Fraction | int | Mapping[str, Fraction | int] | None = None,
) -> TallyResult:
    """Decide a motion: is it adopted, and why.

    Rule: the threshold (simple: more yes than no; absolute: more than half the base; 2/3, 3/4, 4/5: at
    least that share of the base) over the chosen base (Code de commerce L225-96/L225-98 and CSA art.
    6:85–6:86 count votes cast without abstentions, blanks and nulls), after a quorum on the electorate
    (the weight present or represented over the electorate's weight, first or second convocation).

    With ``rule.college_weights`` each collège is tallied apart and the collèges' shares are combined by
    their weights (loi n° 47-1775 art. 19 octies, SCIC; DOMAIN.md §6.6: result = Σ weight × share within
    the collège). A collège whose base is empty (nobody voted yes or no in it) drops out and the others'
    weights are scaled up to sum to 1, as SCIC statutes commonly provide; the explanation says so.
    ``electorate`` is the electorate's weight, one number or one per collège; it is needed for a quorum
    and for the ``electorate`` base.

    Whole weights are counted as integers (the whole-number fast path); the result is the same as with
    exact fractions throughout (``_tally_motion(..., number=_as_fraction)``, checked by property tests).
    """
    return _tally_motion(ballots, rule, electorate, number=_plain)


def _tally_motion(
    ballots: Sequence[MotionBallot],
    rule: MotionRule,
    electorate: Fraction | int | Mapping[str, Fraction | int] | None,
    *,
    number: Callable[[Fraction | int], Number],
) -> TallyResult:
    _check_ballots(ballots)
    electorate_total = _electorate_total(electorate)
    per_college_electorate: dict[str, Fraction] | None = None
    if isinstance(electorate, Mapping):
        per_college_electorate = {k: to_fraction(v, what="electorate") for k, v in electorate.items()}
    if electorate_total is None and (rule.quorum > 0 or rule.base is Base.ELECTORATE):
        raise ValueError("this rule needs the electorate's size (for its quorum or base)")

    own = [number(b.weight) for b in ballots]
    weights: dict[str, Number] = {b.voter: w for b, w in zip(ballots, own, strict=True)}
    counts = {b.voter: b.count for b in ballots if b.count != 1}
    explanation: dict[str, Any] = {
        "rule": {
            "name": rule.name,
            "threshold": rule.threshold.name,
            "base": rule.base.value,
            "quorum": exact(rule.quorum),
        }
    }
    if rule.cap is not None:
        weights, limit, capped = _cap(weights, rule.cap, counts)
        explanation["cap"] = {"share": exact(rule.cap), "limit": json_number(limit), "capped": capped}
    counted = [(b, _times(weights[b.voter], b.count)) for b in ballots]
    overall = _count(counted)
    explanation["counts"] = overall.to_json()
    explanation["ballots"] = sum(b.count for b in ballots)
    # Presence is counted before any cap: the cap limits a voter's power, not the shares present.
    present = _total(_times(w, b.count) for b, w in zip(ballots, own, strict=True))
    # Which weights were applied, without tying any weight to a choice (ballots may be secret).
    explanation["weights"] = {
        "total": json_number(present),
        "ballots_weighing_other_than_1": sum(b.count for b, w in zip(ballots, own, strict=True) if w != 1),
        "largest": json_number(Fraction(max(own, default=0))),
    }

    quorum_reached = True
    participation: dict[str, Any] = {"present_or_represented": json_number(present)}
    if electorate_total is not None:
        required = rule.quorum * electorate_total
        quorum_reached = present >= required
        participation.update(
            {
                "electorate": json_number(electorate_total),
                "required": json_number(required),
                "turnout": json_number(present / electorate_total) if electorate_total else None,
            }
        )
    if rule.college_quorum is not None:
        if per_college_electorate is None:
            raise ValueError("a per-collège quorum needs the electorate of every collège")
        by_college: dict[str, Any] = {}
        for name in sorted(per_college_electorate):
            here = _total(_times(w, b.count) for b, w in zip(ballots, own, strict=True) if b.college == name)
            needed = rule.college_quorum * per_college_electorate[name]
            by_college[name] = {
                "present_or_represented": json_number(here),
                "required": json_number(needed),
                "quorum_reached": here >= needed,
            }
            quorum_reached = quorum_reached and here >= needed
        participation["college_quorum"] = exact(rule.college_quorum)
        participation["colleges"] = by_college
    participation["quorum_reached"] = quorum_reached
    explanation["quorum"] = participation

    if rule.college_weights is not None:
        adopted = _decide_by_colleges(counted, rule, per_college_electorate, explanation)
    else:
        base = overall.base(rule.base, electorate_total)
        adopted = rule.threshold.reached(overall.yes, overall.no, base)
        explanation["decision"] = {
            "yes": json_number(overall.yes),
            "no": json_number(overall.no),
            "base": json_number(base),
            "yes_share": json_number(overall.yes / base) if base else None,
            "threshold_reached": adopted,
        }
    adopted = adopted and quorum_reached
    explanation["adopted"] = adopted
    if not quorum_reached:
        explanation["why"] = "quorum not reached"
    return TallyResult(method="motion", winners=(), ranking=None, adopted=adopted, explanation=explanation)


def _decide_by_colleges(
    counted: Sequence[tuple[MotionBallot, Number]],
    rule: MotionRule,
    per_college_electorate: Mapping[str, Fraction] | None,
    explanation: dict[str, Any],
) -> bool:
    assert rule.college_weights is not None
    if rule.college_bounds is not None:
        declared = validate_college_weights(rule.college_weights, rule.college_bounds)
    else:
        declared = {
            k: to_fraction(v, what=f"weight of collège {k!r}") for k, v in rule.college_weights.items()
        }
    for ballot, _ in counted:
        if ballot.college not in declared:
            raise ValueError(f"voter {ballot.voter!r} is in collège {ballot.college!r}, which has no weight")
    if rule.base is Base.ELECTORATE and (
        per_college_electorate is None or set(per_college_electorate) != set(declared)
    ):
        raise ValueError("the electorate base with collèges needs the electorate of every collège")

    tallies: dict[str, _Counts] = {
        name: _count((b, w) for b, w in counted if b.college == name) for name in sorted(declared)
    }
    bases = {
        name: tallies[name].base(
            rule.base, per_college_electorate.get(name) if per_college_electorate else None
        )
        for name in tallies
    }
    active = {name: declared[name] for name in tallies if bases[name] > 0}
    active_total = sum(active.values(), Fraction(0))
    applied = {name: (w / active_total) for name, w in active.items()} if active_total else {}

    weighted_yes = sum((applied[n] * tallies[n].yes / bases[n] for n in applied), Fraction(0))
    weighted_no = sum((applied[n] * tallies[n].no / bases[n] for n in applied), Fraction(0))
    weighted_base = Fraction(1) if applied else Fraction(0)
    adopted = rule.threshold.reached(weighted_yes, weighted_no, weighted_base)

    colleges: list[dict[str, Any]] = []
    for name in tallies:
        tally = tallies[name]
        row: dict[str, Any] = {
            "college": name,
            "counts": tally.to_json(),
            "base": json_number(bases[name]),
            "yes_share": json_number(tally.yes / bases[name]) if bases[name] else None,
            "no_share": json_number(tally.no / bases[name]) if bases[name] else None,
            "weight": exact(declared[name]),
            "applied_weight": exact(applied[name]) if name in applied else "0",
        }
        if per_college_electorate is not None and name in per_college_electorate:
            row["electorate"] = json_number(per_college_electorate[name])
        if name not in applied:
            row["note"] = "no votes in the base: weight shared among the other collèges"
        colleges.append(row)
    explanation["colleges"] = colleges
    explanation["decision"] = {
        "weighted_yes": json_number(weighted_yes),
        "weighted_no": json_number(weighted_no),
        "weighted_yes_exact": exact(weighted_yes),
        "threshold_reached": adopted,
    }
    return adopted


def weighted_motion_ballots(
    choices: Mapping[str, MotionChoice],
    weights: VoterWeights,
    colleges: Mapping[str, str] | None = None,
) -> list[MotionBallot]:
    """Ballots ready for :func:`tally_motion` from each voter's choice and the weights that proxies or
    delegations give them (:mod:`coopgov.domain.voting.weights`), with each voter's collège.

    Rule: a proxy holder or delegate casts one ballot carrying the weight of everyone they represent
    (loi n° 47-1775 art. 9; DOMAIN.md §6.7). A voter without a resolved weight is an error, not a guess.
    """
    missing = sorted(v for v in choices if v not in weights.weights)
    if missing:
        raise ValueError(f"no weight for voter(s) {', '.join(missing)}")
    return [
        MotionBallot(
            voter=voter,
            choice=choices[voter],
            weight=weights.weights[voter],
            college=colleges.get(voter) if colleges is not None else None,
        )
        for voter in sorted(choices)
    ]
