"""The rule of personal API tokens (ADR 0014): officers' tokens expire within 90 days and need TOTP.

Every case of a presented token: a member's, an officer's with and without a second factor, one whose
owner lost it, expired, revoked, unknown; the refusal says why in the reader's language; creating a
token at the server is audited as the command's act.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone, translation

from coopgov.accounts.models import OFFICER_TOKEN_MAX_DAYS, ApiToken, User
from coopgov.accounts.selectors import api_token_check
from coopgov.accounts.services import TokenRefused, api_token_create, api_token_revoke
from coopgov.audit.models import AuditEntry
from coopgov.organisation.models import Unit
from coopgov.organisation.services import role_grant

pytestmark = pytest.mark.django_db

API = "/api/v1/cooperatives"


@pytest.fixture
def coop() -> Unit:
    group = Unit.objects.create(kind=Unit.Kind.GROUP, code="SMART", name="Smart")
    return Unit.objects.create(kind=Unit.Kind.COOPERATIVE, code="BE", name="Smart Belgique", parent=group)


def _user(email: str) -> User:
    return User.objects.create_user(email=email, password="a-long-test-password")


def _officer(coop: Unit, role: str = "staff", *, totp: bool = True) -> User:
    user = _user(f"{role}@test.example")
    role_grant(user=user, unit=coop, role=role, actor="test")
    if totp:
        TOTP.activate(user, generate_totp_secret())
    return user


def _get(client: Client, token: str, language: str = "en") -> Any:
    return client.get(API, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE=language)


def _age(token: str, days: int) -> None:
    """Make the token (and its expiry, if any) ``days`` older, as if created that long ago."""
    stored = ApiToken.objects.get(prefix=token[:8])
    ApiToken.objects.filter(pk=stored.pk).update(
        created_at=stored.created_at - timedelta(days=days),
        expires_at=stored.expires_at - timedelta(days=days) if stored.expires_at else None,
    )


# Who gets in


def test_a_members_token_works_without_a_second_factor(client: Client, coop: Unit) -> None:
    assert _get(client, api_token_create(user=_user("member@test.example"))).status_code == 200


@pytest.mark.parametrize("role", ["staff", "board"])
def test_an_officer_with_totp_is_let_in_by_their_token(client: Client, coop: Unit, role: str) -> None:
    assert _get(client, api_token_create(user=_officer(coop, role))).status_code == 200


@pytest.mark.parametrize("role", ["staff", "board"])
def test_an_officer_without_totp_is_refused_and_told_why(client: Client, coop: Unit, role: str) -> None:
    token = api_token_create(user=_officer(coop, role, totp=False))
    response = _get(client, token)
    assert response.status_code == 401
    assert [e["code"] for e in response.json()["errors"]] == ["officer_without_mfa"]
    assert "TOTP" in response.json()["detail"]
    assert ApiToken.objects.get().last_used_at is None


def test_a_django_staff_account_counts_as_an_officer(client: Client, coop: Unit) -> None:
    admin = User.objects.create_user(email="admin@test.example", is_staff=True)
    response = _get(client, api_token_create(user=admin))
    assert [e["code"] for e in response.json()["errors"]] == ["officer_without_mfa"]


def test_a_token_stops_working_once_the_officer_removes_their_second_factor(
    client: Client, coop: Unit
) -> None:
    officer = _officer(coop, "board")
    token = api_token_create(user=officer)
    assert _get(client, token).status_code == 200
    Authenticator.objects.filter(user=officer).delete()
    assert _get(client, token).status_code == 401


def test_a_members_token_is_refused_once_they_become_staff_without_totp(client: Client, coop: Unit) -> None:
    member = _user("member@test.example")
    token = api_token_create(user=member)
    role_grant(user=member, unit=coop, role="staff", actor="test")
    assert _get(client, token).status_code == 401


def test_an_expired_token_is_refused_with_its_date(client: Client, coop: Unit) -> None:
    member = _user("member@test.example")
    token = api_token_create(user=member, expires_at=timezone.now() + timedelta(days=10))
    _age(token, 11)
    response = _get(client, token)
    assert response.status_code == 401
    assert [e["code"] for e in response.json()["errors"]] == ["token_expired"]
    expired_on = ApiToken.objects.get().expires_at
    assert expired_on is not None and expired_on.date().isoformat() in response.json()["detail"]


def test_an_officers_token_dies_90_days_after_creation_even_if_stored_without_expiry(
    client: Client, coop: Unit
) -> None:
    # A token made while its owner was a plain member carries no expiry; as an officer's, it ages out.
    member = _user("member@test.example")
    token = api_token_create(user=member)
    role_grant(user=member, unit=coop, role="staff", actor="test")
    TOTP.activate(member, generate_totp_secret())
    assert _get(client, token).status_code == 200
    _age(token, OFFICER_TOKEN_MAX_DAYS)
    assert [e["code"] for e in _get(client, token).json()["errors"]] == ["token_expired"]


def test_a_revoked_token_is_refused_as_revoked(client: Client, coop: Unit) -> None:
    officer = _officer(coop)
    token = api_token_create(user=officer)
    api_token_revoke(token=ApiToken.objects.get(), actor=officer)
    response = _get(client, token)
    assert response.status_code == 401
    assert [e["code"] for e in response.json()["errors"]] == ["token_revoked"]


def test_an_unknown_token_is_refused_without_a_reason(client: Client, coop: Unit) -> None:
    response = _get(client, "cg_made-up")
    assert response.status_code == 401
    assert response.json()["errors"] == []


def test_an_inactive_accounts_token_is_unknown(coop: Unit) -> None:
    member = _user("member@test.example")
    token = api_token_create(user=member)
    User.objects.filter(pk=member.pk).update(is_active=False)
    assert api_token_check(token).refusal == "unknown"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Les jetons du personnel et du conseil"),
        ("nl", "Tokens van personeel en bestuur"),
        ("en", "Staff and board tokens work only"),
    ],
)
def test_the_refusal_is_written_in_the_readers_language(
    client: Client, coop: Unit, language: str, expected: str
) -> None:
    token = api_token_create(user=_officer(coop, totp=False))
    response = _get(client, token, language)
    assert response.json()["detail"].startswith(expected)


@pytest.mark.parametrize(
    ("language", "expected"), [("fr", "a été révoqué"), ("nl", "is ingetrokken"), ("en", "was revoked")]
)
def test_a_revoked_token_is_explained_in_the_readers_language(
    client: Client, coop: Unit, language: str, expected: str
) -> None:
    member = _user("member@test.example")
    token = api_token_create(user=member)
    api_token_revoke(token=ApiToken.objects.get(), actor=member)
    assert expected in _get(client, token, language).json()["detail"]


def test_checking_a_token_costs_the_same_two_queries_for_an_officer_and_a_member(
    coop: Unit, django_assert_num_queries: Any
) -> None:
    officer_token = api_token_create(user=_officer(coop))
    member_token = api_token_create(user=_user("member@test.example"))
    for token in (officer_token, member_token):
        with django_assert_num_queries(2):  # the token with its user and both facts; the last-used mark
            assert api_token_check(token).user is not None


# Creating tokens


def test_an_officers_token_expires_in_90_days_by_default(coop: Unit) -> None:
    api_token_create(user=_officer(coop))
    stored = ApiToken.objects.get()
    assert stored.expires_at is not None
    assert stored.expires_at - stored.created_at == pytest.approx(
        timedelta(days=OFFICER_TOKEN_MAX_DAYS), abs=timedelta(seconds=5)
    )


def test_an_officer_cannot_have_a_token_living_longer_than_90_days(coop: Unit) -> None:
    with pytest.raises(TokenRefused) as refused:
        api_token_create(user=_officer(coop), expires_at=timezone.now() + timedelta(days=91))
    assert refused.value.code == "officer_expiry_too_far"
    assert not ApiToken.objects.exists()


def test_a_token_cannot_expire_in_the_past(coop: Unit) -> None:
    with pytest.raises(TokenRefused) as refused:
        api_token_create(user=_user("member@test.example"), expires_at=timezone.now() - timedelta(days=1))
    assert refused.value.code == "expiry_in_past"


def test_a_members_token_made_at_the_server_may_never_expire(coop: Unit) -> None:
    api_token_create(user=_user("member@test.example"))
    assert ApiToken.objects.get().expires_at is None


# The command, for operators at the server


def _command(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("create_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_is_audited_as_the_commands_act_for_the_officer(coop: Unit) -> None:
    officer = _officer(coop)
    out, err = _command(officer.email, "--name", "export")
    entry = AuditEntry.objects.get(action="api_token.created")
    assert entry.actor is None
    assert entry.actor_label == "command create_token"
    assert entry.after is not None
    assert (entry.after["user"], entry.after["via"], entry.after["name"]) == (
        officer.email,
        "command",
        "export",
    )
    assert entry.after["expires_at"] is not None
    assert err == ""
    assert out.split()[-1].startswith(entry.after["prefix"])


def test_the_command_warns_when_the_officer_has_no_second_factor_yet(client: Client, coop: Unit) -> None:
    officer = _officer(coop, totp=False)
    out, err = _command(officer.email)
    assert "TOTP" in err
    assert _get(client, out.split()[-1]).status_code == 401


def test_the_command_refuses_an_officer_token_longer_than_90_days(coop: Unit) -> None:
    officer = _officer(coop)
    with pytest.raises(CommandError, match="90"):
        _command(officer.email, "--days", "365")
    assert not ApiToken.objects.exists()
    assert not AuditEntry.objects.filter(action="api_token.created").exists()


def test_the_command_refuses_a_nonsense_number_of_days(coop: Unit) -> None:
    with pytest.raises(CommandError, match="--days"):
        _command(_user("member@test.example").email, "--days", "0")


def test_the_command_gives_a_member_an_expiry_when_asked(coop: Unit) -> None:
    _command(_user("member@test.example").email, "--days", "30")
    stored = ApiToken.objects.get()
    assert stored.expires_at is not None
    assert stored.expires_at.date() == (timezone.now() + timedelta(days=30)).date()


def test_texts_of_the_rule_exist_in_every_language() -> None:
    for language in ("fr", "nl"):
        with translation.override(language):
            assert translation.gettext("The expiry date must be in the future.") != (
                "The expiry date must be in the future."
            )
