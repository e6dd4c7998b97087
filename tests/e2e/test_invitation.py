"""Staff invite a member from the register; the member signs in with the code e-mailed to them."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.e2e.helpers import serious_violations, sign_in, use_language

pytestmark = pytest.mark.browser


def _register_member_without_account(world: Any) -> Any:
    from coopgov.members import services
    from coopgov.members.models import Category, Person
    from coopgov.organisation.models import Unit

    person = Person.objects.create(
        kind="natural",
        first_name="Ines",
        last_name="Vermeulen",
        email="ines@example.org",
        language="en",
        home_antenna=Unit.objects.get(code="BE-BRUXELLES"),
        profiles=["entrepreneur"],
    )
    be = world.units["BE"]
    membership = services.membership_apply(
        person=person,
        cooperative=be,
        category=Category.objects.get(cooperative=be, code="A"),
        applied_on=date.today() - timedelta(days=30),
        actor="e2e",
    )
    return services.membership_admit(membership=membership, on=date.today() - timedelta(days=20), actor="e2e")


def _mail_to(address: str, count: int) -> list[Any]:
    """The e-mails sent to ``address`` once there are ``count`` of them (the live server sends them)."""
    for _ in range(100):
        found = [m for m in mail.outbox if address in m.to]
        if len(found) >= count:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{count} e-mail(s) to {address} expected, got {[m.subject for m in mail.outbox]}")


def test_staff_invite_a_member_who_then_signs_in_by_code_and_sees_their_page(
    live_server: Any, world: Any, new_page: Any
) -> None:
    membership = _register_member_without_account(world)
    mail.outbox.clear()

    staff = new_page()
    sign_in(staff, live_server.url, "staff@example.org", with_totp=True)
    staff.goto(f"{live_server.url}/register/BE/{membership.number}/")
    expect(staff.get_by_text("No account yet.")).to_be_visible()
    assert serious_violations(staff) == []
    staff.get_by_role("button", name="Invite to coopgov").click()

    expect(staff.get_by_role("status")).to_contain_text(
        "Ines Vermeulen has an account; the invitation is on its way to ines@example.org.",
        use_inner_text=True,
    )
    expect(staff.get_by_text(re.compile("^Has an account since"))).to_be_visible()
    expect(staff.get_by_role("button", name="Invite to coopgov")).to_have_count(0)

    [invitation] = _mail_to("ines@example.org", 1)
    link = re.search(r"https?://\S+/accounts/login/code/", invitation.body)
    assert link is not None, invitation.body
    sign_in_path = "/accounts/login/code/"

    member = new_page()
    use_language(member, live_server.url, "en")
    member.goto(live_server.url + sign_in_path)
    member.get_by_label("Email").fill("ines@example.org")
    member.get_by_role("button", name="Request Code").click()
    expect(member.get_by_label("Code")).to_be_visible()

    code_mail = _mail_to("ines@example.org", 2)[-1]
    code = next(
        line.strip() for line in code_mail.body.splitlines() if re.fullmatch(r"[A-Z0-9-]{6,}", line.strip())
    )
    member.get_by_label("Code").fill(code)
    member.get_by_role("button", name="Confirm").click()

    expect(member.get_by_role("heading", name="My membership")).to_be_visible()
    expect(member.get_by_text("Signed in as Ines Vermeulen.")).to_be_visible()
    expect(member.get_by_role("heading", name="Smart Belgium")).to_be_visible()
    assert serious_violations(member) == []
