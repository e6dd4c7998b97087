"""Who a process is open to and where a person stands towards its unit: the audience table, the standing
read from the register, and the sentences that tell the reader why they may (or may not) take part.

The standing has one source: ``members.selectors.current_members_in`` (admitted members in the unit's
scope) and its sibling ``current_stakeholders_in`` (the persons of the register attached to the unit);
a thematic community has its own members (open ``CommunityMembership`` rows). See ADR 0020.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from coopgov.organisation.models import Unit
from coopgov.organisation.selectors import user_role_units
from coopgov.participation.models import Audience, Standing

# Which standings each audience lets take part (the unit's officers take part whatever the audience).
ADMITS: dict[str, frozenset[str]] = {
    Audience.MEMBERS: frozenset({Standing.MEMBER}),
    Audience.STAKEHOLDERS: frozenset({Standing.MEMBER, Standing.STAKEHOLDER}),
    Audience.ACCOUNTS: frozenset({Standing.MEMBER, Standing.STAKEHOLDER, Standing.ACCOUNT}),
}
OFFICER_ROLES = ("staff", "relay", "moderator", "board")


def admits(audience: str, standing: str | None) -> bool:
    """Whether an audience lets a person of this standing take part (None: not signed in)."""
    return standing is not None and standing in ADMITS.get(audience, frozenset())


@dataclass(frozen=True)
class Situation:
    """Where the signed-in account stands towards a unit; ``standing`` is None for an anonymous visitor.
    ``candidate``: a membership application pending in the unit's scope; ``profiles``: the person's
    stakeholder profiles (the register's codes)."""

    standing: str | None
    has_person: bool = False
    candidate: bool = False
    profiles: tuple[str, ...] = ()


def _compute(user: Any, unit: Unit) -> Situation:
    from coopgov.members.models import Membership, Person
    from coopgov.members.selectors import current_members_in, current_stakeholders_in

    if not getattr(user, "is_authenticated", False):
        return Situation(None)
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return Situation(Standing.ACCOUNT)
    if unit.kind == Unit.Kind.COMMUNITY:
        from coopgov.organisation.models import CommunityMembership

        belongs = CommunityMembership.objects.filter(
            community=unit, person_id=person_id, left_at__isnull=True
        ).exists()
        admitted = Membership.objects.filter(
            person_id=person_id, status="admitted", ended_on__isnull=True
        ).exists()
        standing = (Standing.MEMBER if admitted else Standing.STAKEHOLDER) if belongs else Standing.ACCOUNT
        candidate = belongs and not admitted
    elif current_members_in(unit).filter(person_id=person_id).exists():
        standing, candidate = Standing.MEMBER, False
    elif current_stakeholders_in(unit).filter(pk=person_id).exists():
        standing = Standing.STAKEHOLDER
        candidate = (
            Membership.objects.filter(person_id=person_id, status="candidate", ended_on__isnull=True)
            .filter(cooperative__path__in=_cooperative_paths(unit))
            .exists()
        )
    else:
        standing, candidate = Standing.ACCOUNT, False
    profiles: tuple[str, ...] = ()
    if standing == Standing.STAKEHOLDER:  # only the sentence about a stakeholder names the profiles
        profiles = tuple(Person.objects.filter(pk=person_id).values_list("profiles", flat=True).first() or ())
    return Situation(standing, has_person=True, candidate=candidate, profiles=profiles)


def _cooperative_paths(unit: Unit) -> list[str]:
    """The paths of the cooperatives whose memberships count in ``unit``: those under it, or above it."""
    return list(
        Unit.objects.filter(kind=Unit.Kind.COOPERATIVE)
        .filter(path__startswith=unit.path)
        .values_list("path", flat=True)
    ) or list(
        Unit.objects.filter(kind=Unit.Kind.COOPERATIVE, pk__in=unit.ancestor_ids()).values_list(
            "path", flat=True
        )
    )


def situation(user: Any, unit: Unit) -> Situation:
    """Where ``user`` stands towards ``unit``, read once per request and unit (cached on the user object,
    as ``user_role_units`` caches the roles): the process page asks it for every permission it shows."""
    cache: dict[int, Situation] | None = getattr(user, "_coopgov_situations", None)
    if cache is None:
        cache = {}
        if getattr(user, "is_authenticated", False):
            user._coopgov_situations = cache
    if unit.pk not in cache:
        cache[unit.pk] = _compute(user, unit)
    return cache[unit.pk]


def officer_roles(user: Any, unit: Unit) -> list[str]:
    """The officer roles ``user`` holds in ``unit`` or above it, in a fixed order."""
    if not getattr(user, "is_authenticated", False):
        return []
    held = {role for role, where in user_role_units(user) if unit.path.startswith(where.path)}
    return [role for role in OFFICER_ROLES if role in held]


def in_audience(user: Any, process: Any) -> bool:
    """The process's audience admits the user's standing (officers aside)."""
    return admits(process.audience, situation(user, process.unit).standing)


# --- the sentences ------------------------------------------------------------------------------------------


def audience_sentence(process: Any) -> str:
    unit = process.unit.display_name
    if process.audience == Audience.STAKEHOLDERS:
        return _(
            "This process is open to the stakeholders of %(unit)s in the register: its members, its "
            "candidates, and the clients, partners and mutualised staff attached to it without an admitted "
            "membership."
        ) % {"unit": unit}
    if process.audience == Audience.ACCOUNTS:
        return _("This process is open to anyone with an account.")
    return _("This process is open to the admitted members of %(unit)s.") % {"unit": unit}


def _profile_names(profiles: tuple[str, ...]) -> str:
    from coopgov.members.models import Profile

    labels = dict(Profile.choices)
    return ", ".join(str(labels.get(code, code)) for code in profiles)


def situation_sentence(user: Any, unit: Unit) -> str:
    """The reader's own situation towards ``unit``, addressed to them."""
    found = situation(user, unit)
    name = unit.display_name
    community = unit.kind == Unit.Kind.COMMUNITY
    if found.standing is None:
        return _("You are not signed in.")
    if not found.has_person:
        return _("Your account is not linked to a person of the register.")
    if found.standing == Standing.MEMBER:
        if community:
            return _("You are an admitted member and you belong to %(unit)s.") % {"unit": name}
        return _("You are an admitted member in %(unit)s.") % {"unit": name}
    if found.standing == Standing.STAKEHOLDER:
        if community:
            return _("You belong to %(unit)s without an admitted membership.") % {"unit": name}
        if found.candidate:
            return _(
                "You are in the register of %(unit)s as a candidate: your admission has not been decided yet."
            ) % {"unit": name}
        return _("You are in the register of %(unit)s as %(profiles)s, without an admitted membership.") % {
            "unit": name,
            "profiles": _profile_names(found.profiles) or _("a stakeholder"),
        }
    if community:
        return _("You do not belong to %(unit)s.") % {"unit": name}
    return _("You are not in the register of %(unit)s (no membership or home antenna there).") % {
        "unit": name
    }


@dataclass(frozen=True)
class Explanation:
    """Why the reader may or may not take part in a process: the sentences, in the reader's language."""

    takes_part: bool
    sentences: list[str]


def explain(user: Any, process: Any) -> Explanation:
    """The audience of the process, the reader's situation, their roles, and the conclusion."""
    sentences = [audience_sentence(process), situation_sentence(user, process.unit)]
    roles = officer_roles(user, process.unit)
    if roles:
        from coopgov.organisation.models import Role

        labels = dict(Role.choices)
        sentences.append(
            _("You hold the role %(roles)s here: the unit's officers take part whatever the audience.")
            % {"roles": ", ".join(str(labels[r]) for r in roles)}
        )
    takes_part = bool(roles) or in_audience(user, process)
    if takes_part:
        sentences.append(
            _("So you may take part here: propose, support and comment when the phase in force allows it.")
        )
    else:
        sentences.append(_("So you may read this process, but not take part in it."))
    return Explanation(takes_part, sentences)
