"""Rules a share movement must respect at the moment it is recorded.

Sources: Belgian Code des sociétés et des associations art. 6:120 (resignation only in the first six months
of the financial year and with all shares unless the statutes allow partial), 6:115–6:116 (repayment limited
to the amount paid in); French loi 47-1775 art. 13 (variable capital may not fall below a quarter of the
highest capital reached) — DOMAIN.md §2.1, §3 and §6.5.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from coopgov.domain.governance.reasons import Reason


class MovementKind(StrEnum):
    SUBSCRIPTION = "subscription"
    PAYMENT = "payment"
    TRANSFER = "transfer"
    REDEMPTION = "redemption"
    REPAYMENT = "repayment"
    CONVERSION = "conversion"


class ExitCause(StrEnum):
    RESIGNATION = "resignation"
    EXCLUSION = "exclusion"
    DEATH = "death"
    OTHER = "other"


@dataclass(frozen=True)
class ShareRules:
    """A cooperative's statutory rules on share movements.

    ``resignation_window_months``: resignations are accepted only during the first N months of the
    financial year (Belgium: 6); ``None`` means at any time.
    ``capital_floor_ratio``: the capital may not fall below this fraction of the highest capital reached
    (France: 1/4); ``capital_floor_eur``: an absolute statutory floor.
    """

    financial_year_start_month: int = 1
    resignation_window_months: int | None = None
    partial_resignation_allowed: bool = False
    capital_floor_ratio: Fraction | None = None
    capital_floor_eur: Decimal | None = None


@dataclass(frozen=True)
class Holding:
    """What a member holds in one share class: number of shares, amount paid in, nominal value."""

    shares: int
    paid_eur: Decimal
    nominal_eur: Decimal

    @property
    def subscribed_eur(self) -> Decimal:
        return self.nominal_eur * self.shares


@dataclass(frozen=True)
class Capital:
    """The cooperative's subscribed capital now and the highest it has ever been."""

    current_eur: Decimal
    highest_eur: Decimal


def months_into_financial_year(on: date, start_month: int) -> int:
    """0 for the first month of the financial year, 11 for the last."""
    return (on.month - start_month) % 12


def check_movement(
    kind: MovementKind,
    *,
    quantity: int,
    amount_eur: Decimal,
    holding: Holding,
    rules: ShareRules,
    capital: Capital,
    on: date,
    cause: ExitCause = ExitCause.RESIGNATION,
) -> tuple[Reason, ...]:
    """Every rule the movement would break (empty when it is allowed).

    ``holding`` is the holder's position before the movement (for a transfer, the giver's).
    """
    broken: list[Reason] = []
    if quantity < 0 or amount_eur < 0:
        broken.append(Reason("negative_amount", False, {}))
        return tuple(broken)
    if (
        kind
        in (
            MovementKind.SUBSCRIPTION,
            MovementKind.TRANSFER,
            MovementKind.REDEMPTION,
            MovementKind.CONVERSION,
        )
        and quantity == 0
    ):
        broken.append(Reason("zero_quantity", False, {}))
    if kind is MovementKind.PAYMENT:
        if amount_eur == 0:
            broken.append(Reason("zero_amount", False, {}))
        unpaid = holding.subscribed_eur - holding.paid_eur
        if amount_eur > unpaid:
            broken.append(
                Reason("payment_exceeds_unpaid", False, {"amount": str(amount_eur), "unpaid": str(unpaid)})
            )
    moves_out = kind in (MovementKind.TRANSFER, MovementKind.REDEMPTION, MovementKind.CONVERSION)
    if moves_out and quantity > holding.shares:
        broken.append(Reason("negative_holding", False, {"quantity": quantity, "held": holding.shares}))
    if kind is MovementKind.REDEMPTION:
        if cause is ExitCause.RESIGNATION and rules.resignation_window_months is not None:
            month = months_into_financial_year(on, rules.financial_year_start_month)
            if month >= rules.resignation_window_months:
                broken.append(
                    Reason("outside_resignation_window", False, {"months": rules.resignation_window_months})
                )
        if (
            cause is ExitCause.RESIGNATION
            and not rules.partial_resignation_allowed
            and 0 < quantity < holding.shares
        ):
            broken.append(Reason("partial_resignation_not_allowed", False, {"held": holding.shares}))
        after = capital.current_eur - holding.nominal_eur * quantity
        floor = capital_floor(rules, capital)
        if after < floor:
            broken.append(Reason("below_capital_floor", False, {"after": str(after), "floor": str(floor)}))
    if kind is MovementKind.REPAYMENT and amount_eur > holding.paid_eur:
        broken.append(
            Reason(
                "repayment_exceeds_paid_in", False, {"amount": str(amount_eur), "paid": str(holding.paid_eur)}
            )
        )
    return tuple(broken)


def capital_floor(rules: ShareRules, capital: Capital) -> Decimal:
    """The lowest the subscribed capital may go: the larger of the statutory and the relative floor."""
    floor = rules.capital_floor_eur or Decimal(0)
    if rules.capital_floor_ratio is not None:
        ratio = rules.capital_floor_ratio
        relative = capital.highest_eur * ratio.numerator / ratio.denominator
        floor = max(floor, relative)
    return floor
