"""What the browser tests share: signing in as a person would, and the accessibility check."""

from __future__ import annotations

import time
from typing import Any

from axe_playwright_python.sync_playwright import Axe

PASSWORD = "coopgov-e2e-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
BLOCKING_IMPACTS = ("serious", "critical")
_AXE = Axe()


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The current TOTP code; waits for a fresh 30-second window when this one is about to end."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    if time.time() % 30 > 27:
        time.sleep(30 - time.time() % 30 + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(page: Any, base_url: str, email: str, *, with_totp: bool = False) -> None:
    """Sign in through the real allauth pages, by label, as a person would (the pages asked in English)."""
    use_language(page, base_url, "en")
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    if with_totp:
        page.get_by_label("Code").fill(totp_code())
        page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_load_state()


def use_language(page: Any, base_url: str, language: str) -> None:
    """Choose the page language as the language switch does (Django's language cookie)."""
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page, one readable line per failing node.

    A click that navigates returns before the next document exists; axe waits for it to load."""
    page.wait_for_load_state("load")
    results = _AXE.run(page)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in BLOCKING_IMPACTS:
            for node in violation["nodes"]:
                where = node["target"]
                found.append(f"{violation['id']} ({violation['impact']}): {where} — {violation['help']}")
    return found
