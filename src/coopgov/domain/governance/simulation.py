"""What a draft membership policy would change on the real register (the working group's simulator)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from coopgov.domain.governance.membership import (
    PersonFacts,
    Policy,
    Status,
    membership_status_under,
    shares_to_call,
)


@dataclass(frozen=True)
class RegisterEntry:
    """One person of the register as the simulator needs them."""

    person: str
    country: str
    antenna: str
    college: str
    facts: PersonFacts


@dataclass(frozen=True)
class SimulationReport:
    """Counts of people whose status changes, by profile, antenna and country, and what it costs."""

    people: int
    changes: Mapping[str, int]
    by_profile: Mapping[str, Mapping[str, int]]
    by_antenna: Mapping[str, Mapping[str, int]]
    by_country: Mapping[str, Mapping[str, int]]
    shares_called: int
    capital_called_eur: Decimal
    college_members_before: Mapping[str, int]
    college_members_after: Mapping[str, int]
    college_weights: Mapping[str, float] = field(default_factory=dict)
    member_weight_before: Mapping[str, float] = field(default_factory=dict)
    member_weight_after: Mapping[str, float] = field(default_factory=dict)


def simulate_policy(
    entries: Iterable[RegisterEntry],
    *,
    current: Policy,
    draft: Policy,
    nominal_eur: Decimal,
    college_weights: Mapping[str, float] | None = None,
) -> SimulationReport:
    """Apply ``draft`` to every entry and compare with ``current``.

    A person "changes" when their class under the draft (compliant, must_join, must_top_up,
    not_allowed) differs from their class under the current policy. The capital called is what the
    people who must join or top up would subscribe at ``nominal_eur`` a share. Collège membership after
    the change assumes everyone who must join does join; with statutory collège weights (French SCIC) the
    weight of one member's vote is the collège weight divided by the collège's members.
    """
    changes: Counter[str] = Counter()
    by_profile: dict[str, Counter[str]] = defaultdict(Counter)
    by_antenna: dict[str, Counter[str]] = defaultdict(Counter)
    by_country: dict[str, Counter[str]] = defaultdict(Counter)
    before: Counter[str] = Counter()
    after: Counter[str] = Counter()
    shares = 0
    people = 0
    for entry in entries:
        people += 1
        old = membership_status_under(current, entry.facts)
        new = membership_status_under(draft, entry.facts)
        admitted = entry.facts.status is Status.ADMITTED
        if admitted:
            before[entry.college] += 1
        if (admitted and new != "not_allowed") or new == "must_join":
            after[entry.college] += 1
        if old == new:
            continue
        key = f"{old}->{new}"
        changes[key] += 1
        for profile in sorted(entry.facts.profiles):
            by_profile[profile][key] += 1
        by_antenna[entry.antenna][key] += 1
        by_country[entry.country][key] += 1
        if new in ("must_join", "must_top_up"):
            shares += shares_to_call(draft, entry.facts)
    weights = dict(college_weights or {})

    def per_member(counts: Counter[str]) -> dict[str, float]:
        if not weights:
            return dict.fromkeys(counts, 1.0)
        return {c: (weights.get(c, 0.0) / n if n else 0.0) for c, n in counts.items()}

    return SimulationReport(
        people=people,
        changes=dict(changes),
        by_profile={k: dict(v) for k, v in sorted(by_profile.items())},
        by_antenna={k: dict(v) for k, v in sorted(by_antenna.items())},
        by_country={k: dict(v) for k, v in sorted(by_country.items())},
        shares_called=shares,
        capital_called_eur=nominal_eur * shares,
        college_members_before=dict(sorted(before.items())),
        college_members_after=dict(sorted(after.items())),
        college_weights=weights,
        member_weight_before=per_member(before),
        member_weight_after=per_member(after),
    )
