"""The board's admission queue, driven in the browser by cooperative-life staff."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.browser

REASON = "The activity described falls outside the purpose of the cooperative (art. 3 of the statutes)."


def _decide(page: Any, name: str, decision: str, reason: str = "") -> None:
    card = page.get_by_role("group", name=f"Decision on {name}")
    card.get_by_label("Decision", exact=True).select_option(label=decision)
    if reason:
        card.get_by_label(re.compile("^Reason")).fill(reason)
    card.get_by_role("button", name=f"Record the decision on {name}").click()
    page.wait_for_load_state()


def test_staff_admits_a_candidate_and_the_register_and_audit_log_say_so(
    live_server: Any, world: Any, new_page: Any
) -> None:
    from coopgov.audit.models import AuditEntry

    page = new_page()
    sign_in(page, live_server.url, "staff@example.org", with_totp=True)
    page.get_by_role("link", name="Register BE").click()
    page.get_by_role("link", name="Admission queue").click()

    _decide(page, "Lotte Janssens", "Admit")

    status = page.get_by_role("status")
    expect(status).to_contain_text("Lotte Janssens: decision recorded.", use_inner_text=True)
    expect(page.get_by_role("heading", name=re.compile("Lotte Janssens"))).to_have_count(0)
    admitted = world.candidate_to_admit
    admitted.refresh_from_db()
    assert admitted.status == "admitted"
    entry = AuditEntry.objects.get(action="membership.admitted", object_id=str(admitted.pk))
    assert entry.actor == world.staff


def test_a_refusal_needs_a_reason_and_the_candidate_reads_it_on_their_own_page(
    live_server: Any, world: Any, new_page: Any
) -> None:
    staff_page = new_page()
    sign_in(staff_page, live_server.url, "staff@example.org", with_totp=True)
    staff_page.goto(f"{live_server.url}/register/BE/admissions/")
    refused = world.candidate_to_refuse

    # A refusal without its reason is not recorded, and the page says why.
    _decide(staff_page, "Hugo Dupont", "Refuse")
    expect(staff_page.get_by_role("status")).to_contain_text(
        "A refusal must give its reason.", use_inner_text=True
    )
    refused.refresh_from_db()
    assert refused.status == "candidate"

    _decide(staff_page, "Hugo Dupont", "Refuse", REASON)

    expect(staff_page.get_by_role("status")).to_contain_text(
        "Hugo Dupont: decision recorded.", use_inner_text=True
    )
    refused.refresh_from_db()
    assert refused.status == "refused"

    page = new_page()
    sign_in(page, live_server.url, "hugo@example.org")
    card = page.get_by_role("region", name="Smart Belgium")
    expect(card).to_contain_text("Refused", use_inner_text=True)
    expect(card).to_contain_text(REASON, use_inner_text=True)
