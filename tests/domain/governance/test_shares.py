"""Share-movement rules without a database: Belgian and French statutory settings, and properties over
random ledgers (an accepted movement never makes a holding negative, repayments never exceed paid-in)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from coopgov.domain.governance.shares import (
    Capital,
    ExitCause,
    Holding,
    MovementKind,
    ShareRules,
    capital_floor,
    check_movement,
    months_into_financial_year,
)

NOMINAL = Decimal(30)
BE = ShareRules(financial_year_start_month=1, resignation_window_months=6, partial_resignation_allowed=False)
FR = ShareRules(capital_floor_ratio=Fraction(1, 4))
PLENTY = Capital(current_eur=Decimal(1_000_000), highest_eur=Decimal(1_000_000))
MARCH, OCTOBER = date(2025, 3, 10), date(2025, 10, 10)


def holding(shares: int, paid: Decimal | int | None = None) -> Holding:
    return Holding(
        shares=shares, paid_eur=Decimal(paid if paid is not None else shares * 30), nominal_eur=NOMINAL
    )


def codes(kind: MovementKind, **kwargs: object) -> set[str]:
    kwargs.setdefault("quantity", 0)
    kwargs.setdefault("amount_eur", Decimal(0))
    kwargs.setdefault("rules", BE)
    kwargs.setdefault("capital", PLENTY)
    kwargs.setdefault("on", MARCH)
    return {r.code for r in check_movement(kind, **kwargs)}  # type: ignore[arg-type]


def test_subscription_of_shares_is_allowed():
    assert codes(MovementKind.SUBSCRIPTION, quantity=3, holding=holding(0)) == set()


def test_payment_may_not_exceed_what_is_still_unpaid():
    h = holding(3, paid=60)
    assert codes(MovementKind.PAYMENT, amount_eur=Decimal(30), holding=h) == set()
    assert codes(MovementKind.PAYMENT, amount_eur=Decimal("30.01"), holding=h) == {"payment_exceeds_unpaid"}
    assert codes(MovementKind.PAYMENT, amount_eur=Decimal(0), holding=h) == {"zero_amount"}


def test_redeeming_more_than_held_is_a_negative_holding():
    assert "negative_holding" in codes(MovementKind.REDEMPTION, quantity=3, holding=holding(2))


def test_belgian_resignation_only_in_the_first_six_months():
    assert codes(MovementKind.REDEMPTION, quantity=2, holding=holding(2), on=MARCH) == set()
    assert codes(MovementKind.REDEMPTION, quantity=2, holding=holding(2), on=OCTOBER) == {
        "outside_resignation_window"
    }


def test_the_window_follows_the_financial_year():
    july_year = ShareRules(financial_year_start_month=7, resignation_window_months=6)
    assert (
        codes(MovementKind.REDEMPTION, quantity=1, holding=holding(1), rules=july_year, on=OCTOBER) == set()
    )
    assert codes(MovementKind.REDEMPTION, quantity=1, holding=holding(1), rules=july_year, on=MARCH) == {
        "outside_resignation_window"
    }
    assert months_into_financial_year(date(2025, 7, 1), 7) == 0
    assert months_into_financial_year(date(2025, 6, 30), 7) == 11


def test_an_exclusion_or_death_is_not_bound_to_the_resignation_window():
    for cause in (ExitCause.EXCLUSION, ExitCause.DEATH):
        assert (
            codes(MovementKind.REDEMPTION, quantity=2, holding=holding(2), on=OCTOBER, cause=cause) == set()
        )


def test_belgian_partial_resignation_needs_statutes_that_allow_it():
    assert codes(MovementKind.REDEMPTION, quantity=1, holding=holding(3)) == {
        "partial_resignation_not_allowed"
    }
    partial = ShareRules(resignation_window_months=6, partial_resignation_allowed=True)
    assert codes(MovementKind.REDEMPTION, quantity=1, holding=holding(3), rules=partial) == set()


def test_repayment_may_not_exceed_the_amount_paid_in():
    h = holding(2, paid=45)
    assert codes(MovementKind.REPAYMENT, amount_eur=Decimal(45), holding=h) == set()
    assert codes(MovementKind.REPAYMENT, amount_eur=Decimal("45.01"), holding=h) == {
        "repayment_exceeds_paid_in"
    }


def test_french_capital_floor_is_a_quarter_of_the_highest_capital():
    capital = Capital(current_eur=Decimal(300), highest_eur=Decimal(1000))
    assert capital_floor(FR, capital) == Decimal(250)
    assert (
        codes(
            MovementKind.REDEMPTION,
            quantity=1,
            holding=holding(5),
            rules=FR,
            capital=capital,
            cause=ExitCause.OTHER,
        )
        == set()
    )
    assert codes(
        MovementKind.REDEMPTION,
        quantity=2,
        holding=holding(5),
        rules=FR,
        capital=capital,
        cause=ExitCause.OTHER,
    ) == {"below_capital_floor"}


def test_the_larger_of_the_statutory_and_relative_floors_applies():
    rules = ShareRules(capital_floor_ratio=Fraction(1, 4), capital_floor_eur=Decimal(500))
    assert capital_floor(rules, Capital(Decimal(900), Decimal(1000))) == Decimal(500)
    assert capital_floor(rules, Capital(Decimal(900), Decimal(4000))) == Decimal(1000)
    assert capital_floor(ShareRules(), Capital(Decimal(900), Decimal(4000))) == Decimal(0)


def test_zero_and_negative_quantities_are_refused():
    assert codes(MovementKind.TRANSFER, quantity=0, holding=holding(2)) == {"zero_quantity"}
    assert codes(MovementKind.SUBSCRIPTION, quantity=-1, holding=holding(2)) == {"negative_amount"}
    assert codes(MovementKind.PAYMENT, amount_eur=Decimal(-1), holding=holding(2)) == {"negative_amount"}


# --- properties -----------------------------------------------------------------------------------------

kinds = st.sampled_from(list(MovementKind))
rules_strategy = st.builds(
    ShareRules,
    financial_year_start_month=st.integers(1, 12),
    resignation_window_months=st.one_of(st.none(), st.integers(1, 12)),
    partial_resignation_allowed=st.booleans(),
    capital_floor_ratio=st.one_of(
        st.none(), st.sampled_from([Fraction(1, 4), Fraction(1, 2), Fraction(1, 10)])
    ),
    capital_floor_eur=st.one_of(st.none(), st.integers(0, 5000).map(Decimal)),
)
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))
causes = st.sampled_from(list(ExitCause))


@st.composite
def holdings(draw: st.DrawFn) -> Holding:
    shares = draw(st.integers(0, 50))
    paid_cents = draw(st.integers(0, shares * 3000))
    return Holding(shares=shares, paid_eur=Decimal(paid_cents) / 100, nominal_eur=NOMINAL)


def apply(kind: MovementKind, h: Holding, quantity: int, amount: Decimal) -> Holding:
    """The giver's holding after the movement, as the ledger would record it (paid part moves pro rata)."""
    if kind is MovementKind.SUBSCRIPTION:
        return Holding(h.shares + quantity, h.paid_eur, h.nominal_eur)
    if kind is MovementKind.PAYMENT:
        return Holding(h.shares, h.paid_eur + amount, h.nominal_eur)
    if kind is MovementKind.REPAYMENT:
        return Holding(h.shares, h.paid_eur - amount, h.nominal_eur)
    if kind is MovementKind.REDEMPTION:
        return Holding(h.shares - quantity, h.paid_eur, h.nominal_eur)
    moved = (h.paid_eur * quantity / h.shares).quantize(Decimal("0.01")) if h.shares else Decimal(0)
    return Holding(h.shares - quantity, h.paid_eur - moved, h.nominal_eur)


@given(kinds, holdings(), st.integers(-5, 60), st.integers(-500, 200_000), rules_strategy, days, causes)
def test_an_accepted_movement_never_makes_a_holding_negative(kind, h, quantity, cents, rules, on, cause):
    amount = Decimal(cents) / 100
    capital = Capital(
        current_eur=h.subscribed_eur + Decimal(10_000), highest_eur=h.subscribed_eur + Decimal(10_000)
    )
    broken = check_movement(
        kind,
        quantity=quantity,
        amount_eur=amount,
        holding=h,
        rules=rules,
        capital=capital,
        on=on,
        cause=cause,
    )
    if broken:
        return
    after = apply(kind, h, quantity, amount)
    assert after.shares >= 0
    assert after.paid_eur >= 0
    if kind in (MovementKind.PAYMENT, MovementKind.REPAYMENT):
        assert after.paid_eur <= after.subscribed_eur


@given(
    holdings(),
    st.integers(1, 60),
    rules_strategy,
    days,
    causes,
    st.integers(0, 100_000),
    st.integers(0, 100_000),
)
def test_an_accepted_redemption_never_takes_the_capital_below_its_floor(
    h, quantity, rules, on, cause, extra, gap
):
    current = h.subscribed_eur + Decimal(extra)
    capital = Capital(current_eur=current, highest_eur=current + Decimal(gap))
    broken = check_movement(
        MovementKind.REDEMPTION,
        quantity=quantity,
        amount_eur=Decimal(0),
        holding=h,
        rules=rules,
        capital=capital,
        on=on,
        cause=cause,
    )
    if not broken:
        assert current - NOMINAL * quantity >= capital_floor(rules, capital)


@given(holdings(), st.integers(1, 60), rules_strategy, days)
def test_a_refused_resignation_always_says_why(h, quantity, rules, on):
    broken = check_movement(
        MovementKind.REDEMPTION,
        quantity=quantity,
        amount_eur=Decimal(0),
        holding=h,
        rules=rules,
        capital=PLENTY,
        on=on,
    )
    in_window = rules.resignation_window_months is None or (
        months_into_financial_year(on, rules.financial_year_start_month) < rules.resignation_window_months
    )
    expected = set()
    if quantity > h.shares:
        expected.add("negative_holding")
    if not in_window:
        expected.add("outside_resignation_window")
    if not rules.partial_resignation_allowed and quantity < h.shares:
        expected.add("partial_resignation_not_allowed")
    assert {r.code for r in broken} - {"below_capital_floor"} == expected
    assert all(not r.ok for r in broken)
