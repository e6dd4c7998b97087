"""Every act on the register and the statutory rule it checks at the moment of the act (BE and FR settings).

Each refused act must leave nothing behind (no ledger line, no audit entry); each accepted act writes
exactly one audit entry.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from coopgov.audit.models import AuditEntry
from coopgov.domain.governance.membership import Status
from coopgov.domain.governance.shares import ExitCause, MovementKind
from coopgov.members import services
from coopgov.members.errors import RuleViolation
from coopgov.members.models import Membership, MembershipEvent, ShareClass, ShareMovement
from coopgov.members.selectors import holding_in_class, total_shares
from coopgov.members.services import TRANSITIONS
from tests.members.builders import (
    ACTOR,
    audit_count,
    candidate,
    days_ago,
    in_be_resignation_window,
    member,
    new_person,
    outside_be_resignation_window,
    today,
)

pytestmark = pytest.mark.django_db


def codes(violation: pytest.ExceptionInfo[RuleViolation]) -> set[str]:
    return {r.code for r in violation.value.reasons}


def record(m: Membership, kind: MovementKind, **kwargs: object) -> list[ShareMovement]:
    share_class = kwargs.pop("share_class", None) or ShareClass.objects.get(
        cooperative=m.cooperative, is_default=True
    )
    kwargs.setdefault("on", days_ago(10))
    return services.share_movement_record(
        membership=m, kind=kind, share_class=share_class, actor=ACTOR, **kwargs
    )


# --- candidacy, numbering, status changes ---------------------------------------------------------------


def test_candidacies_get_sequential_register_numbers_per_cooperative(org):
    be_numbers = [candidate(org, org.be).number for _ in range(3)]
    fr_numbers = [candidate(org, org.fr).number for _ in range(2)]
    assert be_numbers == [be_numbers[0], be_numbers[0] + 1, be_numbers[0] + 2]
    assert fr_numbers == [fr_numbers[0], fr_numbers[0] + 1]


def test_a_candidacy_is_dated_and_writes_one_audit_entry(org):
    before = audit_count()
    m = candidate(org, org.be, applied_on=days_ago(30))
    assert m.status == Status.CANDIDATE.value
    assert audit_count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "membership.applied" and entry.object_id == str(m.pk)
    assert list(m.events.values_list("to_status", "on")) == [("candidate", days_ago(30))]


def test_a_candidacy_dated_in_the_future_is_refused(org):
    with pytest.raises(RuleViolation) as broken:
        services.membership_apply(
            person=new_person(),
            cooperative=org.be,
            category=org.category(org.be),
            applied_on=today() + timedelta(days=1),
            actor=ACTOR,
        )
    assert codes(broken) == {"effective_date_in_future"}


def test_admission_is_dated_with_its_deciding_body_and_writes_one_audit_entry(org):
    m = candidate(org, org.be)
    before = audit_count()
    services.membership_admit(
        membership=m, on=days_ago(5), actor=ACTOR, deciding_body="Conseil d'administration"
    )
    m.refresh_from_db()
    assert (m.status, m.admitted_on) == ("admitted", days_ago(5))
    event = m.events.order_by("-id").first()
    assert (event.from_status, event.to_status, event.deciding_body) == (
        "candidate",
        "admitted",
        "Conseil d'administration",
    )
    assert audit_count() == before + 1


def test_refusal_needs_a_reason_and_keeps_it_for_the_candidate(org):
    m = candidate(org, org.be)
    before = audit_count()
    with pytest.raises(RuleViolation) as broken:
        services.membership_refuse(membership=m, on=days_ago(3), actor=ACTOR, reason="   ")
    assert codes(broken) == {"reason_required"}
    assert audit_count() == before
    services.membership_refuse(membership=m, on=days_ago(3), actor=ACTOR, reason="Activité hors objet social")
    m.refresh_from_db()
    assert m.status == "refused" and m.refusal_reason == "Activité hors objet social"
    assert m.events.order_by("-id").first().reason == "Activité hors objet social"
    assert audit_count() == before + 1


def test_exclusion_needs_a_reason(org):
    m = member(org, org.be)
    with pytest.raises(RuleViolation) as broken:
        services.membership_change_status(
            membership=m, to_status=Status.EXCLUDED, on=days_ago(1), actor=ACTOR
        )
    assert codes(broken) == {"reason_required"}


ALL_PAIRS = [(a.value, b.value) for a in Status for b in Status]


@pytest.mark.parametrize(("from_status", "to_status"), ALL_PAIRS)
def test_status_transitions_follow_the_register_rules(org, from_status, to_status):
    m = candidate(org, org.fr)  # FR: no resignation window, so only the transition rule decides
    Membership.objects.filter(pk=m.pk).update(status=from_status)
    allowed = to_status in TRANSITIONS[from_status]
    events_before, audit_before = MembershipEvent.objects.count(), audit_count()
    act = lambda: services.membership_change_status(  # noqa: E731
        membership=m,
        to_status=Status(to_status),
        on=days_ago(2),
        actor=ACTOR,
        reason="motif",
        deciding_body="CA",
    )
    if allowed:
        act()
        m.refresh_from_db()
        assert m.status == to_status
        assert MembershipEvent.objects.count() == events_before + 1
        assert audit_count() == audit_before + 1
    else:
        with pytest.raises(RuleViolation) as broken:
            act()
        assert codes(broken) == {"invalid_transition"}
        m.refresh_from_db()
        assert m.status == from_status
        assert (MembershipEvent.objects.count(), audit_count()) == (events_before, audit_before)


def test_the_transition_table_lets_a_candidate_be_admitted_or_refused_and_an_admitted_member_leave():
    assert TRANSITIONS["candidate"] == {"admitted", "refused"}
    assert TRANSITIONS["admitted"] == {"resigned", "excluded", "deceased"}
    assert all(not TRANSITIONS[s] for s in ("refused", "resigned", "excluded", "deceased"))


def test_belgian_resignation_is_accepted_in_the_first_six_months_of_the_financial_year(org):
    m = member(org, org.be, admitted_on=in_be_resignation_window() - timedelta(days=400))
    services.membership_change_status(
        membership=m, to_status=Status.RESIGNED, on=in_be_resignation_window(), actor=ACTOR
    )
    m.refresh_from_db()
    assert (m.status, m.ended_on) == ("resigned", in_be_resignation_window())


def test_belgian_resignation_outside_the_window_is_refused(org):
    m = member(org, org.be, admitted_on=outside_be_resignation_window() - timedelta(days=400))
    before = audit_count()
    with pytest.raises(RuleViolation) as broken:
        services.membership_change_status(
            membership=m, to_status=Status.RESIGNED, on=outside_be_resignation_window(), actor=ACTOR
        )
    assert codes(broken) == {"outside_resignation_window"}
    assert audit_count() == before


def test_french_resignation_is_accepted_at_any_time_of_the_year(org):
    m = member(org, org.fr, admitted_on=outside_be_resignation_window() - timedelta(days=400))
    services.membership_change_status(
        membership=m, to_status=Status.RESIGNED, on=outside_be_resignation_window(), actor=ACTOR
    )
    m.refresh_from_db()
    assert m.status == "resigned"


# --- the share ledger ---------------------------------------------------------------------------------


def test_subscription_then_payment_in_instalments_up_to_the_nominal_value(org):
    m = member(org, org.fr)
    record(m, MovementKind.SUBSCRIPTION, quantity=3)
    for _ in range(3):
        record(m, MovementKind.PAYMENT, amount_eur=Decimal(30))
    assert holding_in_class(m, org.share_class(org.fr)) == (3, Decimal("90.00"))
    with pytest.raises(RuleViolation) as broken:
        record(m, MovementKind.PAYMENT, amount_eur=Decimal("0.01"))
    assert codes(broken) == {"payment_exceeds_unpaid"}


def test_each_share_movement_writes_exactly_one_audit_entry_and_numbered_ledger_lines(org):
    m = member(org, org.be)
    before = audit_count()
    lines = record(m, MovementKind.SUBSCRIPTION, quantity=2)
    assert audit_count() == before + 1
    assert len(lines) == 1 and lines[0].shares_delta == 2 and lines[0].paid_delta_eur == 0
    next_lines = record(m, MovementKind.PAYMENT, amount_eur=Decimal(60))
    assert next_lines[0].operation == lines[0].operation + 1
    assert audit_count() == before + 2


@pytest.mark.parametrize("coop_code", ["BE", "FR"])
def test_redeeming_more_shares_than_held_is_refused_and_writes_nothing(org, coop_code):
    coop = org.be if coop_code == "BE" else org.fr
    m = member(org, coop, shares=2)
    lines, audits = ShareMovement.objects.count(), audit_count()
    with pytest.raises(RuleViolation) as broken:
        record(m, MovementKind.REDEMPTION, quantity=3, cause=ExitCause.OTHER, on=in_be_resignation_window())
    assert "negative_holding" in codes(broken)
    assert (ShareMovement.objects.count(), audit_count()) == (lines, audits)
    assert total_shares(m)[0] == 2


def test_belgian_redemption_on_resignation_outside_the_window_is_refused(org):
    m = member(org, org.be, shares=1, admitted_on=days_ago(800))
    with pytest.raises(RuleViolation) as broken:
        record(m, MovementKind.REDEMPTION, quantity=1, on=outside_be_resignation_window())
    assert codes(broken) == {"outside_resignation_window"}
    record(m, MovementKind.REDEMPTION, quantity=1, on=in_be_resignation_window())
    assert total_shares(m)[0] == 0


def test_belgian_redemption_after_an_exclusion_is_not_bound_to_the_window(org):
    m = member(org, org.be, shares=1, admitted_on=days_ago(800))
    record(
        m, MovementKind.REDEMPTION, quantity=1, on=outside_be_resignation_window(), cause=ExitCause.EXCLUSION
    )
    assert total_shares(m)[0] == 0


def test_partial_resignation_is_refused_unless_the_statutes_allow_it(org):
    m = member(org, org.be, shares=3, admitted_on=days_ago(800))
    with pytest.raises(RuleViolation) as broken:
        record(m, MovementKind.REDEMPTION, quantity=1, on=in_be_resignation_window())
    assert codes(broken) == {"partial_resignation_not_allowed"}
    org.be.profile.partial_resignation_allowed = True
    org.be.profile.save()
    record(m, MovementKind.REDEMPTION, quantity=1, on=in_be_resignation_window())
    assert total_shares(m)[0] == 2


def test_repayment_is_limited_to_the_amount_paid_in(org):
    m = member(org, org.be, shares=2, paid=False)
    record(m, MovementKind.PAYMENT, amount_eur=Decimal(40))
    with pytest.raises(RuleViolation) as broken:
        record(m, MovementKind.REPAYMENT, amount_eur=Decimal("40.01"))
    assert codes(broken) == {"repayment_exceeds_paid_in"}
    record(m, MovementKind.REPAYMENT, amount_eur=Decimal(40))
    assert total_shares(m) == (2, Decimal("0.00"))


def test_french_capital_may_not_fall_below_a_quarter_of_its_highest(org):
    first = member(org, org.fr, shares=4)
    second = member(org, org.fr, shares=4)
    # Capital 240 €, highest 240 €, floor 60 €: the first may leave (120 € remain), the second may not.
    record(first, MovementKind.REDEMPTION, quantity=4)
    with pytest.raises(RuleViolation) as broken:
        record(second, MovementKind.REDEMPTION, quantity=4)
    assert codes(broken) == {"below_capital_floor"}
    assert total_shares(second)[0] == 4


def test_belgian_cooperative_without_a_capital_floor_may_redeem_everything(org):
    only = member(org, org.be, shares=2, admitted_on=days_ago(800))
    record(only, MovementKind.REDEMPTION, quantity=2, on=in_be_resignation_window())
    assert total_shares(only)[0] == 0


def test_a_statutory_capital_floor_in_euros_is_applied(org):
    org.be.profile.capital_floor_eur = Decimal(100)
    org.be.profile.save()
    m = member(org, org.be, shares=4, admitted_on=days_ago(800))
    with pytest.raises(RuleViolation) as broken:
        record(m, MovementKind.REDEMPTION, quantity=4, on=in_be_resignation_window())
    assert codes(broken) == {"below_capital_floor"}


def test_transfer_moves_shares_and_their_paid_in_part_to_another_member(org):
    giver = member(org, org.be, shares=3)
    taker = member(org, org.be)
    before = audit_count()
    lines = record(giver, MovementKind.TRANSFER, quantity=2, counterparty=taker)
    assert len(lines) == 2 and lines[0].operation == lines[1].operation
    assert total_shares(giver) == (1, Decimal("30.00"))
    assert total_shares(taker) == (2, Decimal("60.00"))
    assert audit_count() == before + 1


@pytest.mark.parametrize("who", ["candidate", "resigned", "member of the other cooperative"])
def test_transfer_to_a_non_member_is_refused(org, who):
    giver = member(org, org.be, shares=2)
    if who == "candidate":
        taker = candidate(org, org.be)
    elif who == "resigned":
        taker = member(org, org.be, admitted_on=days_ago(900))
        taker = services.membership_change_status(
            membership=taker, to_status=Status.RESIGNED, on=in_be_resignation_window(), actor=ACTOR
        )
    else:
        taker = member(org, org.fr)
    with pytest.raises(RuleViolation) as broken:
        record(giver, MovementKind.TRANSFER, quantity=1, counterparty=taker)
    assert codes(broken) == {"not_a_member_of_cooperative"}
    assert total_shares(giver)[0] == 2


def test_conversion_moves_shares_to_another_class_of_the_same_cooperative(org):
    b_class = ShareClass.objects.create(cooperative=org.be, code="B", name="Parts B", nominal_eur=Decimal(30))
    m = member(org, org.be, shares=3)
    lines = record(m, MovementKind.CONVERSION, quantity=2, to_class=b_class)
    assert {ln.share_class.code: ln.shares_delta for ln in lines} == {"A": -2, "B": 2}
    assert holding_in_class(m, org.share_class(org.be)) == (1, Decimal("30.00"))
    assert holding_in_class(m, b_class) == (2, Decimal("60.00"))
    assert total_shares(m) == (3, Decimal("90.00"))


def test_conversion_to_the_same_class_is_refused(org):
    m = member(org, org.be, shares=1)
    with pytest.raises(RuleViolation) as broken:
        record(m, MovementKind.CONVERSION, quantity=1, to_class=org.share_class(org.be))
    assert codes(broken) == {"same_share_class"}


def test_a_movement_dated_in_the_future_is_refused(org):
    m = member(org, org.be)
    with pytest.raises(RuleViolation) as broken:
        record(m, MovementKind.SUBSCRIPTION, quantity=1, on=today() + timedelta(days=1))
    assert "effective_date_in_future" in codes(broken)


def test_zero_and_negative_quantities_are_refused(org):
    m = member(org, org.be)
    with pytest.raises(RuleViolation) as zero:
        record(m, MovementKind.SUBSCRIPTION, quantity=0)
    assert codes(zero) == {"zero_quantity"}
    with pytest.raises(RuleViolation) as negative:
        record(m, MovementKind.SUBSCRIPTION, quantity=-1)
    assert codes(negative) == {"negative_amount"}


def test_holdings_as_of_a_date_are_summed_from_the_ledger(org):
    m = member(org, org.be, admitted_on=days_ago(100))
    record(m, MovementKind.SUBSCRIPTION, quantity=2, on=days_ago(90))
    record(m, MovementKind.PAYMENT, amount_eur=Decimal(30), on=days_ago(60))
    record(m, MovementKind.PAYMENT, amount_eur=Decimal(30), on=days_ago(30))
    assert total_shares(m, at=days_ago(95)) == (0, Decimal("0.00"))
    assert total_shares(m, at=days_ago(70)) == (2, Decimal("0.00"))
    assert total_shares(m, at=days_ago(45)) == (2, Decimal("30.00"))
    assert total_shares(m) == (2, Decimal("60.00"))


# --- policy acts ----------------------------------------------------------------------------------------


def test_saving_a_policy_rule_writes_one_audit_entry_with_before_and_after(org):
    before = audit_count()
    rule = services.policy_rule_save(
        cooperative=org.be,
        profile="client",
        requirement="mandatory",
        min_shares=2,
        shares_per_year_of_use=False,
        services=[],
        is_draft=False,
        actor=ACTOR,
    )
    assert rule.requirement == "mandatory"
    assert audit_count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "policy.changed"
    assert entry.before["requirement"] == "optional" and entry.after["requirement"] == "mandatory"


def test_adopting_the_draft_puts_each_draft_rule_in_force(org):
    services.policy_rule_save(
        cooperative=org.fr,
        profile="client",
        requirement="mandatory",
        min_shares=1,
        shares_per_year_of_use=False,
        services=[],
        is_draft=True,
        actor=ACTOR,
    )
    before = audit_count()
    assert services.policy_adopt_draft(cooperative=org.fr, actor=ACTOR) == 1
    live = org.fr.policy_rules.get(profile="client", is_draft=False)
    assert live.requirement == "mandatory"
    assert not org.fr.policy_rules.filter(is_draft=True).exists()
    assert audit_count() == before + 1


def test_granting_a_role_writes_one_audit_entry(org, django_user_model):
    from coopgov.organisation.services import role_grant

    user = django_user_model.objects.create_user(email="relay@test.example.org", password="x-long-password-1")
    before = audit_count()
    role_grant(user=user, unit=org.antenna(org.be, "Gent"), role="relay", actor=ACTOR)
    assert audit_count() == before + 1
    assert AuditEntry.objects.order_by("-seq").first().action == "role.granted"
