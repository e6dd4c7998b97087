"""Reads on the register: holdings, members as of a date, the policy, and a member's rights with reasons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable
from django.utils import timezone

from coopgov.domain.governance.membership import (
    CheckResult,
    PersonFacts,
    Policy,
    ProfileRule,
    Requirement,
    Status,
    membership_check,
)
from coopgov.members.models import (
    Category,
    Membership,
    Person,
    PolicyRule,
    Service,
    ShareClass,
    ShareMovement,
)
from coopgov.organisation.models import StatutesVersion, Unit

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class HoldingRow:
    share_class: ShareClass
    shares: int
    paid_eur: Decimal


def holdings(membership: Membership, *, at: date | None = None) -> list[HoldingRow]:
    """Shares and amount paid per class, summed from the ledger (as of ``at`` if given)."""
    movements = ShareMovement.objects.filter(membership=membership)
    if at is not None:
        movements = movements.filter(effective_on__lte=at)
    sums = movements.values("share_class").annotate(
        shares=Coalesce(Sum("shares_delta"), 0), paid=Coalesce(Sum("paid_delta_eur"), ZERO)
    )
    classes = {c.pk: c for c in ShareClass.objects.filter(cooperative_id=membership.cooperative_id)}
    return [HoldingRow(classes[row["share_class"]], row["shares"], row["paid"]) for row in sums]


def holding_in_class(membership: Membership, share_class: ShareClass) -> tuple[int, Decimal]:
    row = ShareMovement.objects.filter(membership=membership, share_class=share_class).aggregate(
        shares=Coalesce(Sum("shares_delta"), 0), paid=Coalesce(Sum("paid_delta_eur"), ZERO)
    )
    return int(row["shares"]), Decimal(row["paid"])


def total_shares(membership: Membership, *, at: date | None = None) -> tuple[int, Decimal]:
    """All classes together: (shares held, amount paid in)."""
    rows = holdings(membership, at=at)
    return sum(r.shares for r in rows), sum((r.paid_eur for r in rows), ZERO)


def cooperative_capital_eur(cooperative: Unit) -> Decimal:
    """Subscribed capital: Σ shares × nominal over every class."""
    rows = (
        ShareMovement.objects.filter(share_class__cooperative=cooperative)
        .values("share_class__nominal_eur")
        .annotate(s=Coalesce(Sum("shares_delta"), 0))
    )
    return sum((row["share_class__nominal_eur"] * int(row["s"]) for row in rows), ZERO)


def policy_of(cooperative: Unit, *, draft: bool = False) -> Policy:
    """The policy in force (or the draft, falling back on the rule in force for profiles it leaves out)."""
    rules: dict[str, ProfileRule] = {}
    queryset = PolicyRule.objects.filter(cooperative=cooperative).prefetch_related("services")
    for is_draft in (False, True) if draft else (False,):
        for rule in queryset.filter(is_draft=is_draft):
            rules[rule.profile] = ProfileRule(
                profile=rule.profile,
                requirement=Requirement(rule.requirement),
                min_shares=rule.min_shares,
                shares_per_year_of_use=rule.shares_per_year_of_use,
                services=frozenset(s.code for s in rule.services.all()),
            )
    return Policy(cooperative=cooperative.code, rules=rules)


def years_of_use(membership: Membership | None, today: date) -> int:
    """Calendar years of use counted from admission, this year included (at least one).

    The register does not see service use itself; admission is the closest fact it holds.
    """
    if membership is None or membership.admitted_on is None:
        return 1
    return max(1, today.year - membership.admitted_on.year + 1)


def person_facts(person: Any, cooperative: Unit, *, today: date | None = None) -> PersonFacts:
    today = today or timezone.localdate()
    membership = Membership.objects.filter(person=person, cooperative=cooperative).first()
    shares, paid = total_shares(membership) if membership else (0, ZERO)
    nominal = ShareClass.objects.filter(cooperative=cooperative, is_default=True).values_list(
        "nominal_eur", flat=True
    ).first() or Decimal(30)
    return PersonFacts(
        profiles=frozenset(person.profiles),
        status=Status(membership.status) if membership else None,
        shares_held=shares,
        shares_paid=int(paid // nominal) if nominal else 0,
        years_of_use=years_of_use(membership, today),
    )


def check_service(person: Any, cooperative: Unit, service_code: str) -> CheckResult:
    """May this person use this service of this cooperative? With its reasons (see explain())."""
    return membership_check(policy_of(cooperative), person_facts(person, cooperative), service_code)


def services_of(cooperative: Unit) -> QuerySet[Service]:
    return Service.objects.filter(cooperative=cooperative).order_by("code")


class RegisterQuerySet(QuerySet[Membership]):
    """A register whose pages are cut on the membership table alone, then joined for their rows only.

    Deep pages (OFFSET 99,950 of 100,000) would otherwise join every skipped row to its person and
    category before discarding it. One query finds the page's ids, one reads its rows, whatever the page.
    """

    def __getitem__(self, k: Any) -> Any:
        if not isinstance(k, slice) or k.stop is None or self._result_cache is not None:
            return super().__getitem__(k)
        if self._iterable_class is not ModelIterable:
            return super().__getitem__(k)
        ids = list(self.values_list("pk", flat=True)[k])
        rows = self.model._default_manager.filter(pk__in=ids)
        rows.query.select_related = self.query.select_related
        by_id = {m.pk: m for m in rows}
        return [by_id[pk] for pk in ids if pk in by_id]


def register_queryset(
    cooperative: Unit,
    *,
    search: str = "",
    status: str = "",
    category: str = "",
    antenna: str = "",
    profile: str = "",
) -> QuerySet[Membership]:
    """The register of one cooperative, filtered; ordered by register number (the legal order)."""
    qs = (
        RegisterQuerySet(Membership)
        .filter(cooperative=cooperative)
        .select_related("person", "person__home_antenna", "category")
    )
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category__code=category)
    if antenna:
        qs = qs.filter(person__home_antenna__code=antenna)
    if profile:
        qs = (
            qs.filter(person__profiles__contains=profile)
            if _json_contains_ok()
            else qs.filter(person__profiles__icontains=f'"{profile}"')
        )
    term = search.strip()
    if term.isdigit():
        # A number typed in the search box is a register number: one indexed lookup, not a scan of names.
        qs = qs.filter(number=int(term))
    elif term:
        qs = qs.filter(
            Q(person__last_name__istartswith=term)
            | Q(person__legal_name__istartswith=term)
            | Q(person__email__istartswith=term)
        )
    return qs.order_by("number")


def _json_contains_ok() -> bool:
    # JSON containment is native on PostgreSQL; on SQLite, a text match on the quoted code is exact enough.
    from django.db import connection

    return connection.vendor == "postgresql"


def shares_for_memberships(ids: list[int]) -> dict[int, tuple[int, Decimal]]:
    """Shares and paid-in per membership for one page of the register: one query whatever the page size."""
    rows = (
        ShareMovement.objects.filter(membership_id__in=ids)
        .values("membership_id")
        .annotate(shares=Coalesce(Sum("shares_delta"), 0), paid=Coalesce(Sum("paid_delta_eur"), ZERO))
    )
    return {r["membership_id"]: (int(r["shares"]), Decimal(r["paid"])) for r in rows}


def admission_queue(cooperative: Unit) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(cooperative=cooperative, status=Status.CANDIDATE.value)
        .select_related("person", "person__home_antenna", "category", "application__share_class")
        .order_by("applied_on", "number")
    )


def _in_scope(unit: Unit) -> Q:
    """Memberships in ``unit``'s scope: of a cooperative under it (a group, a cooperative), or, for a unit
    under a cooperative (an antenna), of that cooperative with the person's home antenna in it."""
    return Q(cooperative__path__startswith=unit.path) | Q(
        cooperative_id__in=unit.ancestor_ids(), person__home_antenna__path__startswith=unit.path
    )


def current_members_in(unit: Unit) -> QuerySet[Membership]:
    """The current memberships (admitted, not ended) in ``unit``'s scope (``_in_scope``). Panels draw from
    this pool; conversations take their participants in it."""
    return Membership.objects.filter(_in_scope(unit), status="admitted", ended_on__isnull=True)


def current_stakeholders_in(unit: Unit) -> QuerySet[Person]:
    """The persons of the register attached to ``unit``: a current membership in its scope (``_in_scope``),
    admitted or candidate, or a stakeholder profile (client, partner, mutualised staff…) with their home
    antenna in the unit. The members of ``current_members_in`` are among them; a resigned or refused
    person stays only through a profile and a home antenna. Processes open to stakeholders take part here."""
    memberships = Membership.objects.filter(
        _in_scope(unit),
        status__in=[Status.ADMITTED.value, Status.CANDIDATE.value],
        ended_on__isnull=True,
    )
    return Person.objects.filter(
        Q(pk__in=memberships.values("person_id"))
        | (Q(home_antenna__path__startswith=unit.path) & ~Q(profiles=[]))
    )


@dataclass(frozen=True)
class ApplicationTerms:
    """What a cooperative offers an applicant: where they may live, which profiles and categories, which
    share at what price, the statutes they accept. ``is_open`` is false until the register has a share
    class and a category to put a candidate in."""

    cooperative: Unit
    share_class: ShareClass | None
    categories: list[Category]
    antennas: list[Unit]
    policy: Policy
    open_profiles: list[str]
    closed_profiles: list[str]
    minimum_by_profile: dict[str, int]
    statutes: StatutesVersion | None

    @property
    def is_open(self) -> bool:
        return self.share_class is not None and bool(self.categories) and bool(self.open_profiles)

    @property
    def minimums(self) -> list[tuple[str, int]]:
        """(profile's label, fewest shares) for each profile that may apply, in the form's order."""
        from coopgov.members.models import Profile

        labels = dict(Profile.choices)
        return [(str(labels[p]), self.minimum_by_profile[p]) for p in self.open_profiles]

    @property
    def closed_labels(self) -> list[str]:
        from coopgov.members.models import Profile

        labels = dict(Profile.choices)
        return [str(labels[p]) for p in self.closed_profiles]


def application_terms(cooperative: Unit) -> ApplicationTerms:
    """The terms of ``cooperative``'s application form, read from its register and policy in force."""
    from coopgov.domain.governance.application import minimum_shares, open_profiles
    from coopgov.members.models import Profile
    from coopgov.organisation.selectors import antennas_of

    policy = policy_of(cooperative)
    classes = list(ShareClass.objects.filter(cooperative=cooperative).order_by("-is_default", "code")[:1])
    profiles = [value for value, _label in Profile.choices]
    allowed = open_profiles(policy, profiles)
    return ApplicationTerms(
        cooperative=cooperative,
        share_class=classes[0] if classes else None,
        categories=list(Category.objects.filter(cooperative=cooperative).order_by("code")),
        antennas=list(antennas_of(cooperative)),
        policy=policy,
        open_profiles=allowed,
        closed_profiles=[p for p in profiles if p not in allowed],
        minimum_by_profile={p: minimum_shares(policy, [p]) for p in allowed},
        statutes=cooperative.statutes_versions.order_by("-adopted_on").first(),
    )


def has_open_candidacy(cooperative: Unit, email: str) -> bool:
    """Does a person with this e-mail already stand as candidate, or belong as admitted member, here?"""
    return Membership.objects.filter(
        cooperative=cooperative,
        person__email__iexact=email.strip(),
        status__in=(Status.CANDIDATE.value, Status.ADMITTED.value),
    ).exists()


def admission_by_assembly(cooperative: Unit) -> bool:
    """A French SCOP admits its members in general assembly (loi 78-763, DOMAIN.md §2.3); others by board."""
    profile = getattr(cooperative, "profile", None)
    return profile is not None and profile.legal_form == "fr_scop"
