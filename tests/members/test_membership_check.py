"""`coopgov membership_check` and the check selector on the real register: the answer and every reason."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from coopgov.members import services
from coopgov.members.selectors import check_service
from tests.members.builders import ACTOR, candidate, member, today

pytestmark = pytest.mark.django_db


def check(coop: str, number: int, service: str = "invoice_client") -> tuple[str, list[str]]:
    out = io.StringIO()
    call_command(
        "membership_check",
        "--coop",
        coop,
        "--member",
        str(number),
        "--service",
        service,
        "--language",
        "en",
        stdout=out,
    )
    first, *reasons = out.getvalue().splitlines()
    return first, [r.strip() for r in reasons]


def three_years_ago() -> date:
    return date(today().year - 2, 1, 15)


def test_belgium_refuses_a_member_with_fewer_shares_than_years_of_use(org):
    m = member(org, org.be, shares=2, admitted_on=three_years_ago())
    answer, reasons = check("BE", m.number)
    assert answer.startswith("no: ")
    assert any(
        r.startswith("- ") and "one share per year of use" in r and "years of use: 3" in r for r in reasons
    )
    assert any(r.startswith("+ ") and "admitted member" in r for r in reasons)
    result = check_service(m.person, org.be, "invoice_client")
    assert (result.allowed, result.required_shares) == (False, 3)


def test_belgium_allows_a_member_with_one_share_per_year_of_use(org):
    m = member(org, org.be, shares=3, admitted_on=three_years_ago())
    answer, reasons = check("BE", m.number)
    assert answer.startswith("yes: ")
    assert all(r.startswith("+ ") for r in reasons)


def test_france_asks_three_shares_of_an_activity_coordinator(org):
    short = member(org, org.fr, shares=1)
    enough = member(org, org.fr, shares=3)
    answer, reasons = check("FR", short.number)
    assert answer.startswith("no: ") and any("shares required: 3" in r for r in reasons)
    assert check("FR", enough.number)[0].startswith("yes: ")


def test_a_candidate_is_told_they_are_not_admitted(org):
    c = candidate(org, org.fr)
    answer, reasons = check("FR", c.number)
    assert answer.startswith("no: ")
    assert any(r.startswith("- ") and "not an admitted member" in r for r in reasons)


def test_a_profile_for_which_membership_is_not_allowed_is_not_blocked(org):
    reserved = list(org.be.services.filter(code="invoice_client"))
    services.policy_rule_save(
        cooperative=org.be,
        profile="staff",
        requirement="not_allowed",
        min_shares=0,
        shares_per_year_of_use=False,
        services=reserved,
        is_draft=False,
        actor=ACTOR,
    )
    c = candidate(org, org.be, profiles=["staff"])
    answer, reasons = check("BE", c.number)
    assert answer.startswith("yes: ")
    assert any("open to your profile" in r for r in reasons)


def test_a_service_not_reserved_to_members_is_open(org):
    c = candidate(org, org.be)
    answer, reasons = check("BE", c.number, "training")
    assert answer.startswith("yes: ") and any("open to your profile" in r for r in reasons)


def test_the_command_names_what_it_cannot_find(org):
    m = member(org, org.be)
    with pytest.raises(CommandError, match="no cooperative"):
        check("XX", m.number)
    with pytest.raises(CommandError, match="no member number 99999"):
        check("BE", 99999)
    with pytest.raises(CommandError, match=r"unknown service 'teleport'.*invoice_client"):
        check("BE", m.number, "teleport")
