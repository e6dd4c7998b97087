"""API of the membership policy: read a cooperative's rules, change one (a draft, or in force), put the
draft in force, and simulate the draft on the real register.

The same permissions as the policy pages (staff change it; staff and board read and simulate), the same
services (``policy_rule_save``, ``policy_adopt_draft``: audited), the same simulator (``simulate_draft``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema
from ninja.errors import HttpError

from coopgov.api.errors import READ_ERRORS, WRITE_ERRORS, Code, invalid_field
from coopgov.members import services
from coopgov.members.models import PolicyRule, Profile, Service
from coopgov.members.simulation import simulate_draft
from coopgov.organisation.models import Unit

router = Router(tags=["membership policy"])

CodePath = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9_-]{1,32}$", description="The cooperative's code (BE, FR…)")
]
ProfilePath = Annotated[Profile, Path(description="The stakeholder profile the rule is about")]
Requirement = Literal["mandatory", "optional", "not_allowed"]
# As on the policy page.
MAX_MIN_SHARES = 10_000


class RuleOut(Schema):
    profile: Profile
    draft: bool
    requirement: Requirement
    min_shares: int
    shares_per_year_of_use: bool
    services: list[str] = Field(description="Codes of the services reserved to members")
    updated_at: datetime


class PolicyOut(Schema):
    cooperative: str
    in_force: list[RuleOut]
    draft: list[RuleOut]
    services: list[str] = Field(description="Codes of every service of the cooperative")


class RuleIn(Schema):
    draft: bool = Field(
        True, description="True: change the draft (then simulate it); false: the rule in force"
    )
    requirement: Requirement
    min_shares: int = Field(ge=0, le=MAX_MIN_SHARES)
    shares_per_year_of_use: bool = False
    services: list[Code] = Field([], max_length=100, description="Codes of the services reserved to members")


class AdoptedOut(Schema):
    adopted: int
    policy: PolicyOut


class CollegeOut(Schema):
    college: str
    members_before: int
    members_after: int
    weight_per_member_before: float
    weight_per_member_after: float


class SimulationOut(Schema):
    people: int
    changes: dict[str, int] = Field(description="How many people move from one class to another ('a→b')")
    by_profile: dict[str, dict[str, int]]
    by_antenna: dict[str, dict[str, int]]
    by_country: dict[str, dict[str, int]]
    shares_called: int
    capital_called_eur: Decimal
    colleges: list[CollegeOut]


def _cooperative(request: HttpRequest, code: str, perm: str) -> Unit:
    """The cooperative ``code``, if the user holds ``perm`` on it (cooperative codes are public)."""
    cooperative = Unit.objects.select_related("profile").filter(kind=Unit.Kind.COOPERATIVE, code=code).first()
    if cooperative is None:
        raise HttpError(404, _("No cooperative has the code %(code)s.") % {"code": code})
    if not request.user.has_perm(perm, cooperative):
        raise HttpError(403, _("You may not do this in cooperative %(code)s.") % {"code": code})
    return cooperative


def _rule_out(rule: PolicyRule) -> dict[str, object]:
    return {
        "profile": rule.profile,
        "draft": rule.is_draft,
        "requirement": rule.requirement,
        "min_shares": rule.min_shares,
        "shares_per_year_of_use": rule.shares_per_year_of_use,
        "services": sorted(s.code for s in rule.services.all()),
        "updated_at": rule.updated_at,
    }


def _policy_out(cooperative: Unit) -> dict[str, object]:
    rules = list(
        PolicyRule.objects.filter(cooperative=cooperative).prefetch_related("services").order_by("profile")
    )
    return {
        "cooperative": cooperative.code,
        "in_force": [_rule_out(r) for r in rules if not r.is_draft],
        "draft": [_rule_out(r) for r in rules if r.is_draft],
        "services": list(
            Service.objects.filter(cooperative=cooperative).order_by("code").values_list("code", flat=True)
        ),
    }


@router.get(
    "/cooperatives/{code}/policy",
    response={200: PolicyOut, **READ_ERRORS},
    summary="The membership policy: the rules in force and the draft, per profile (staff and board)",
)
def get_policy(request: HttpRequest, code: CodePath) -> dict[str, object]:
    return _policy_out(_cooperative(request, code, "members.simulate_policy"))


@router.put(
    "/cooperatives/{code}/policy/rules/{profile}",
    response={200: RuleOut, **WRITE_ERRORS},
    summary="Change the rule of one profile, in the draft (default) or in force (staff); audited",
)
def save_rule(
    request: HttpRequest, code: CodePath, profile: ProfilePath, payload: RuleIn
) -> dict[str, object]:
    cooperative = _cooperative(request, code, "members.edit_policy")
    wanted = sorted(set(payload.services))
    reserved = list(Service.objects.filter(cooperative=cooperative, code__in=wanted).order_by("code"))
    unknown = sorted(set(wanted) - {s.code for s in reserved})
    if unknown:
        raise invalid_field(
            "services",
            _("Cooperative %(code)s has no service %(service)s.")
            % {"code": code, "service": ", ".join(unknown)},
            "unknown_service",
        )
    rule = services.policy_rule_save(
        cooperative=cooperative,
        profile=profile,
        requirement=payload.requirement,
        min_shares=payload.min_shares,
        shares_per_year_of_use=payload.shares_per_year_of_use,
        services=reserved,
        is_draft=payload.draft,
        actor=request.user,
    )
    return _rule_out(rule)


@router.post(
    "/cooperatives/{code}/policy/adopt",
    response={200: AdoptedOut, **WRITE_ERRORS},
    summary="Put the draft rules in force, each replacing the rule of its profile (staff); audited",
)
def adopt_draft(request: HttpRequest, code: CodePath) -> dict[str, object]:
    cooperative = _cooperative(request, code, "members.edit_policy")
    if not PolicyRule.objects.filter(cooperative=cooperative, is_draft=True).exists():
        raise invalid_field("draft", _("There is no draft rule to put in force."), "no_draft")
    count = services.policy_adopt_draft(cooperative=cooperative, actor=request.user)
    return {"adopted": count, "policy": _policy_out(cooperative)}


@router.get(
    "/cooperatives/{code}/policy/simulation",
    response={200: SimulationOut, **READ_ERRORS},
    summary="Simulate the draft policy on the current register: who changes class, capital called",
)
def simulate(request: HttpRequest, code: CodePath) -> dict[str, object]:
    report = simulate_draft(_cooperative(request, code, "members.simulate_policy"))
    names = sorted(set(report.college_members_before) | set(report.college_members_after))
    return {
        "people": report.people,
        "changes": dict(report.changes),
        "by_profile": {k: dict(v) for k, v in report.by_profile.items()},
        "by_antenna": {k: dict(v) for k, v in report.by_antenna.items()},
        "by_country": {k: dict(v) for k, v in report.by_country.items()},
        "shares_called": report.shares_called,
        "capital_called_eur": report.capital_called_eur,
        "colleges": [
            {
                "college": name,
                "members_before": report.college_members_before.get(name, 0),
                "members_after": report.college_members_after.get(name, 0),
                "weight_per_member_before": report.member_weight_before.get(name, 0.0),
                "weight_per_member_after": report.member_weight_after.get(name, 0.0),
            }
            for name in names
        ],
    }
