"""Proxies and delegation into per-voter weights, with an explanation of each weight."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopgov.domain.voting.weights import (
    Delegation,
    Member,
    Proxy,
    ProxyPolicy,
    resolve_delegations,
    resolve_proxies,
    scop_proxy_cap,
)

MEMBERS = [
    Member("ana", college="workers", cooperative="be"),
    Member("ben", college="workers", cooperative="be"),
    Member("cleo", college="users", cooperative="fr"),
    Member("dan", college="users", cooperative="be"),
    Member("eva", college="workers", cooperative="be", weight=Fraction(2)),
]


def test_a_proxy_adds_the_givers_weight_to_the_holder_and_says_so():
    result = resolve_proxies(MEMBERS, [Proxy("eva", "ana")], voters=["ana", "ben"])
    assert result.weights == {"ana": 3, "ben": 1}
    assert result.explanations["ana"] == ("own vote: 1", "proxy from eva: 2")


def test_a_direct_vote_overrides_the_proxy():
    result = resolve_proxies(MEMBERS, [Proxy("ben", "ana")], voters=["ana", "ben"])
    assert result.weights == {"ana": 1, "ben": 1}
    assert "voted in person" in result.refused[0].reason


def test_the_holder_must_be_a_member():
    result = resolve_proxies(MEMBERS, [Proxy("ben", "zoe")], voters=["ana"])
    assert result.refused[0].reason == "the holder is not a member"


def test_proxies_beyond_the_cap_are_refused_in_order_received():
    policy = ProxyPolicy(max_per_holder=1)
    result = resolve_proxies(
        MEMBERS, [Proxy("ben", "ana"), Proxy("dan", "ana")], voters=["ana"], policy=policy
    )
    assert result.weights == {"ana": 2}
    assert result.refused[0].source == "dan" and "most allowed" in result.refused[0].reason


def test_same_cooperative_and_same_college_rules():
    across_coops = resolve_proxies(
        MEMBERS, [Proxy("cleo", "dan")], ["dan"], ProxyPolicy(same_cooperative=True)
    )
    assert across_coops.refused[0].reason == "the holder belongs to another cooperative"
    across_colleges = resolve_proxies(MEMBERS, [Proxy("dan", "ana")], ["ana"], ProxyPolicy(same_college=True))
    assert across_colleges.refused[0].reason == "the holder belongs to another collège"


def test_a_proxy_cannot_be_passed_on_to_a_third_member():
    result = resolve_proxies(MEMBERS, [Proxy("ben", "dan"), Proxy("dan", "ana")], voters=["ana"])
    assert result.weights == {"ana": 2}
    assert result.refused[0].reason == "the holder did not vote, and a proxy cannot be passed on"


def test_a_second_proxy_from_the_same_member_is_refused():
    result = resolve_proxies(MEMBERS, [Proxy("ben", "ana"), Proxy("ben", "dan")], voters=["ana", "dan"])
    assert result.weights == {"ana": 2, "dan": 1}
    assert "already gave" in result.refused[0].reason


def test_a_stranger_cannot_vote():
    with pytest.raises(ValueError, match="not members"):
        resolve_proxies(MEMBERS, [], voters=["zoe"])


@pytest.mark.parametrize(("associates", "cap"), [(5, 1), (19, 1), (20, 1), (45, 2), (400, 20)])
def test_scop_proxy_cap(associates, cap):
    """SCOP: one proxy under twenty associés, else one twentieth of them."""
    assert scop_proxy_cap(associates) == cap


def test_a_delegation_chain_carries_the_weight_to_the_first_voter():
    delegations = [Delegation("ben", "dan"), Delegation("dan", "ana")]
    result = resolve_delegations(MEMBERS, delegations, voters=["ana"])
    assert result.weights == {"ana": 3}
    assert result.explanations["ana"] == ("own vote: 1", "delegated by ben via dan: 1", "delegated by dan: 1")


def test_a_direct_vote_overrides_a_delegation():
    result = resolve_delegations(MEMBERS, [Delegation("ben", "ana")], voters=["ana", "ben"])
    assert result.weights == {"ana": 1, "ben": 1}


def test_a_delegation_cycle_is_detected_and_its_votes_lost():
    delegations = [Delegation("ben", "dan"), Delegation("dan", "ben"), Delegation("cleo", "ben")]
    result = resolve_delegations(MEMBERS, delegations, voters=["ana"])
    assert result.weights == {"ana": 1}
    assert result.lost["cleo"] == "cycle in chain cleo → ben → dan → ben"
    assert result.lost["ben"].startswith("cycle")


def test_a_chain_ending_at_a_non_voter_loses_the_vote():
    result = resolve_delegations(MEMBERS, [Delegation("ben", "dan")], voters=["ana"])
    assert result.lost["ben"] == "chain ben → dan ends at dan, who did not vote"
    assert result.to_json()["lost"]["dan"] == "did not vote and delegated to nobody"


names = [m.id for m in MEMBERS]


@given(
    st.dictionaries(st.sampled_from(names), st.sampled_from(names)),
    st.sets(st.sampled_from(names)),
)
def test_delegation_neither_creates_nor_destroys_weight(targets, voters):
    """Every member's weight ends with exactly one voter or in the lost list, never both, never twice."""
    delegations = [Delegation(a, b) for a, b in targets.items() if a != b]
    result = resolve_delegations(MEMBERS, delegations, voters=voters)
    total = sum(m.weight for m in MEMBERS)
    lost = sum(m.weight for m in MEMBERS if m.id in result.lost)
    assert sum(result.weights.values()) + lost == total


@given(
    st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)), max_size=12),
    st.sets(st.sampled_from(names), min_size=1),
    st.integers(0, 3),
)
def test_a_proxy_cap_is_never_exceeded(pairs, voters, cap):
    """No holder carries more proxies than the policy allows, whatever the order received."""
    result = resolve_proxies(
        MEMBERS, [Proxy(a, b) for a, b in pairs], voters, ProxyPolicy(max_per_holder=cap)
    )
    for voter, lines in result.explanations.items():
        assert sum(1 for line in lines if line.startswith("proxy from")) <= cap, voter
