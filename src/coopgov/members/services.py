"""Writes on the register. Each act is atomic, re-checks its rule at the moment of the act, and is audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from coopgov.audit.services import audit_record
from coopgov.domain.governance.membership import Status
from coopgov.domain.governance.reasons import Reason
from coopgov.domain.governance.shares import (
    Capital,
    ExitCause,
    Holding,
    MovementKind,
    ShareRules,
    check_movement,
)
from coopgov.members.errors import RuleViolation
from coopgov.members.models import (
    Category,
    Membership,
    MembershipApplication,
    MembershipEvent,
    OperationCounter,
    Person,
    PolicyRule,
    Service,
    ShareClass,
    ShareMovement,
)
from coopgov.members.selectors import cooperative_capital_eur, holding_in_class
from coopgov.organisation.models import Unit

# Which status may follow which: a candidate is admitted or refused; an admitted member leaves.
TRANSITIONS: dict[str, set[str]] = {
    Status.CANDIDATE.value: {Status.ADMITTED.value, Status.REFUSED.value},
    Status.ADMITTED.value: {Status.RESIGNED.value, Status.EXCLUDED.value, Status.DECEASED.value},
    Status.REFUSED.value: set(),
    Status.RESIGNED.value: set(),
    Status.EXCLUDED.value: set(),
    Status.DECEASED.value: set(),
}


def share_rules_of(cooperative: Unit) -> ShareRules:
    profile = getattr(cooperative, "profile", None)
    if profile is None:
        return ShareRules()
    ratio = Fraction(profile.capital_floor_ratio) if profile.capital_floor_ratio else None
    return ShareRules(
        financial_year_start_month=profile.financial_year_start_month,
        resignation_window_months=profile.resignation_window_months,
        partial_resignation_allowed=profile.partial_resignation_allowed,
        capital_floor_ratio=ratio,
        capital_floor_eur=profile.capital_floor_eur,
    )


def _lock_counter(cooperative: Unit) -> OperationCounter:
    counter, _ = OperationCounter.objects.select_for_update().get_or_create(cooperative=cooperative)
    return counter


def _not_in_future(on: date) -> None:
    if on > timezone.localdate():
        raise RuleViolation([Reason("effective_date_in_future", False, {})])


@transaction.atomic
def membership_apply(
    *,
    person: Person,
    cooperative: Unit,
    category: Category,
    applied_on: date,
    actor: Any,
    application: dict[str, Any] | None = None,
) -> Membership:
    """Register a candidacy: the next register number of the cooperative, status candidate.

    ``application`` (what the candidate asked for, see ``services_apply``) is kept in the audit entry.
    """
    _not_in_future(applied_on)
    counter = _lock_counter(cooperative)
    membership = Membership.objects.create(
        cooperative=cooperative,
        person=person,
        number=counter.next_member_number,
        category=category,
        status=Status.CANDIDATE.value,
        applied_on=applied_on,
    )
    counter.next_member_number += 1
    counter.save(update_fields=["next_member_number"])
    MembershipEvent.objects.create(
        membership=membership,
        from_status="",
        to_status=Status.CANDIDATE.value,
        on=applied_on,
        recorded_by=_user(actor),
    )
    audit_record(
        actor=actor,
        action="membership.applied",
        obj=membership,
        unit=cooperative,
        after={
            "number": membership.number,
            "person": person.display_name,
            "category": category.code,
            **({"application": application} if application else {}),
        },
    )
    return membership


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) and hasattr(actor, "email") else None


@transaction.atomic
def membership_change_status(
    *,
    membership: Membership,
    to_status: Status,
    on: date,
    actor: Any,
    deciding_body: str = "",
    reason: str = "",
) -> Membership:
    """Move a membership to a new status (admit, refuse, resign, exclude, deceased), dated and reasoned.

    A refusal and an exclusion must give their reason (the CNC approval requires objective reasons,
    kept and shown to the person). A Belgian resignation outside the statutory window is refused here.
    """
    _not_in_future(on)
    locked = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("cooperative__profile")
        .get(pk=membership.pk)
    )
    before = locked.status
    if to_status.value not in TRANSITIONS[before]:
        raise RuleViolation([Reason("invalid_transition", False, {"from": before, "to": to_status.value})])
    if to_status in (Status.REFUSED, Status.EXCLUDED) and not reason.strip():
        raise RuleViolation([Reason("reason_required", False, {})])
    if to_status is Status.RESIGNED:
        rules = share_rules_of(locked.cooperative)
        if rules.resignation_window_months is not None:
            from coopgov.domain.governance.shares import months_into_financial_year

            if (
                months_into_financial_year(on, rules.financial_year_start_month)
                >= rules.resignation_window_months
            ):
                raise RuleViolation(
                    [Reason("outside_resignation_window", False, {"months": rules.resignation_window_months})]
                )
    locked.status = to_status.value
    if to_status is Status.ADMITTED:
        locked.admitted_on = on
    elif to_status is Status.REFUSED:
        locked.refusal_reason = reason
        locked.ended_on = on
    else:
        locked.ended_on = on
    locked.save(update_fields=["status", "admitted_on", "refusal_reason", "ended_on"])
    MembershipEvent.objects.create(
        membership=locked,
        from_status=before,
        to_status=to_status.value,
        on=on,
        deciding_body=deciding_body,
        reason=reason,
        recorded_by=_user(actor),
    )
    if to_status is Status.ADMITTED:
        _subscribe_requested_shares(locked, on=on, actor=actor)
    if to_status in (Status.ADMITTED, Status.REFUSED):
        from coopgov.members.tasks import notify_admission_decision

        membership_id = locked.pk
        transaction.on_commit(lambda: notify_admission_decision.enqueue(membership_id))
    if to_status is Status.ADMITTED and settings.COOPGOV_INVITE_ON_ADMISSION:
        # The new member gets an account to sign in with; accounts owns that act (docs/adr/0017).
        from coopgov.accounts.tasks import invite_admitted_member

        actor_id, actor_label = getattr(_user(actor), "pk", None), str(actor or "")
        transaction.on_commit(lambda: invite_admitted_member.enqueue(locked.pk, actor_id, actor_label))
    audit_record(
        actor=actor,
        action=f"membership.{to_status.value}",
        obj=locked,
        unit=locked.cooperative,
        before={"status": before},
        after={"status": to_status.value, "on": on, "deciding_body": deciding_body, "reason": reason},
    )
    return locked


def _subscribe_requested_shares(membership: Membership, *, on: date, actor: Any) -> None:
    """On admission, the shares the candidate asked for enter the ledger as a subscription (ADR 0019)."""
    application = MembershipApplication.objects.filter(membership=membership).select_related("share_class")
    requested = application.first()
    if requested is None:
        return
    share_movement_record(
        membership=membership,
        kind=MovementKind.SUBSCRIPTION,
        share_class=requested.share_class,
        on=on,
        actor=actor,
        quantity=requested.requested_shares,
    )


def membership_admit(*, membership: Membership, on: date, actor: Any, deciding_body: str = "") -> Membership:
    return membership_change_status(
        membership=membership, to_status=Status.ADMITTED, on=on, actor=actor, deciding_body=deciding_body
    )


def membership_refuse(
    *, membership: Membership, on: date, actor: Any, reason: str, deciding_body: str = ""
) -> Membership:
    return membership_change_status(
        membership=membership,
        to_status=Status.REFUSED,
        on=on,
        actor=actor,
        reason=reason,
        deciding_body=deciding_body,
    )


def _write_line(
    *,
    counter_op: int,
    membership: Membership,
    share_class: ShareClass,
    kind: MovementKind,
    shares: int,
    paid: Decimal,
    on: date,
    note: str,
    actor: Any,
) -> ShareMovement:
    return ShareMovement.objects.create(
        cooperative=membership.cooperative,
        operation=counter_op,
        membership=membership,
        share_class=share_class,
        kind=kind.value,
        shares_delta=shares,
        paid_delta_eur=paid,
        effective_on=on,
        note=note,
        recorded_by=_user(actor),
    )


@transaction.atomic
def share_movement_record(
    *,
    membership: Membership,
    kind: MovementKind,
    share_class: ShareClass,
    on: date,
    actor: Any,
    quantity: int = 0,
    amount_eur: Decimal = Decimal(0),
    counterparty: Membership | None = None,
    to_class: ShareClass | None = None,
    cause: ExitCause = ExitCause.RESIGNATION,
    note: str = "",
) -> list[ShareMovement]:
    """Record one operation in the share ledger, after checking the statutory rules at this moment.

    The cooperative's counter row is locked for the whole act, so two concurrent movements on the same
    cooperative are checked and numbered one after the other (no lost update, no negative holding).
    """
    _not_in_future(on)
    cooperative = Unit.objects.select_related("profile").get(pk=membership.cooperative_id)
    counter = _lock_counter(cooperative)
    shares_held, paid = holding_in_class(membership, share_class)
    holding = Holding(shares=shares_held, paid_eur=paid, nominal_eur=share_class.nominal_eur)
    capital_now = cooperative_capital_eur(cooperative)
    capital = Capital(current_eur=capital_now, highest_eur=max(counter.highest_capital_eur, capital_now))
    broken = list(
        check_movement(
            kind,
            quantity=quantity,
            amount_eur=amount_eur,
            holding=holding,
            rules=share_rules_of(cooperative),
            capital=capital,
            on=on,
            cause=cause,
        )
    )
    if kind is MovementKind.TRANSFER and (
        counterparty is None
        or counterparty.cooperative_id != membership.cooperative_id
        or counterparty.status != Status.ADMITTED.value
    ):
        broken.append(Reason("not_a_member_of_cooperative", False, {}))
    if kind is MovementKind.CONVERSION and (to_class is None or to_class.pk == share_class.pk):
        broken.append(Reason("same_share_class", False, {}))
    if broken:
        raise RuleViolation(broken)

    op = counter.next_operation
    # In a transfer or a conversion the paid-in part travels with the shares, pro rata.
    moved_paid = (paid * quantity / shares_held).quantize(Decimal("0.01")) if shares_held else Decimal(0)
    lines: list[ShareMovement] = []
    common = {"counter_op": op, "share_class": share_class, "on": on, "note": note, "actor": actor}
    if kind is MovementKind.SUBSCRIPTION:
        lines.append(
            _write_line(membership=membership, kind=kind, shares=quantity, paid=Decimal(0), **common)
        )
    elif kind is MovementKind.PAYMENT:
        lines.append(_write_line(membership=membership, kind=kind, shares=0, paid=amount_eur, **common))
    elif kind is MovementKind.REDEMPTION:
        lines.append(
            _write_line(membership=membership, kind=kind, shares=-quantity, paid=Decimal(0), **common)
        )
    elif kind is MovementKind.REPAYMENT:
        lines.append(_write_line(membership=membership, kind=kind, shares=0, paid=-amount_eur, **common))
    elif kind is MovementKind.TRANSFER:
        assert counterparty is not None
        lines.append(
            _write_line(membership=membership, kind=kind, shares=-quantity, paid=-moved_paid, **common)
        )
        lines.append(
            _write_line(membership=counterparty, kind=kind, shares=quantity, paid=moved_paid, **common)
        )
    elif kind is MovementKind.CONVERSION:
        assert to_class is not None
        lines.append(
            _write_line(membership=membership, kind=kind, shares=-quantity, paid=-moved_paid, **common)
        )
        common["share_class"] = to_class
        lines.append(
            _write_line(membership=membership, kind=kind, shares=quantity, paid=moved_paid, **common)
        )
    counter.next_operation = op + 1
    # The lines just written are the only change to the capital: no second pass over the ledger.
    capital_after = capital_now + sum(
        (line.share_class.nominal_eur * line.shares_delta for line in lines), Decimal(0)
    )
    counter.highest_capital_eur = max(capital.highest_eur, capital_after)
    counter.save(update_fields=["next_operation", "highest_capital_eur"])
    audit_record(
        actor=actor,
        action=f"shares.{kind.value}",
        obj=membership,
        unit=cooperative,
        before={"shares": shares_held, "paid_eur": paid},
        after={
            "operation": op,
            "lines": [
                {
                    "membership": ln.membership_id,
                    "class": ln.share_class.code,
                    "shares": ln.shares_delta,
                    "paid_eur": ln.paid_delta_eur,
                }
                for ln in lines
            ],
            "on": on,
            "note": note,
        },
    )
    return lines


@transaction.atomic
def policy_rule_save(
    *,
    cooperative: Unit,
    profile: str,
    requirement: str,
    min_shares: int,
    shares_per_year_of_use: bool,
    services: list[Service],
    is_draft: bool,
    actor: Any,
) -> PolicyRule:
    """Create or change the rule of one profile (in force or draft); audited with before and after."""
    rule = (
        PolicyRule.objects.select_for_update()
        .filter(cooperative=cooperative, profile=profile, is_draft=is_draft)
        .first()
    )
    before = None
    if rule is not None:
        before = {
            "requirement": rule.requirement,
            "min_shares": rule.min_shares,
            "shares_per_year_of_use": rule.shares_per_year_of_use,
            "services": sorted(s.code for s in rule.services.all()),
        }
    else:
        rule = PolicyRule(cooperative=cooperative, profile=profile, is_draft=is_draft)
    rule.requirement = requirement
    rule.min_shares = min_shares
    rule.shares_per_year_of_use = shares_per_year_of_use
    rule.save()
    rule.services.set(services)
    audit_record(
        actor=actor,
        action="policy.draft_changed" if is_draft else "policy.changed",
        obj=rule,
        unit=cooperative,
        before=before,
        after={
            "profile": profile,
            "requirement": requirement,
            "min_shares": min_shares,
            "shares_per_year_of_use": shares_per_year_of_use,
            "services": sorted(s.code for s in services),
        },
    )
    return rule


@transaction.atomic
def policy_adopt_draft(*, cooperative: Unit, actor: Any) -> int:
    """Put the draft rules in force (each replaces the rule of its profile); returns how many."""
    drafts = list(
        PolicyRule.objects.filter(cooperative=cooperative, is_draft=True).prefetch_related("services")
    )
    for draft in drafts:
        policy_rule_save(
            cooperative=cooperative,
            profile=draft.profile,
            requirement=draft.requirement,
            min_shares=draft.min_shares,
            shares_per_year_of_use=draft.shares_per_year_of_use,
            services=list(draft.services.all()),
            is_draft=False,
            actor=actor,
        )
        draft_id = draft.pk
        PolicyRule.objects.filter(pk=draft_id).delete()
    return len(drafts)
