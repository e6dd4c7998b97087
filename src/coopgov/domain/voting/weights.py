"""Proxies and delegation: who votes with whose weight, and why, turned into per-voter weights."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from coopgov.domain.voting.numbers import json_number


@dataclass(frozen=True)
class Member:
    """A member of the electorate: identifier, collège and cooperative (for same-collège or
    same-cooperative proxy rules), and own voting weight (1 for one member one vote)."""

    id: str
    college: str | None = None
    cooperative: str | None = None
    weight: Fraction = Fraction(1)


@dataclass(frozen=True)
class Proxy:
    """A written proxy: ``giver`` asks ``holder`` to vote in their name at one meeting (one level: a
    holder cannot pass it on)."""

    giver: str
    holder: str


@dataclass(frozen=True)
class Delegation:
    """A standing delegation (liquid democracy): ``delegator``'s vote follows ``delegate``'s, and onward
    along the chain, unless the delegator votes directly."""

    delegator: str
    delegate: str


@dataclass(frozen=True)
class ProxyPolicy:
    """What the statutes allow: how many proxies one holder may carry, and whether holder and giver must
    share a cooperative or a collège. The holder must always be a member."""

    max_per_holder: int | None = None
    same_cooperative: bool = False
    same_college: bool = False


def scop_proxy_cap(associates: int) -> int:
    """Most proxies one holder may carry in a French SCOP.

    Rule: loi n° 78-763 du 19 juillet 1978 (SCOP), general assemblies (DOMAIN.md §2.3): a holder carries at
    most one proxy when the SCOP has fewer than twenty associés, else at most one twentieth of the
    associés (rounded down).
    """
    if associates < 0:
        raise ValueError("the number of associés cannot be negative")
    return 1 if associates < 20 else associates // 20


AGRICULTURAL_PROXY_CAP = 5
"""French agricultural cooperatives: at most five proxies per holder (Code rural R524-14; two with
section assemblies)."""


@dataclass(frozen=True)
class Refusal:
    """A proxy or delegation that does not count, and why."""

    source: str
    target: str
    reason: str


@dataclass(frozen=True)
class VoterWeights:
    """Each voter's weight, with the lines that explain it, and what was refused or lost."""

    weights: Mapping[str, Fraction]
    explanations: Mapping[str, tuple[str, ...]]
    refused: tuple[Refusal, ...] = ()
    lost: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready: weights, explanation lines per voter, refusals and lost votes."""
        return {
            "weights": {v: json_number(w) for v, w in sorted(self.weights.items())},
            "explanations": {v: list(lines) for v, lines in sorted(self.explanations.items())},
            "refused": [{"from": r.source, "to": r.target, "reason": r.reason} for r in self.refused],
            "lost": dict(sorted(self.lost.items())),
        }


def _index(members: Iterable[Member]) -> dict[str, Member]:
    index: dict[str, Member] = {}
    for member in members:
        if member.id in index:
            raise ValueError(f"member {member.id!r} is listed twice")
        if member.weight < 0:
            raise ValueError(f"member {member.id!r} has a negative weight")
        index[member.id] = member
    return index


def _voters(index: Mapping[str, Member], voters: Iterable[str]) -> list[str]:
    out = sorted(set(voters))
    strangers = [v for v in out if v not in index]
    if strangers:
        raise ValueError(f"not members, so cannot vote: {', '.join(strangers)}")
    return out


def resolve_proxies(
    members: Iterable[Member],
    proxies: Sequence[Proxy],
    voters: Iterable[str],
    policy: ProxyPolicy = ProxyPolicy(),
) -> VoterWeights:
    """Turn proxies into per-voter weights: each voter's own weight plus that of the proxies they hold.

    Rules: loi n° 47-1775 art. 9 (associés may give power to a mandataire); loi n° 78-763 (SCOP) and
    Code rural R524-14: proxy only to another member, capped per holder; one level only. ``proxies`` are
    taken in the order received: when a holder's cap is reached, later proxies to them are refused, as a
    meeting's secretary does. A proxy is refused, with its reason, when the giver or holder is not a
    member, the giver votes in person (a direct vote overrides the proxy), the giver already gave one,
    the holder does not vote (proxies do not pass on), or the holder is outside the giver's cooperative
    or collège where the policy requires it.
    """
    index = _index(members)
    voting = _voters(index, voters)
    voting_set = set(voting)
    weights = {v: index[v].weight for v in voting}
    lines: dict[str, list[str]] = {v: [f"own vote: {json_number(index[v].weight)}"] for v in voting}
    held: dict[str, int] = {}
    given: set[str] = set()
    refused: list[Refusal] = []
    for proxy in proxies:
        giver, holder = index.get(proxy.giver), index.get(proxy.holder)
        reason = None
        if giver is None:
            reason = "the giver is not a member"
        elif holder is None:
            reason = "the holder is not a member"
        elif proxy.giver == proxy.holder:
            reason = "a member cannot hold their own proxy"
        elif proxy.giver in voting_set:
            reason = "the giver voted in person, which overrides the proxy"
        elif proxy.giver in given:
            reason = "the giver already gave a proxy; the first one received counts"
        elif policy.same_cooperative and giver.cooperative != holder.cooperative:
            reason = "the holder belongs to another cooperative"
        elif policy.same_college and giver.college != holder.college:
            reason = "the holder belongs to another collège"
        elif proxy.holder not in voting_set:
            reason = "the holder did not vote, and a proxy cannot be passed on"
        elif policy.max_per_holder is not None and held.get(proxy.holder, 0) >= policy.max_per_holder:
            reason = f"the holder already carries {policy.max_per_holder} proxies, the most allowed"
        if reason is not None:
            refused.append(Refusal(proxy.giver, proxy.holder, reason))
            continue
        assert giver is not None
        given.add(proxy.giver)
        held[proxy.holder] = held.get(proxy.holder, 0) + 1
        weights[proxy.holder] += giver.weight
        lines[proxy.holder].append(f"proxy from {proxy.giver}: {json_number(giver.weight)}")
    return VoterWeights(
        weights=weights,
        explanations={v: tuple(lines[v]) for v in voting},
        refused=tuple(refused),
    )


def resolve_delegations(
    members: Iterable[Member],
    delegations: Iterable[Delegation],
    voters: Iterable[str],
) -> VoterWeights:
    """Turn standing delegations into per-voter weights by following each chain to someone who votes.

    Rule: transitive (liquid) delegation as in LiquidFeedback (Behrens et al., *The Principles of
    LiquidFeedback*, 2014): a member who votes directly counts for themselves even if they
    delegated (a direct vote overrides); otherwise their weight goes to the first voter along their chain.
    A chain that ends at someone who neither votes nor delegates, or that runs into a cycle, carries the
    weight nowhere: the member's vote is lost and the reason recorded. Each member delegates to at most
    one other (their current delegation).
    """
    index = _index(members)
    voting = _voters(index, voters)
    voting_set = set(voting)
    target: dict[str, str] = {}
    for delegation in delegations:
        if delegation.delegator in target:
            raise ValueError(f"member {delegation.delegator!r} has more than one delegation")
        target[delegation.delegator] = delegation.delegate
    weights = {v: index[v].weight for v in voting}
    lines: dict[str, list[str]] = {v: [f"own vote: {json_number(index[v].weight)}"] for v in voting}
    refused: list[Refusal] = []
    lost: dict[str, str] = {}
    for source in sorted(target):
        if source not in index:
            refused.append(Refusal(source, target[source], "the delegator is not a member"))
    for member_id in sorted(index):
        if member_id in voting_set or member_id not in target:
            if member_id not in voting_set:
                lost.setdefault(member_id, "did not vote and delegated to nobody")
            continue
        chain = [member_id]
        seen = {member_id}
        current = member_id
        while True:
            nxt = target.get(current)
            if nxt is None:
                lost[member_id] = f"chain {' → '.join(chain)} ends at {current}, who did not vote"
                break
            if nxt not in index:
                lost[member_id] = f"chain {' → '.join(chain)} reaches {nxt}, who is not a member"
                break
            if nxt in seen:
                lost[member_id] = f"cycle in chain {' → '.join([*chain, nxt])}"
                break
            chain.append(nxt)
            seen.add(nxt)
            if nxt in voting_set:
                weights[nxt] += index[member_id].weight
                via = f" via {', '.join(chain[1:-1])}" if len(chain) > 2 else ""
                lines[nxt].append(f"delegated by {member_id}{via}: {json_number(index[member_id].weight)}")
                break
            current = nxt
    return VoterWeights(
        weights=weights,
        explanations={v: tuple(lines[v]) for v in voting},
        refused=tuple(refused),
        lost=lost,
    )
