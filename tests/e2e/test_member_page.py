"""A member's own page: their shares, the history of their shares, and what they may use and why."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in, use_language

pytestmark = pytest.mark.browser


def _expected_checks(world: Any, cooperative: Any, language: str) -> dict[str, tuple[bool, list[str]]]:
    """What the rules say for this member, worded in ``language``: {service name: (allowed, sentences)}."""
    from django.utils import translation

    from coopgov.members import selectors
    from coopgov.members.explain import explain

    person = world.member.person
    expected = {}
    with translation.override(language):
        for service in selectors.services_of(cooperative):
            result = selectors.check_service(person, cooperative, service.code)
            expected[service.display_name] = (result.allowed, [explain(r) for r in result.reasons])
    return expected


def test_a_member_sees_shares_history_and_why_each_service_is_open_or_not_yet(
    live_server: Any, world: Any, new_page: Any
) -> None:
    from django.utils import formats, translation

    from coopgov.members import selectors

    page = new_page(locale="fr-BE")
    sign_in(page, live_server.url, "member@example.org")
    use_language(page, live_server.url, "fr")
    page.goto(f"{live_server.url}/me/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon sociétariat", use_inner_text=True)

    verdicts = []
    for membership in world.member.person.memberships.select_related("cooperative"):
        coop = membership.cooperative
        with_translation = _expected_checks(world, coop, "fr")
        card = page.get_by_role("region", name=coop.names["fr"])
        shares, paid = selectors.total_shares(membership)
        with translation.override("fr"):
            paid_in = f"{formats.localize(paid)} €"
        facts = card.locator("dl.facts").inner_text()
        assert f"Parts détenues\n{shares}" in facts
        assert f"Montant libéré\n{paid_in}" in facts
        history = card.get_by_role("table", name="Mouvements de parts, du plus récent au plus ancien")
        assert history.locator("tbody tr").count() == membership.movements.count()
        for name, (allowed, sentences) in with_translation.items():
            item = card.locator("li.service").filter(has=page.locator("strong", has_text=name))
            assert item.locator(".verdict-word").inner_text() == ("oui" if allowed else "pas encore")
            assert item.locator("ul.reasons li").all_inner_texts() == sentences
            verdicts.append(allowed)
    # The data gives this member one cooperative where a service is open and one where it is not yet.
    assert True in verdicts and False in verdicts
