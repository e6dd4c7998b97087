"""A process's phase calendar: which phase is in force on a given day, and what makes a calendar invalid.

Pure Python (no Django, no clock: the day is passed in), like ``features.py``, so the rules can be read
and tested on their own. Dates are whole days, both ends included: a phase from the 1st to the 10th is
in force on the 10th, and the next phase may start on the 11th.

The rules (ADR 0008):
- a phase *contains* a day when it has a start date on or before that day and no end date, or an end
  date on or after it; a phase without a start date is not on the calendar;
- the phase in force *has ended* when its end date is before the day — unless staff put it in force
  after its end date, knowingly (it is *held*): then it stays in force until staff put another in force
  or change its end date;
- when the phase in force has ended, the phase in force is the one whose dates contain the day; if none
  does (a gap in the calendar, or the last phase is over), no phase is in force and nothing is allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PhaseDates:
    """What the calendar knows of one phase: its key (the phase's id), its order and its dates."""

    key: int
    position: int
    starts_on: date | None = None
    ends_on: date | None = None


@dataclass(frozen=True)
class Problem:
    """Why a calendar is refused, about one field of one phase. ``other`` is the key of the phase it
    collides with (for ``overlap`` and ``after_open_end``)."""

    key: int
    field: str
    code: str
    other: int | None = None


def contains(phase: PhaseDates, day: date) -> bool:
    """Whether ``day`` falls within the phase's dates (both ends included; no end date: open)."""
    if phase.starts_on is None or phase.starts_on > day:
        return False
    return phase.ends_on is None or day <= phase.ends_on


def has_ended(current: PhaseDates, day: date, held: bool = False) -> bool:
    """Whether the phase in force is over on ``day``. A phase ``held`` (put in force by hand after its end
    date) has not ended."""
    return not held and current.ends_on is not None and current.ends_on < day


def phase_on(phases: Sequence[PhaseDates], day: date) -> PhaseDates | None:
    """The phase whose dates contain ``day`` (a valid calendar has at most one; should stored dates
    overlap, the latest in the order wins)."""
    found = [p for p in phases if contains(p, day)]
    return max(found, key=lambda p: p.position) if found else None


def in_force(
    current: PhaseDates | None, phases: Sequence[PhaseDates], day: date, held: bool = False
) -> PhaseDates | None:
    """The phase in force on ``day``: the current one until it has ended, then the one the calendar puts
    there (None in a gap or after the last phase)."""
    if current is None:
        return None
    if not has_ended(current, day, held):
        return current
    return phase_on(phases, day)


def problems(phases: Sequence[PhaseDates], count: int | None = None) -> list[Problem]:
    """Everything wrong with a calendar, one problem per field, in the order of the phases:

    - ``position_range``: the order is not between 1 and the number of phases;
    - ``position_repeated``: two phases have the same place in the order;
    - ``end_without_start``: an end date needs a start date;
    - ``end_before_start``: a phase ends before it starts;
    - ``overlap`` / ``after_open_end``: a phase starts before the previous dated phase (in the order)
      ends, or after a phase that has no end date — phases follow their order and never overlap.
    """
    count = len(phases) if count is None else count
    found: list[Problem] = []
    seen: dict[int, int] = {}
    for phase in phases:
        if not 1 <= phase.position <= count:
            found.append(Problem(phase.key, "position", "position_range"))
        elif phase.position in seen:
            found.append(Problem(phase.key, "position", "position_repeated", seen[phase.position]))
        else:
            seen[phase.position] = phase.key
    dated_ok: list[PhaseDates] = []
    for phase in phases:
        if phase.ends_on is not None and phase.starts_on is None:
            found.append(Problem(phase.key, "starts_on", "end_without_start"))
        elif phase.starts_on and phase.ends_on and phase.ends_on < phase.starts_on:
            found.append(Problem(phase.key, "ends_on", "end_before_start"))
        elif phase.starts_on is not None:
            dated_ok.append(phase)
    if any(p.field == "position" for p in found):
        return found  # the order is not known: overlaps cannot be told from it
    previous: PhaseDates | None = None
    for phase in sorted(dated_ok, key=lambda p: p.position):
        assert phase.starts_on is not None
        if previous is not None:
            if previous.ends_on is None:
                found.append(Problem(phase.key, "starts_on", "after_open_end", previous.key))
            elif phase.starts_on <= previous.ends_on:
                found.append(Problem(phase.key, "starts_on", "overlap", previous.key))
        previous = phase
    return found
