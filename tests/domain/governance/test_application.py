"""What an application must meet under a cooperative's policy, without a database: open profiles, the
fewest shares (Smart France: three for an activity coordinator; Smart Belgium: one year's share)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coopgov.domain.governance.application import application_check, minimum_shares, open_profiles
from coopgov.domain.governance.membership import Policy, ProfileRule, Requirement

BE = Policy(
    "BE",
    {
        "entrepreneur": ProfileRule("entrepreneur", Requirement.MANDATORY, 1, True),
        "client": ProfileRule("client", Requirement.OPTIONAL, 1),
        "staff": ProfileRule("staff", Requirement.NOT_ALLOWED, 0),
    },
)
FR = Policy("FR", {"entrepreneur": ProfileRule("entrepreneur", Requirement.MANDATORY, 3)})
PROFILES = ["entrepreneur", "client", "staff", "partner", "other"]


def codes(policy: Policy, profiles: list[str], shares: int) -> list[str]:
    return [r.code for r in application_check(policy, profiles, shares)]


def test_a_profile_the_policy_closes_cannot_apply_and_one_it_does_not_name_can() -> None:
    assert open_profiles(BE, PROFILES) == ["entrepreneur", "client", "partner", "other"]
    assert codes(BE, ["staff"], 1) == ["profile_not_open"]
    assert codes(BE, ["partner"], 1) == []


def test_an_activity_coordinator_of_smart_france_subscribes_at_least_three_shares() -> None:
    assert minimum_shares(FR, ["entrepreneur"]) == 3
    (reason,) = application_check(FR, ["entrepreneur"], 2)
    assert (reason.code, reason.params) == ("below_minimum_shares", {"required": 3, "requested": 2})
    assert codes(FR, ["entrepreneur"], 3) == []


def test_one_share_per_year_of_use_asks_one_share_of_a_newcomer() -> None:
    assert minimum_shares(BE, ["entrepreneur"]) == 1


def test_an_application_names_at_least_one_profile_and_one_share() -> None:
    assert codes(BE, [], 0) == ["no_profile", "below_minimum_shares"]


@given(st.sets(st.sampled_from(PROFILES)), st.integers(min_value=0, max_value=10))
def test_the_highest_floor_among_the_profiles_decides(profiles: set[str], shares: int) -> None:
    """Adding shares never adds a reason; the floor is the highest of the profiles' floors, at least 1."""
    need = minimum_shares(FR, profiles)
    assert need == (3 if "entrepreneur" in profiles else 1)
    broken = codes(FR, sorted(profiles), shares)
    assert ("below_minimum_shares" in broken) is (shares < need)
    assert set(codes(FR, sorted(profiles), shares + 1)) <= set(broken)
