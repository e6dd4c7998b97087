"""The membership check without a database: Smart Belgium's one share per year of use, Smart France's three
shares for activity coordinators, candidates, and profiles for which membership is not allowed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coopgov.domain.governance.membership import (
    PersonFacts,
    Policy,
    ProfileRule,
    Requirement,
    Status,
    membership_check,
    membership_status_under,
    required_shares,
    shares_to_call,
)

RESERVED = frozenset({"invoice_client", "open_activity"})
BE = Policy(
    "BE",
    {
        "entrepreneur": ProfileRule("entrepreneur", Requirement.MANDATORY, 1, True, RESERVED),
        "client": ProfileRule("client", Requirement.OPTIONAL, 1),
        "staff": ProfileRule("staff", Requirement.NOT_ALLOWED, 0, False, RESERVED),
    },
)
FR = Policy(
    "FR",
    {
        "entrepreneur": ProfileRule("entrepreneur", Requirement.MANDATORY, 3, False, RESERVED),
        "client": ProfileRule("client", Requirement.OPTIONAL, 1),
    },
)


def facts(
    shares: int,
    *,
    status: Status | None = Status.ADMITTED,
    years: int = 1,
    profiles: tuple[str, ...] = ("entrepreneur",),
) -> PersonFacts:
    return PersonFacts(frozenset(profiles), status, shares, shares, years)


def reason_codes(result) -> list[str]:
    return [r.code for r in result.reasons]


def test_belgium_asks_one_share_per_year_of_use():
    result = membership_check(BE, facts(2, years=3), "invoice_client")
    assert not result.allowed and result.required_shares == 3
    assert reason_codes(result) == ["service_requires_membership", "is_admitted", "not_enough_shares"]
    refusal = result.reasons[-1]
    assert refusal.params == {"required": 3, "held": 2, "years": 3, "per_year": True}
    assert membership_check(BE, facts(3, years=3), "invoice_client").allowed


def test_belgium_asks_at_least_one_share_in_the_first_year():
    assert membership_check(BE, facts(0, years=1), "invoice_client").required_shares == 1
    assert membership_check(BE, facts(1, years=1), "invoice_client").allowed


def test_france_asks_three_shares_of_activity_coordinators():
    result = membership_check(FR, facts(1, years=5), "invoice_client")
    assert not result.allowed and result.required_shares == 3
    assert result.reasons[-1].code == "not_enough_shares" and result.reasons[-1].params["per_year"] is False
    assert membership_check(FR, facts(3), "invoice_client").allowed


def test_a_candidate_is_not_yet_admitted_whatever_they_hold():
    for status in (Status.CANDIDATE, Status.RESIGNED, Status.REFUSED, None):
        result = membership_check(FR, facts(5, status=status), "invoice_client")
        assert not result.allowed
        assert "not_admitted" in reason_codes(result)
        assert next(r for r in result.reasons if r.code == "not_admitted").params == {
            "status": status.value if status else None
        }


def test_a_service_not_reserved_to_the_profile_is_open():
    result = membership_check(BE, facts(0, status=None), "training")
    assert result.allowed and reason_codes(result) == ["service_open_to_profile"]


def test_a_profile_for_which_membership_is_not_allowed_is_never_blocked():
    result = membership_check(BE, facts(0, status=None, profiles=("staff",)), "invoice_client")
    assert result.allowed and reason_codes(result) == ["service_open_to_profile"]


def test_a_person_without_any_ruled_profile_is_told_so():
    result = membership_check(BE, facts(0, status=None, profiles=("partner",)), "invoice_client")
    assert result.allowed and reason_codes(result) == ["no_policy_for_profiles"]


def test_several_profiles_take_the_strictest_requirement():
    both = Policy(
        "X",
        {
            "entrepreneur": ProfileRule("entrepreneur", Requirement.MANDATORY, 3, False, RESERVED),
            "client": ProfileRule("client", Requirement.MANDATORY, 5, False, RESERVED),
        },
    )
    result = membership_check(both, facts(4, profiles=("entrepreneur", "client")), "invoice_client")
    assert not result.allowed and result.required_shares == 5


def test_the_simulator_classes_people_under_a_policy():
    assert membership_status_under(BE, facts(3, years=3)) == "compliant"
    assert membership_status_under(BE, facts(1, years=3)) == "must_top_up"
    assert membership_status_under(BE, facts(0, status=None)) == "must_join"
    assert membership_status_under(BE, facts(1, profiles=("staff",))) == "not_allowed"
    assert membership_status_under(BE, facts(0, status=None, profiles=("staff",))) == "compliant"
    assert membership_status_under(BE, facts(0, status=None, profiles=("client",))) == "compliant"
    assert shares_to_call(BE, facts(1, years=3)) == 2
    assert shares_to_call(FR, facts(2, status=Status.CANDIDATE)) == 3


# --- properties -----------------------------------------------------------------------------------------

rules = st.builds(
    ProfileRule,
    profile=st.just("entrepreneur"),
    requirement=st.sampled_from(list(Requirement)),
    min_shares=st.integers(0, 10),
    shares_per_year_of_use=st.booleans(),
    services=st.sampled_from([RESERVED, frozenset()]),
)
statuses = st.one_of(st.none(), st.sampled_from(list(Status)))


@given(rules, st.integers(0, 30), statuses, st.integers(1, 40))
def test_the_answer_is_yes_exactly_when_no_reason_speaks_against(rule, shares, status, years):
    result = membership_check(
        Policy("P", {"entrepreneur": rule}), facts(shares, status=status, years=years), "invoice_client"
    )
    assert result.allowed == all(r.ok for r in result.reasons)
    assert result.reasons, "every answer gives at least one reason"


@given(rules, st.integers(0, 30), st.integers(1, 40))
def test_holding_the_required_shares_as_an_admitted_member_is_always_enough(rule, shares, years):
    policy = Policy("P", {"entrepreneur": rule})
    need = required_shares(rule, years)
    result = membership_check(policy, facts(max(shares, need), years=years), "invoice_client")
    assert result.allowed


@given(rules, st.integers(0, 30), statuses, st.integers(1, 40))
def test_topping_up_by_the_shares_called_makes_a_member_compliant(rule, shares, status, years):
    policy = Policy("P", {"entrepreneur": rule})
    person = facts(shares, status=status, years=years)
    called = shares_to_call(policy, person)
    held = shares if status is Status.ADMITTED else 0
    after = facts(held + called, status=Status.ADMITTED, years=years)
    assert membership_status_under(policy, after) in ("compliant", "not_allowed")
