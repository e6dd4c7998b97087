"""The policy simulator without a database: who changes class, by profile, antenna and country, the capital
called, and the collège weights after the change; its counts always add up."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from coopgov.domain.governance.membership import PersonFacts, Policy, ProfileRule, Requirement, Status
from coopgov.domain.governance.simulation import RegisterEntry, simulate_policy

RESERVED = frozenset({"invoice_client"})
CURRENT = Policy(
    "FR",
    {
        "entrepreneur": ProfileRule("entrepreneur", Requirement.MANDATORY, 1, False, RESERVED),
        "client": ProfileRule("client", Requirement.OPTIONAL, 1),
    },
)
DRAFT = Policy(
    "FR",
    {
        "entrepreneur": ProfileRule("entrepreneur", Requirement.MANDATORY, 3, False, RESERVED),
        "client": ProfileRule("client", Requirement.MANDATORY, 1, False, RESERVED),
    },
)


def entry(
    person: str,
    profile: str,
    shares: int,
    status: Status | None = Status.ADMITTED,
    *,
    antenna: str = "Paris",
    country: str = "FR",
    college: str = "1",
) -> RegisterEntry:
    return RegisterEntry(
        person, country, antenna, college, PersonFacts(frozenset({profile}), status, shares, shares)
    )


def test_a_draft_raising_the_shares_calls_capital_from_those_below_it():
    people = [
        entry("a", "entrepreneur", 1),  # compliant → must top up by 2
        entry("b", "entrepreneur", 3),  # stays compliant
        entry("c", "client", 0, Status.CANDIDATE, antenna="Lyon", college="3"),  # compliant → must join (1)
        entry("d", "client", 1, antenna="Lyon", college="3"),  # stays compliant
    ]
    report = simulate_policy(people, current=CURRENT, draft=DRAFT, nominal_eur=Decimal(30))
    assert report.people == 4
    assert report.changes == {"compliant->must_top_up": 1, "compliant->must_join": 1}
    assert report.by_profile == {
        "client": {"compliant->must_join": 1},
        "entrepreneur": {"compliant->must_top_up": 1},
    }
    assert report.by_antenna == {"Lyon": {"compliant->must_join": 1}, "Paris": {"compliant->must_top_up": 1}}
    assert report.by_country == {"FR": {"compliant->must_top_up": 1, "compliant->must_join": 1}}
    assert report.shares_called == 3 and report.capital_called_eur == Decimal(90)
    assert report.college_members_before == {"1": 2, "3": 1}
    assert report.college_members_after == {"1": 2, "3": 2}


def test_statutory_college_weights_are_shared_among_the_members_of_each_college():
    people = [
        entry("a", "entrepreneur", 3),
        entry("b", "entrepreneur", 3),
        entry("c", "client", 0, Status.CANDIDATE, college="3"),
    ]
    report = simulate_policy(
        people, current=CURRENT, draft=DRAFT, nominal_eur=Decimal(30), college_weights={"1": 0.4, "3": 0.2}
    )
    assert report.member_weight_before == {"1": 0.2}
    assert report.member_weight_after == {"1": 0.2, "3": 0.2}


def test_an_identical_draft_changes_nobody():
    people = [entry(str(i), "entrepreneur", i % 4) for i in range(10)]
    report = simulate_policy(people, current=CURRENT, draft=CURRENT, nominal_eur=Decimal(30))
    assert report.changes == {} and report.shares_called == 0
    assert report.college_members_before == report.college_members_after


profiles = st.sampled_from(["entrepreneur", "client", "staff", "partner"])
statuses = st.one_of(st.none(), st.sampled_from(list(Status)))
entries = st.lists(
    st.builds(
        entry,
        person=st.text(min_size=1, max_size=4),
        profile=profiles,
        shares=st.integers(0, 6),
        status=statuses,
        antenna=st.sampled_from(["Paris", "Lyon", "Gent"]),
        country=st.sampled_from(["BE", "FR"]),
        college=st.sampled_from(["1", "2", "3"]),
    ),
    max_size=40,
)
policy_rules = st.builds(
    ProfileRule,
    profile=profiles,
    requirement=st.sampled_from(list(Requirement)),
    min_shares=st.integers(0, 5),
    shares_per_year_of_use=st.booleans(),
    services=st.sampled_from([RESERVED, frozenset()]),
)
policies = st.lists(policy_rules, max_size=4).map(lambda rs: Policy("X", {r.profile: r for r in rs}))


@given(entries, policies, policies)
def test_simulation_counts_add_up(people, current, draft):
    report = simulate_policy(people, current=current, draft=draft, nominal_eur=Decimal(30))
    changed = sum(report.changes.values())
    assert report.people == len(people)
    assert changed <= len(people)
    for breakdown in (report.by_antenna, report.by_country):
        assert sum(n for counts in breakdown.values() for n in counts.values()) == changed
    # Each person counts once under each of their profiles (one profile each here).
    assert sum(n for counts in report.by_profile.values() for n in counts.values()) == changed
    assert report.capital_called_eur == Decimal(30) * report.shares_called
    admitted = sum(1 for p in people if p.facts.status is Status.ADMITTED)
    assert sum(report.college_members_before.values()) == admitted
    assert all(key.split("->")[0] != key.split("->")[1] for key in report.changes)
