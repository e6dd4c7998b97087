"""The rules of the phase calendar on their own (participation.phase_calendar: no Django, no clock)."""

from __future__ import annotations

from datetime import date

from coopgov.participation.phase_calendar import PhaseDates, Problem, contains, has_ended, in_force, problems

INFO = PhaseDates(1, 1, date(2027, 3, 1), date(2027, 3, 10))
CONTRIB = PhaseDates(2, 2, date(2027, 3, 11), date(2027, 3, 31))
DELIB = PhaseDates(3, 3, date(2027, 4, 10), None)
CALENDAR = [INFO, CONTRIB, DELIB]


def test_a_phase_holds_its_first_and_its_last_day_and_no_other() -> None:
    assert not contains(CONTRIB, date(2027, 3, 10))
    assert contains(CONTRIB, date(2027, 3, 11)) and contains(CONTRIB, date(2027, 3, 31))
    assert not contains(CONTRIB, date(2027, 4, 1))


def test_a_phase_without_an_end_date_goes_on_and_one_without_a_start_date_is_not_on_the_calendar() -> None:
    assert contains(DELIB, date(2030, 1, 1))
    assert not contains(PhaseDates(4, 4, None, date(2027, 5, 1)), date(2027, 4, 20))


def test_the_phase_in_force_ends_the_day_after_its_end_date() -> None:
    assert not has_ended(CONTRIB, date(2027, 3, 31))
    assert has_ended(CONTRIB, date(2027, 4, 1))
    assert not has_ended(DELIB, date(2031, 1, 1))


def test_a_phase_held_by_hand_past_its_end_date_stays_in_force() -> None:
    assert not has_ended(CONTRIB, date(2027, 4, 5), held=True)
    assert in_force(CONTRIB, CALENDAR, date(2027, 4, 20), held=True) == CONTRIB


def test_once_the_phase_in_force_has_ended_the_calendar_says_which_phase_is_in_force() -> None:
    assert in_force(INFO, CALENDAR, date(2027, 3, 12)) == CONTRIB
    # Skipping a phase entirely (the run did not happen for weeks) lands on today's phase.
    assert in_force(INFO, CALENDAR, date(2027, 4, 15)) == DELIB


def test_in_a_gap_of_the_calendar_no_phase_is_in_force() -> None:
    assert in_force(CONTRIB, CALENDAR, date(2027, 4, 5)) is None


def test_a_calendar_that_follows_its_order_without_overlap_has_no_problem() -> None:
    assert problems(CALENDAR) == []
    # Undated phases are simply not on the calendar.
    assert problems([INFO, PhaseDates(5, 2), PhaseDates(6, 3, date(2027, 3, 11))]) == []


def test_each_mistake_is_named_with_its_phase_and_field() -> None:
    found = problems(
        [
            PhaseDates(1, 1, date(2027, 3, 1), date(2027, 3, 10)),
            PhaseDates(2, 2, date(2027, 3, 10), date(2027, 3, 20)),  # starts on the last day of 1
            PhaseDates(3, 3, date(2027, 4, 1), date(2027, 3, 25)),  # ends before it starts
            PhaseDates(4, 4, None, date(2027, 5, 1)),  # an end without a start
            PhaseDates(5, 5, date(2027, 5, 1), None),
            PhaseDates(6, 6, date(2027, 6, 1), date(2027, 6, 2)),  # after a phase that never ends
        ]
    )
    assert found == [
        Problem(3, "ends_on", "end_before_start"),
        Problem(4, "starts_on", "end_without_start"),
        Problem(2, "starts_on", "overlap", other=1),
        Problem(6, "starts_on", "after_open_end", other=5),
    ]


def test_dates_in_the_reverse_of_the_order_are_refused() -> None:
    found = problems(
        [PhaseDates(1, 1, date(2027, 5, 1), date(2027, 5, 9)), PhaseDates(2, 2, date(2027, 3, 1))]
    )
    assert found == [Problem(2, "starts_on", "overlap", other=1)]


def test_the_order_must_give_each_phase_its_own_place() -> None:
    found = problems([PhaseDates(1, 2), PhaseDates(2, 2), PhaseDates(3, 4)])
    assert found == [
        Problem(2, "position", "position_repeated", other=1),
        Problem(3, "position", "position_range"),
    ]
