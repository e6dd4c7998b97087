"""Reads the whole register once and runs the policy simulator of coopgov.domain on it."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from coopgov.domain.governance.membership import PersonFacts, Status
from coopgov.domain.governance.simulation import RegisterEntry, SimulationReport, simulate_policy
from coopgov.members.models import Category, Membership, ShareClass
from coopgov.members.selectors import policy_of
from coopgov.organisation.models import Unit


def register_entries(cooperative: Unit) -> Iterator[RegisterEntry]:
    """Every membership of the cooperative as the simulator sees it, in one streamed query."""
    today = timezone.localdate()
    country = getattr(getattr(cooperative, "profile", None), "country", "")
    rows = (
        Membership.objects.filter(cooperative=cooperative)
        .annotate(shares=Coalesce(Sum("movements__shares_delta"), 0))
        .values_list(
            "person_id",
            "person__profiles",
            "person__home_antenna__name",
            "category__code",
            "status",
            "admitted_on",
            "shares",
        )
    )
    for person_id, profiles, antenna, college, status, admitted_on, shares in rows.iterator(chunk_size=5000):
        years = max(1, today.year - admitted_on.year + 1) if admitted_on else 1
        yield RegisterEntry(
            person=str(person_id),
            country=country,
            antenna=antenna or "—",
            college=college,
            facts=PersonFacts(
                profiles=frozenset(profiles or ()),
                status=Status(status),
                shares_held=int(shares),
                shares_paid=int(shares),
                years_of_use=years,
            ),
        )


def simulate_draft(cooperative: Unit) -> SimulationReport:
    """Compare the draft policy with the policy in force on the cooperative's current register."""
    nominal = ShareClass.objects.filter(cooperative=cooperative, is_default=True).values_list(
        "nominal_eur", flat=True
    ).first() or Decimal(30)
    weights = {
        c.code: float(c.college_weight or 0)
        for c in Category.objects.filter(cooperative=cooperative, college_weight__isnull=False)
    }
    return simulate_policy(
        register_entries(cooperative),
        current=policy_of(cooperative),
        draft=policy_of(cooperative, draft=True),
        nominal_eur=nominal,
        college_weights=weights or None,
    )
