"""A member hears about what they follow: the header's link, the notices page read by keyboard, the e-mail
choices — accessible (axe-core), in the member's language, on a phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import serious_violations, sign_in, use_language

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_a_member_reads_their_notices_by_keyboard_and_chooses_a_weekly_digest(
    live_server: Any, world: Any, new_page: Any
) -> None:
    from coopgov.notifications import services
    from coopgov.notifications.models import Notification, Preference

    services.notify(recipients=[world.member], kind="notifications.test", url="/me/")
    services.notify(recipients=[world.member], kind="notifications.test")
    page = new_page(**PHONE)
    sign_in(page, live_server.url, "member@example.org")
    use_language(page, live_server.url, "fr")
    page.goto(f"{live_server.url}/me/")
    # The header says how many notices are unread, in French.
    link = page.get_by_role("link", name="Notifications (2 non lues)")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/notifications/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes notifications", use_inner_text=True)
    assert serious_violations(page) == []
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width

    # "Open" marks the notice read and follows its link, by keyboard.
    page.get_by_role("button", name="Ouvrir").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/me/")
    assert Notification.objects.filter(recipient=world.member, read_at__isnull=True).count() == 1
    expect(page.get_by_role("link", name="Notifications (1 non lue)")).to_be_visible()

    page.goto(f"{live_server.url}/notifications/")
    page.get_by_role("button", name="Tout marquer comme lu").click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    assert Notification.objects.filter(recipient=world.member, read_at__isnull=True).count() == 0

    page.get_by_role("link", name="Comment je reçois mes notifications par courriel").click()
    page.wait_for_url("**/notifications/settings/")
    assert serious_violations(page) == []
    page.get_by_label("un récapitulatif hebdomadaire").check()
    page.get_by_label("Réunions").select_option("immediate")
    page.get_by_role("button", name="Enregistrer mes choix").click()
    expect(page.get_by_role("status")).to_have_text(
        "Vos choix de courriels sont enregistrés.", use_inner_text=True
    )
    assert dict(Preference.objects.filter(user=world.member).values_list("group", "delivery")) == {
        "": "weekly",
        "meetings": "immediate",
    }


def test_someone_stops_the_emails_from_the_link_without_signing_in(
    live_server: Any, world: Any, new_page: Any
) -> None:
    from coopgov.notifications.emails import unsubscribe_token
    from coopgov.notifications.models import Preference

    page = new_page()
    use_language(page, live_server.url, "nl")
    page.goto(f"{live_server.url}/notifications/unsubscribe/{unsubscribe_token(world.member)}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meldingsmails stopzetten", use_inner_text=True)
    assert serious_violations(page) == []
    button = page.get_by_role("button", name="De e-mails stopzetten")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("member@example.org", use_inner_text=True)
    assert Preference.objects.get(user=world.member, group="").delivery == "none"
