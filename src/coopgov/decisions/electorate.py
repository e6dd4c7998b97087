"""Who is in an assembly's electorate: the rule applied to one membership as it stood at the record date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Standing:
    """A membership's facts at the record date, read from the register."""

    status: str
    admitted_on: date | None
    ended_on: date | None
    paid_eur: Decimal
    in_unit: bool = True


def eligibility(
    standing: Standing, *, record_date: date, requires_paid_shares: bool
) -> tuple[bool, list[dict[str, Any]]]:
    """Whether the member may vote, and every reason (as codes with parameters, translated on display).

    Rule: loi n° 47-1775 art. 9 and CSA art. 6:39 — each associé / coopérateur admitted on the record date
    has a vote; statutes may require the shares to be paid in (DOMAIN.md §6.3). A member admitted after the
    record date, or whose membership ended on or before it, is not in the electorate.
    """
    when = record_date.isoformat()
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
