"""The page of one's API tokens: create (officers only in a session confirmed by TOTP), list, revoke."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import Client
from django.urls import reverse

from coopgov.accounts.models import ApiToken, User
from coopgov.audit.models import AuditEntry
from coopgov.organisation.models import Unit
from coopgov.organisation.services import role_grant

pytestmark = pytest.mark.django_db

PAGE = "/accounts/tokens/"
PASSWORD = "a-long-test-password"


@pytest.fixture
def coop() -> Unit:
    group = Unit.objects.create(kind=Unit.Kind.GROUP, code="SMART", name="Smart")
    return Unit.objects.create(kind=Unit.Kind.COOPERATIVE, code="BE", name="Smart Belgique", parent=group)


def _member() -> User:
    return User.objects.create_user(email="member@test.example", password=PASSWORD)


def _officer(coop: Unit) -> tuple[User, str]:
    user = User.objects.create_user(email="board@test.example", password=PASSWORD)
    role_grant(user=user, unit=coop, role="board", actor="test")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def _sign_in_with_totp(client: Client, user: User, secret: str) -> None:
    """The real sign-in: password, then the authenticator's current code."""
    import time

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302, response.content


def _create(client: Client, name: str = "export", days: int = 30, **extra: Any) -> Any:
    return client.post(PAGE, {"name": name, "days": days}, **extra)


def test_a_member_creates_a_token_and_sees_it_once(client: Client, coop: Unit) -> None:
    member = _member()
    client.force_login(member)
    response = _create(client)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    stored = ApiToken.objects.get(user=member)
    raw = response.context["new_token"]
    assert raw.startswith(stored.prefix)
    assert client.get("/api/v1/cooperatives", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    again = client.get(PAGE)
    assert raw not in again.content.decode()
    assert stored.prefix in again.content.decode()


def test_creating_a_token_on_the_site_is_audited_as_the_members_act(client: Client, coop: Unit) -> None:
    member = _member()
    client.force_login(member)
    _create(client, name="my script", days=7)
    entry = AuditEntry.objects.get(action="api_token.created")
    assert entry.actor == member
    assert entry.after is not None
    assert (entry.after["via"], entry.after["name"]) == ("site", "my script")


def test_an_officer_without_a_confirmed_session_cannot_create_a_token(client: Client, coop: Unit) -> None:
    officer, _secret = _officer(coop)
    client.force_login(officer)  # a session that never saw the second factor
    page = client.get(PAGE)
    assert page.context["needs_mfa"] is True
    assert reverse("mfa_reauthenticate") in page.content.decode()
    response = _create(client)
    assert response.status_code == 403
    assert not ApiToken.objects.exists()
    assert not AuditEntry.objects.filter(action="api_token.created").exists()


def test_an_officer_signed_in_with_totp_creates_a_token_of_at_most_90_days(
    client: Client, coop: Unit
) -> None:
    officer, secret = _officer(coop)
    _sign_in_with_totp(client, officer, secret)
    too_long = _create(client, days=120)
    assert too_long.status_code == 400
    assert "days" in too_long.context["form"].errors
    assert not ApiToken.objects.exists()
    response = _create(client, days=90)
    assert response.status_code == 200
    raw = response.context["new_token"]
    assert client.get("/api/v1/cooperatives", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_a_member_may_not_ask_for_more_than_a_year(client: Client, coop: Unit) -> None:
    client.force_login(_member())
    response = _create(client, days=400)
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("name", ["", "x" * 101])
def test_a_token_needs_a_name_of_reasonable_length(client: Client, coop: Unit, name: str) -> None:
    client.force_login(_member())
    response = _create(client, name=name)
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_a_member_revokes_their_token_and_it_is_audited(client: Client, coop: Unit) -> None:
    member = _member()
    client.force_login(member)
    raw = _create(client).context["new_token"]
    token = ApiToken.objects.get()
    response = client.post(
        reverse("accounts:token_revoke", args=[token.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [f"The token {token.prefix}… is revoked."]
    assert client.get("/api/v1/cooperatives", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    entry = AuditEntry.objects.get(action="api_token.revoked")
    assert entry.actor == member


def test_nobody_revokes_someone_elses_token(client: Client, coop: Unit) -> None:
    member = _member()
    client.force_login(member)
    _create(client)
    token = ApiToken.objects.get()
    other = User.objects.create_user(email="other@test.example", password=PASSWORD)
    client.force_login(other)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_needs_a_post(client: Client, coop: Unit) -> None:
    client.force_login(_member())
    _create(client)
    assert client.get(reverse("accounts:token_revoke", args=[ApiToken.objects.get().pk])).status_code == 405


def test_the_page_asks_to_sign_in(client: Client, coop: Unit) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize(
    ("language", "heading", "button"),
    [
        ("fr", "Mes jetons d'API", "Créer le jeton"),
        ("nl", "Mijn API-tokens", "Token aanmaken"),
        ("en", "My API tokens", "Create the token"),
    ],
)
def test_the_page_reads_in_french_dutch_and_english(
    client: Client, coop: Unit, language: str, heading: str, button: str
) -> None:
    client.force_login(_member())
    client.cookies["django_language"] = language
    html = client.get(PAGE).content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert button in html


def test_the_page_lists_tokens_in_a_fixed_number_of_queries(
    client: Client, coop: Unit, django_assert_num_queries: Any
) -> None:
    member = _member()
    client.force_login(member)
    for n in range(3):
        _create(client, name=f"script {n}")

    # The session, the user, their roles (officer?), the tokens, the unread-notices badge.
    with django_assert_num_queries(5):
        assert client.get(PAGE).status_code == 200
    for n in range(5):
        _create(client, name=f"more {n}")
    with django_assert_num_queries(5):
        assert client.get(PAGE).status_code == 200
