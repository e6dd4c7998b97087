"""Invitations at the same moment make one account (PostgreSQL: separate connections, real row locks)."""

from __future__ import annotations

import pytest
from django.db import connection

from coopgov.accounts import services
from coopgov.accounts.models import User
from coopgov.audit.models import AuditEntry
from coopgov.audit.selectors import audit_first_broken_entry
from coopgov.members.demo import setup_organisation
from tests.members.builders import new_person
from tests.members.test_concurrency import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises write transactions (BEGIN IMMEDIATE); row locks are tested on PostgreSQL",
    ),
]


def _invite(person: object) -> str:
    try:
        return services.account_invite(person=person, actor="test", via="admission").outcome  # type: ignore[arg-type]
    except services.InvitationRefused as refused:
        return refused.code


def test_two_invitations_of_the_same_person_at_once_make_one_account() -> None:
    setup_organisation()
    person = new_person(email="twice@example.org")

    outcomes, failures = at_once(lambda _: _invite(person), count=2)

    assert failures == []
    assert sorted(outcomes) == ["created", "existing"]
    assert User.objects.filter(person=person).count() == 1
    assert AuditEntry.objects.filter(action="account.invited").count() == 1
    assert audit_first_broken_entry() is None


def test_many_invitations_of_the_same_person_at_once_make_one_account() -> None:
    person = new_person(email="many@example.org")

    outcomes, failures = at_once(lambda _: _invite(person))

    assert failures == []
    assert outcomes.count("created") == 1
    assert set(outcomes) == {"created", "existing"}
    assert User.objects.filter(person=person).count() == 1


def test_two_persons_with_one_address_invited_at_once_get_one_account_between_them() -> None:
    people = [new_person(email="couple@example.org"), new_person(email="Couple@example.org")]

    outcomes, failures = at_once(lambda i: _invite(people[i]), count=2)

    assert failures == []
    assert sorted(outcomes) == ["created", "email_in_use"]
    assert User.objects.filter(email="couple@example.org").count() == 1
    assert AuditEntry.objects.filter(action="account.invited").count() == 1
