"""Personal API tokens: `coopgov create_token EMAIL`, authentication by Bearer token, revocation, storage."""

from __future__ import annotations

import hashlib
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from coopgov.accounts.models import ApiToken, User
from coopgov.accounts.services import api_token_create, api_token_revoke
from coopgov.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def account() -> User:
    return User.objects.create_user(email="Someone@Example.org", password="not-used-here-2026")


def _create_token(email: str) -> str:
    out = StringIO()
    call_command("create_token", email, stdout=out)
    return out.getvalue().split()[-1]


def _get(client, token: str):  # type: ignore[no-untyped-def]
    return client.get("/api/v1/cooperatives", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_create_token_prints_the_new_token_as_the_last_word(account: User) -> None:
    token = _create_token("someone@example.org")
    stored = ApiToken.objects.get(user=account)
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token.startswith(stored.prefix)


def test_create_token_finds_the_account_whatever_the_case_of_the_address(account: User) -> None:
    token = _create_token("SOMEONE@example.ORG")
    assert ApiToken.objects.get(user=account).digest == hashlib.sha256(token.encode()).hexdigest()


def test_create_token_names_the_unknown_address(db: None) -> None:
    with pytest.raises(CommandError, match=re.escape("nobody@example.org")):
        _create_token("nobody@example.org")


def test_a_token_is_stored_only_as_its_hash(account: User) -> None:
    token = _create_token(account.email)
    stored = ApiToken.objects.get(user=account)
    assert token not in {stored.digest, stored.prefix, stored.name}
    assert len(stored.digest) == 64
    assert not ApiToken.objects.filter(digest=token).exists()


def test_a_token_authenticates_its_owner_and_records_its_use(client, account: User) -> None:
    token = _create_token(account.email)
    assert _get(client, token).status_code == 200
    assert ApiToken.objects.get(user=account).last_used_at is not None


def test_the_time_of_use_is_written_once_a_minute_not_on_every_request(
    account: User, django_assert_num_queries
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from coopgov.accounts.selectors import api_token_check

    token = _create_token(account.email)
    first = timezone.now()
    assert api_token_check(token, now=first).user == account
    with django_assert_num_queries(1):  # the token is read, its time of use is not written again
        assert api_token_check(token, now=first + timedelta(seconds=59)).user == account
    assert ApiToken.objects.get(user=account).last_used_at == first
    later = first + timedelta(minutes=1)
    assert api_token_check(token, now=later).user == account
    assert ApiToken.objects.get(user=account).last_used_at == later


def test_a_wrong_token_is_unauthorised(client, account: User) -> None:
    token = _create_token(account.email)
    response = _get(client, token[:-1] + ("x" if token[-1] != "x" else "y"))
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_a_revoked_token_is_unauthorised(client, account: User) -> None:
    token = _create_token(account.email)
    api_token_revoke(token=ApiToken.objects.get(user=account), actor=account)
    assert _get(client, token).status_code == 401


def test_revoking_a_token_leaves_one_audit_entry(account: User) -> None:
    api_token_create(user=account)
    stored = ApiToken.objects.get(user=account)
    before = AuditEntry.objects.count()
    api_token_revoke(token=stored, actor=account)
    api_token_revoke(token=stored, actor=account)  # a second revocation changes nothing
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.order_by("-seq").first().action == "api_token.revoked"  # type: ignore[union-attr]


def test_the_token_of_a_deactivated_account_is_unauthorised(client, account: User) -> None:
    token = _create_token(account.email)
    account.is_active = False
    account.save(update_fields=["is_active"])
    assert _get(client, token).status_code == 401


def test_no_token_at_all_is_unauthorised(client, db: None) -> None:
    assert client.get("/api/v1/cooperatives").status_code == 401
