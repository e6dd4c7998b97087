"""Membership policy per cooperative and stakeholder profile, and the check of one person against it.

Sources: Smart Belgium requires at least one €30 share per year of use to invoice a client or bring new
budget into an activity (smartbe.be FAQ, 2017 onwards); Smart France requires three shares of its
activity coordinators (Catégorie 1) and leaves affiliates and occasional users free
(smartscic.document360.io, "L'essentiel"). DOMAIN.md §1.3 and §6.2 of the project's research notes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from coopgov.domain.governance.reasons import Reason


class Requirement(StrEnum):
    MANDATORY = "mandatory"
    OPTIONAL = "optional"
    NOT_ALLOWED = "not_allowed"


class Status(StrEnum):
    CANDIDATE = "candidate"
    ADMITTED = "admitted"
    REFUSED = "refused"
    RESIGNED = "resigned"
    EXCLUDED = "excluded"
    DECEASED = "deceased"


@dataclass(frozen=True)
class ProfileRule:
    """What one cooperative asks of one stakeholder profile (worker-entrepreneur, staff, client…).

    ``min_shares`` is the floor; with ``shares_per_year_of_use`` the floor is one share for each year in
    which the person used the services (Smart Belgium), never less than ``min_shares``.
    ``services`` are the service codes that need membership for this profile.
    """

    profile: str
    requirement: Requirement
    min_shares: int = 1
    shares_per_year_of_use: bool = False
    services: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Policy:
    """A cooperative's membership policy: one rule per profile."""

    cooperative: str
    rules: Mapping[str, ProfileRule]

    def rule_for(self, profile: str) -> ProfileRule | None:
        return self.rules.get(profile)


@dataclass(frozen=True)
class PersonFacts:
    """What the register knows of a person in one cooperative, as of the date of the check."""

    profiles: frozenset[str]
    status: Status | None
    shares_held: int
    shares_paid: int
    years_of_use: int = 1


@dataclass(frozen=True)
class CheckResult:
    allowed: bool
    reasons: tuple[Reason, ...]
    required_shares: int


def required_shares(rule: ProfileRule, years_of_use: int) -> int:
    """The number of shares a profile must hold: the floor, or one per year of use when the rule says so."""
    if rule.requirement is Requirement.NOT_ALLOWED:
        return 0
    if rule.shares_per_year_of_use:
        return max(rule.min_shares, years_of_use)
    return rule.min_shares


def _applicable_rules(policy: Policy, profiles: Iterable[str]) -> list[ProfileRule]:
    return [r for p in sorted(profiles) if (r := policy.rule_for(p)) is not None]


def membership_check(policy: Policy, facts: PersonFacts, service: str) -> CheckResult:
    """May this person use ``service``? Answer with every reason that decided it.

    The service is open to a person when none of their profiles' rules lists it, or when they are an
    admitted member holding at least the required number of shares for every profile that lists it.
    A profile whose membership is "not allowed" never blocks a service on its own.
    """
    reasons: list[Reason] = []
    rules = _applicable_rules(policy, facts.profiles)
    if not rules:
        reasons.append(Reason("no_policy_for_profiles", True, {"profiles": sorted(facts.profiles)}))
        return CheckResult(True, tuple(reasons), 0)
    needing = [r for r in rules if service in r.services and r.requirement is not Requirement.NOT_ALLOWED]
    if not needing:
        reasons.append(Reason("service_open_to_profile", True, {"service": service}))
        return CheckResult(True, tuple(reasons), 0)
    need = max(required_shares(r, facts.years_of_use) for r in needing)
    allowed = True
    reasons.append(
        Reason(
            "service_requires_membership",
            True,
            {"service": service, "profiles": sorted(r.profile for r in needing)},
        )
    )
    if facts.status is Status.ADMITTED:
        reasons.append(Reason("is_admitted", True, {}))
    else:
        allowed = False
        reasons.append(
            Reason("not_admitted", False, {"status": facts.status.value if facts.status else None})
        )
    per_year = any(r.shares_per_year_of_use for r in needing)
    params = {"required": need, "held": facts.shares_held, "years": facts.years_of_use, "per_year": per_year}
    if facts.shares_held >= need:
        reasons.append(Reason("enough_shares", True, params))
    else:
        allowed = False
        reasons.append(Reason("not_enough_shares", False, params))
    return CheckResult(allowed, tuple(reasons), need)


def membership_status_under(policy: Policy, facts: PersonFacts) -> str:
    """How a policy classes a person: ``compliant``, ``must_join``, ``must_top_up`` or ``not_allowed``.

    Used by the policy simulator to compare the register under the current and a draft policy.
    """
    rules = _applicable_rules(policy, facts.profiles)
    if not rules:
        return "compliant"
    active = facts.status is Status.ADMITTED
    if any(r.requirement is Requirement.NOT_ALLOWED for r in rules) and all(
        r.requirement is Requirement.NOT_ALLOWED for r in rules
    ):
        return "not_allowed" if active else "compliant"
    mandatory = [r for r in rules if r.requirement is Requirement.MANDATORY]
    if not mandatory:
        return "compliant"
    need = max(required_shares(r, facts.years_of_use) for r in mandatory)
    if not active:
        return "must_join"
    if facts.shares_held < need:
        return "must_top_up"
    return "compliant"


def shares_to_call(policy: Policy, facts: PersonFacts) -> int:
    """How many more shares this person would have to subscribe to comply with the policy."""
    rules = [r for r in _applicable_rules(policy, facts.profiles) if r.requirement is Requirement.MANDATORY]
    if not rules:
        return 0
    need = max(required_shares(r, facts.years_of_use) for r in rules)
    held = facts.shares_held if facts.status is Status.ADMITTED else 0
    return max(0, need - held)
