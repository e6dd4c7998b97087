"""What an application for membership must meet under a cooperative's policy: open profiles, enough shares.

Sources: admission is voluntary and open, refused only on objective statutory criteria (CNC approval, AR
8 janvier 1962 as amended in 2016; ICA principle 1); the policy names the profiles the cooperative takes
and the shares each must hold (Smart Belgium: one €30 share per year of use; Smart France: three shares
of an activity coordinator) — DOMAIN.md §1.3, §3.1, §6.2 and §6.4.
"""

from __future__ import annotations

from collections.abc import Iterable

from coopgov.domain.governance.membership import Policy, Requirement, required_shares
from coopgov.domain.governance.reasons import Reason

# A member holds at least one share (a cooperative's capital is made of its members' shares).
FLOOR = 1


def open_profiles(policy: Policy, profiles: Iterable[str]) -> list[str]:
    """The profiles among ``profiles`` that may apply: every profile whose rule does not close membership.

    A profile the policy says nothing of may apply (no rule, no restriction), as ``membership_check``
    treats it.
    """
    return [
        p
        for p in profiles
        if (rule := policy.rule_for(p)) is None or rule.requirement is not Requirement.NOT_ALLOWED
    ]


def minimum_shares(policy: Policy, profiles: Iterable[str]) -> int:
    """The fewest shares an applicant with these profiles subscribes: the highest floor among their rules.

    An applicant has used no service yet, so a "one share per year of use" rule asks for one year's share
    (or its own floor, whichever is higher).
    """
    floors = [required_shares(rule, 1) for p in profiles if (rule := policy.rule_for(p)) is not None]
    return max([FLOOR, *floors])


def application_check(policy: Policy, profiles: Iterable[str], shares: int) -> tuple[Reason, ...]:
    """Every policy rule the application breaks (empty when the policy lets it through to the board).

    Reasons: ``no_profile`` (none given), ``profile_not_open`` (membership is not open to a profile given,
    one reason per profile), ``below_minimum_shares`` (fewer shares than the profiles' highest floor).
    """
    given = sorted(set(profiles))
    broken: list[Reason] = []
    if not given:
        broken.append(Reason("no_profile", False, {}))
    for profile in given:
        if profile not in open_profiles(policy, [profile]):
            broken.append(Reason("profile_not_open", False, {"profile": profile}))
    need = minimum_shares(policy, given)
    if shares < need:
        broken.append(Reason("below_minimum_shares", False, {"required": need, "requested": shares}))
    return tuple(broken)
