"""The policy simulator on the real register: a draft applied to the current members, reported by profile,
antenna and country, with the capital it would call and the collège weights after the change."""

from __future__ import annotations

from decimal import Decimal

import pytest

from coopgov.members import services
from coopgov.members.models import Person
from coopgov.members.simulation import simulate_draft
from tests.members.builders import ACTOR, candidate, member

pytestmark = pytest.mark.django_db


def draft(org, coop, profile: str, requirement: str, min_shares: int) -> None:
    services.policy_rule_save(
        cooperative=coop,
        profile=profile,
        requirement=requirement,
        min_shares=min_shares,
        shares_per_year_of_use=False,
        services=list(coop.services.filter(code="invoice_client")),
        is_draft=True,
        actor=ACTOR,
    )


def test_a_draft_asking_five_shares_of_coordinators_calls_the_missing_capital(org):
    lyon = org.antenna(org.fr, "Lyon")
    short = member(org, org.fr, shares=3)
    Person.objects.filter(pk=short.person_id).update(home_antenna=lyon)
    member(org, org.fr, shares=5)
    draft(org, org.fr, "entrepreneur", "mandatory", 5)
    report = simulate_draft(org.fr)
    assert report.people == 2
    assert report.changes == {"compliant->must_top_up": 1}
    assert report.by_profile == {"entrepreneur": {"compliant->must_top_up": 1}}
    assert report.by_antenna == {"Lyon": {"compliant->must_top_up": 1}}
    assert report.by_country == {"FR": {"compliant->must_top_up": 1}}
    assert (report.shares_called, report.capital_called_eur) == (2, Decimal(60))


def test_a_draft_making_clients_members_counts_who_must_join_and_reweights_the_colleges(org):
    member(org, org.fr, shares=3)  # collège 1 (coordinators)
    candidate(org, org.fr, profiles=["client"])  # collège 1 by the builder's default category
    draft(org, org.fr, "client", "mandatory", 1)
    report = simulate_draft(org.fr)
    assert report.changes == {"compliant->must_join": 1}
    assert report.shares_called == 1 and report.capital_called_eur == Decimal(30)
    assert report.college_members_before == {"1": 1}
    assert report.college_members_after == {"1": 2}
    assert report.college_weights["1"] == pytest.approx(0.4)
    assert report.member_weight_before["1"] == pytest.approx(0.4)
    assert report.member_weight_after["1"] == pytest.approx(0.2)


def test_without_a_draft_nobody_changes(org):
    for shares in (0, 1, 3):
        member(org, org.be, shares=shares)
    report = simulate_draft(org.be)
    assert report.people == 3 and report.changes == {} and report.shares_called == 0


def test_the_simulation_page_shows_the_report_to_staff(org, staff_client):
    member(org, org.fr, shares=1)
    draft(org, org.fr, "entrepreneur", "mandatory", 5)
    response = staff_client.get("/register/FR/policy/simulate/")
    assert response.status_code == 200
