"""Who is heard: each group's share of the participants, month by month, against its share of the register.

The board of a large cooperative sees the acts of participation (proposals, comments, supports, meeting
attendance, assembly votes) of the members of each collège, stakeholder profile or antenna, and compares
them with how many members each group has in the register. A group whose share of the participants is
well below its share of the members is *under-represented*: its voice is missing from what rises to the
board. The rule (``UnderRepresentationRule``) is deliberately simple and stated in words on every
dashboard, so a member can check it by hand: Smart in Progress asked that the cooperative's democratic
life reach "users, clients and partners" who are "not yet involved enough" (brief; DOMAIN.md §1.7).

Pure functions on plain values: persons are integers, groups and kinds are strings, days are dates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import NamedTuple


def month_of(day: date) -> str:
    """The month bucket of a day, as "YYYY-MM" (sorts in time order as text)."""
    return f"{day.year:04d}-{day.month:02d}"


def months_between(first: date, last: date) -> list[str]:
    """Every month bucket from ``first``'s month to ``last``'s month, both included (empty if reversed)."""
    out = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


@dataclass(frozen=True)
class UnderRepresentationRule:
    """A group is under-represented when it has at least ``min_size`` members in the register and its share
    of the participants is below ``floor`` times its share of the members.

    With the default (floor 1/2, at least 10 members): a collège holding 40 % of the members but only 15 %
    of the participants is flagged (15 % < 20 %); one with 30 % of the participants is not.
    """

    floor: Fraction = Fraction(1, 2)
    min_size: int = 10


DEFAULT_RULE = UnderRepresentationRule()


class Act(NamedTuple):
    """Acts of participation: who, which day, what (e.g. "proposal", "comment", "support"), how many times (a
    database may hand over one row per person, month and kind with its count). A named tuple: a dashboard
    builds hundreds of thousands of them."""

    person: int
    day: date
    kind: str
    times: int = 1  # ("count" would hide the tuple's own count method)


@dataclass(frozen=True)
class GroupRow:
    group: str
    size: int  # members of the group in the register
    participants: int  # distinct members of the group who acted at least once in the period
    acts_by_kind: Mapping[str, int]
    participants_by_month: tuple[int, ...]  # distinct participants in each month of ``months``
    register_share: Fraction  # size / all members of the scope
    participant_share: Fraction  # participants / all participants of the scope (0 if nobody took part)
    under_represented: bool

    @property
    def ratio(self) -> Fraction | None:
        """Share of the participants over share of the register (1 = heard in proportion); None if empty."""
        if self.register_share == 0:
            return None
        return self.participant_share / self.register_share

    @property
    def acts(self) -> int:
        return sum(self.acts_by_kind.values())


@dataclass(frozen=True)
class DimensionFigures:
    """The figures of one dimension (collège, profile or antenna) over the months of the period."""

    months: tuple[str, ...]
    rows: tuple[GroupRow, ...]
    members: int  # distinct members in the scope's register
    participants: int  # distinct members of the scope who acted in the period
    acts_outside_register: int  # acts in the period by persons not in the scope's register
    rule: UnderRepresentationRule

    @property
    def flagged(self) -> tuple[GroupRow, ...]:
        return tuple(row for row in self.rows if row.under_represented)


@dataclass(frozen=True)
class Activity:
    """Acts folded per person over the months of a period: in which months each person acted, and how many
    acts of each kind. Folding once lets several dimensions be computed without reading the acts again."""

    months: tuple[str, ...]
    months_of: Mapping[int, AbstractSet[int]]  # person → indices in ``months`` where they acted
    kinds_of: Mapping[int, Mapping[str, int]]  # person → kind → number of acts


def fold_acts(acts: Iterable[Act], months: Sequence[str]) -> Activity:
    """Fold the acts whose month is in ``months`` per person (acts of other months are dropped)."""
    month_index = {m: i for i, m in enumerate(months)}
    index_of_day: dict[date, int | None] = {}
    months_of: dict[int, set[int]] = {}
    kinds_of: dict[int, dict[str, int]] = {}
    for person, day, kind, times in acts:
        index = index_of_day.get(day, -1)
        if index == -1:
            index = index_of_day[day] = month_index.get(month_of(day))
        if index is None:
            continue
        if person in months_of:
            months_of[person].add(index)
            kinds = kinds_of[person]
            kinds[kind] = kinds.get(kind, 0) + times
        else:
            months_of[person] = {index}
            kinds_of[person] = {kind: times}
    # The sets and dicts were built here and are handed over, not copied: nothing else holds them.
    return Activity(months=tuple(months), months_of=months_of, kinds_of=kinds_of)


def group_participation(
    groups_of: Mapping[int, Sequence[str]],
    acts: Iterable[Act] | Activity,
    months: Sequence[str],
    rule: UnderRepresentationRule = DEFAULT_RULE,
) -> DimensionFigures:
    """Participation per group of one dimension, compared with the register.

    ``groups_of`` maps each member of the scope's register to their groups in this dimension (a person may
    have several stakeholder profiles: they count in each; a person with no group counts in none). Only
    acts whose month is in ``months`` count. Shares are exact fractions; rows come largest group first,
    then by name. Acts of persons outside ``groups_of`` are counted apart, never in a group. ``acts`` may
    be given already folded (``fold_acts``) over the same months.
    """
    activity = acts if isinstance(acts, Activity) else fold_acts(acts, months)
    if activity.months != tuple(months):
        raise ValueError("the acts were folded over other months")
    sizes: dict[str, int] = defaultdict(int)
    for person_groups in groups_of.values():
        for group in set(person_groups):
            sizes[group] += 1
    acted: dict[str, int] = defaultdict(int)
    acted_in_month: dict[str, list[int]] = defaultdict(lambda: [0] * len(months))
    kinds: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    participants = 0
    outside = 0
    for person, person_months in activity.months_of.items():
        found = groups_of.get(person)
        person_kinds = activity.kinds_of[person]
        if found is None:
            outside += sum(person_kinds.values())
            continue
        participants += 1
        for group in set(found):
            acted[group] += 1
            per_month = acted_in_month[group]
            for index in person_months:
                per_month[index] += 1
            group_kinds = kinds[group]
            for kind, count in person_kinds.items():
                group_kinds[kind] += count
    members = len(groups_of)
    rows = []
    for group in sorted(sizes, key=lambda g: (-sizes[g], g)):
        size = sizes[group]
        register_share = Fraction(size, members) if members else Fraction(0)
        participant_share = Fraction(acted[group], participants) if participants else Fraction(0)
        rows.append(
            GroupRow(
                group=group,
                size=size,
                participants=acted[group],
                acts_by_kind=dict(kinds[group]),
                participants_by_month=tuple(acted_in_month[group])
                if group in acted_in_month
                else tuple(0 for _ in months),
                register_share=register_share,
                participant_share=participant_share,
                under_represented=is_under_represented(size, register_share, participant_share, rule),
            )
        )
    return DimensionFigures(
        months=tuple(months),
        rows=tuple(rows),
        members=members,
        participants=participants,
        acts_outside_register=outside,
        rule=rule,
    )


def is_under_represented(
    size: int, register_share: Fraction, participant_share: Fraction, rule: UnderRepresentationRule
) -> bool:
    """The rule of ``UnderRepresentationRule``: big enough to judge, and heard less than ``floor`` of its
    weight in the register."""
    return size >= rule.min_size and participant_share < rule.floor * register_share
