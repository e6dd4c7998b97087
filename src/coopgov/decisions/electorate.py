"""Who is in an assembly's electorate: the rule applied to one membership as it stood at the record date.

A general, local or section assembly gathers the members; a board meeting gathers the directors: the
persons holding a mandate on the cooperative's board on the record date (docs/adr/0018)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Seat:
    """A mandate on the board held on the record date: since when, and how the person was appointed
    (``elected``, ``coopted`` — pending ratification unless ``ratified_on`` — or ``ex_officio``)."""

    starts_on: date
    appointed_how: str
    ratified_on: date | None = None


@dataclass(frozen=True)
class Standing:
    """A membership's facts at the record date, read from the register (and, for a board meeting, the
    person's seat on the board that day, if any)."""

    status: str
    admitted_on: date | None
    ended_on: date | None
    paid_eur: Decimal
    in_unit: bool = True
    seat: Seat | None = None


def eligibility(
    standing: Standing, *, record_date: date, requires_paid_shares: bool, board: bool = False
) -> tuple[bool, list[dict[str, Any]]]:
    """Whether the member may vote, and every reason (as codes with parameters, translated on display).

    Rule: loi n° 47-1775 art. 9 and CSA art. 6:39 — each associé / coopérateur admitted on the record date
    has a vote; statutes may require the shares to be paid in (DOMAIN.md §6.3). A member admitted after the
    record date, or whose membership ended on or before it, is not in the electorate.

    At a board meeting (``board``) the directors vote, one director one vote: the persons whose mandate
    on the board has begun on or before the record date and has not ended before it (C. com. L225-37 for
    a French SA; in Belgium the CSA leaves the board's working to the statutes). The register's standing
    and paid shares do not matter there.
    """
    when = record_date.isoformat()
    if board:
        return _board_eligibility(standing.seat, when)
    reasons: list[dict[str, Any]] = []
    admitted = (
        standing.admitted_on is not None
        and standing.admitted_on <= record_date
        and standing.status
        in {
            "admitted",
            "resigned",
            "excluded",
            "deceased",
        }
    )
    left = standing.ended_on is not None and standing.ended_on <= record_date
    ok = True
    if not admitted:
        ok = False
        reasons.append({"code": "not_admitted_on_record_date", "date": when})
    elif left:
        ok = False
        reasons.append({"code": "left_before_record_date", "date": when})
    else:
        reasons.append({"code": "admitted_on_record_date", "date": when})
    if requires_paid_shares:
        if standing.paid_eur > 0:
            reasons.append({"code": "shares_paid"})
        else:
            ok = False
            reasons.append({"code": "no_paid_shares"})
    if not standing.in_unit:
        ok = False
        reasons.append({"code": "outside_unit"})
    return ok, reasons


def _board_eligibility(seat: Seat | None, when: str) -> tuple[bool, list[dict[str, Any]]]:
    """A director on the record date votes at the board meeting, with how they came to sit on it."""
    if seat is None:
        return False, [{"code": "no_board_seat", "date": when}]
    return True, [seat_reason(seat, when)]


def seat_reason(seat: Seat, when: str) -> dict[str, Any]:
    """The reason a director votes: since when they sit on the board, and how they were appointed (a
    co-opted director stays "pending ratification" until the general assembly ratifies them)."""
    how = seat.appointed_how
    if how == "coopted" and seat.ratified_on is not None:
        how = "coopted_ratified"
    return {"code": "board_seat", "since": seat.starts_on.isoformat(), "how": how, "date": when}
