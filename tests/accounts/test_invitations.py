"""Inviting a person of the register: one account, linked, signed in by code, audited, e-mailed in their
language; idempotent; refused with a reason that names the address; the invitation on admission."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from coopgov.accounts import services, tasks
from coopgov.accounts.models import User
from coopgov.audit.models import AuditEntry
from coopgov.audit.selectors import audit_first_broken_entry
from coopgov.members import services as register
from coopgov.members.demo import setup_organisation
from tests.members.builders import Org, candidate, days_ago, member, new_person


@pytest.fixture
def org(db: Any) -> Org:
    units = setup_organisation()
    return Org(group=units["SMART"], be=units["BE"], fr=units["FR"])


@pytest.fixture
def officer(org: Org) -> User:
    return User.objects.create_user(email="officer@test.example.org")


def invited(action: str = "account.invited") -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


def test_inviting_a_person_opens_an_account_linked_to_them_that_signs_in_by_code(org, officer):
    person = new_person(email="Ann.Peeters@Example.org")

    invitation = services.account_invite(person=person, actor=officer, unit=org.be)

    assert invitation.outcome == "created"
    user = User.objects.get(person=person)
    assert user == invitation.user
    assert user.email == "ann.peeters@example.org"
    assert not user.has_usable_password()
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("ann.peeters@example.org", True, True)


def test_the_invitation_is_audited_with_who_asked_the_person_and_the_cooperative(org, officer):
    person = new_person()

    user = services.account_invite(person=person, actor=officer, unit=org.be, via="site").user

    [entry] = invited()
    assert (entry.actor, entry.unit, entry.object_id) == (officer, org.be, str(user.pk))
    assert entry.after == {"email": person.email, "person": person.pk, "name": "Test Dupont", "via": "site"}
    assert audit_first_broken_entry() is None


def test_inviting_a_person_who_has_an_account_changes_nothing(
    org, officer, django_capture_on_commit_callbacks
):
    person = new_person()
    first = services.account_invite(person=person, actor=officer).user
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        again = services.account_invite(person=person, actor=officer)

    assert (again.outcome, again.user) == ("existing", first)
    assert User.objects.filter(person=person).count() == 1
    assert len(invited()) == 1
    assert mail.outbox == []


def test_a_person_without_an_e_mail_address_is_refused_and_nothing_is_written(org, officer):
    person = new_person()
    person.email = ""
    person.save()

    with pytest.raises(services.InvitationRefused) as refused:
        services.account_invite(person=person, actor=officer)

    assert refused.value.code == "no_email"
    assert "Test Dupont" in refused.value.message
    assert not User.objects.filter(person=person).exists()
    assert invited() == []


def test_an_address_used_by_another_persons_account_is_refused_and_named(org, officer):
    owner = new_person(email="shared@example.org")
    services.account_invite(person=owner, actor=officer)
    other = new_person(email="Shared@Example.org")

    with pytest.raises(services.InvitationRefused) as refused:
        services.account_invite(person=other, actor=officer)

    assert refused.value.code == "email_in_use"
    assert "shared@example.org" in refused.value.message
    assert not User.objects.filter(person=other).exists()
    assert len(invited()) == 1


def test_an_account_of_no_one_with_a_confirmed_address_is_linked_to_the_person(org, officer):
    stray = User.objects.create_user(email="jan@example.org", password="a-long-test-password-2026")
    EmailAddress.objects.create(user=stray, email="jan@example.org", verified=True, primary=True)
    person = new_person(email="jan@example.org")

    invitation = services.account_invite(person=person, actor=officer)

    assert (invitation.outcome, invitation.user) == ("linked", stray)
    stray.refresh_from_db()
    assert stray.person == person
    assert stray.has_usable_password()  # their own password keeps working
    assert [e.action for e in invited("account.linked")] == ["account.linked"]


def test_an_account_of_no_one_whose_address_was_never_confirmed_is_not_linked(org, officer):
    stray = User.objects.create_user(email="jan@example.org", password="a-long-test-password-2026")
    person = new_person(email="jan@example.org")

    with pytest.raises(services.InvitationRefused) as refused:
        services.account_invite(person=person, actor=officer)

    assert refused.value.code == "email_unconfirmed"
    assert "jan@example.org" in refused.value.message
    stray.refresh_from_db()
    assert stray.person is None


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_the_invitation_e_mail_is_written_in_the_persons_language_with_the_sign_in_address(
    org, officer, language, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.COOPGOV_BASE_URL = "https://vote.example.org/"
    person = new_person(email="an@example.org")
    person.language = language
    person.save()
    languages_at_sending: list[str | None] = []
    real_send_mail = tasks.send_mail

    def send_mail(*args: Any, **kwargs: Any) -> int:
        languages_at_sending.append(translation.get_language())
        return real_send_mail(*args, **kwargs)

    monkeypatch.setattr(tasks, "send_mail", send_mail)
    with django_capture_on_commit_callbacks(execute=True):
        services.account_invite(person=person, actor=officer)

    [message] = mail.outbox
    assert message.to == ["an@example.org"]
    assert languages_at_sending == [language]
    with translation.override(language):
        assert message.subject == gettext("Your coopgov account is ready")
    assert "https://vote.example.org/accounts/login/code/" in message.body
    assert "an@example.org" in message.body
    assert "Test Dupont" in message.body


def test_the_e_mail_is_sent_only_once_the_invitation_is_committed(
    org, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.account_invite(person=new_person(), actor=officer)
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


# --- On admission


def test_an_admitted_candidate_with_an_e_mail_is_invited(
    org, officer, settings, django_capture_on_commit_callbacks
):
    settings.COOPGOV_INVITE_ON_ADMISSION = True
    waiting = candidate(org, org.be)

    with django_capture_on_commit_callbacks(execute=True):
        register.membership_admit(membership=waiting, on=days_ago(1), actor=officer, deciding_body="board")

    user = User.objects.get(person=waiting.person)
    [entry] = invited()
    assert (entry.actor, entry.unit, entry.after["via"]) == (officer, org.be, "admission")
    assert sorted(m.to[0] for m in mail.outbox) == [user.email, user.email]  # welcome, then invitation
    assert "/accounts/login/code/" in mail.outbox[-1].body


def test_admission_invites_nobody_when_the_installation_turns_it_off(
    org, settings, django_capture_on_commit_callbacks
):
    settings.COOPGOV_INVITE_ON_ADMISSION = False
    waiting = candidate(org, org.be)

    with django_capture_on_commit_callbacks(execute=True):
        register.membership_admit(membership=waiting, on=days_ago(1), actor="test", deciding_body="board")

    assert not User.objects.filter(person=waiting.person).exists()
    assert len(mail.outbox) == 1  # the welcome only


def test_refusing_a_candidate_opens_no_account(org, settings, django_capture_on_commit_callbacks):
    settings.COOPGOV_INVITE_ON_ADMISSION = True
    waiting = candidate(org, org.be)

    with django_capture_on_commit_callbacks(execute=True):
        register.membership_refuse(membership=waiting, on=days_ago(1), actor="test", reason="No activity")

    assert not User.objects.filter(person=waiting.person).exists()


def test_admitting_a_member_who_has_an_account_opens_no_second_one(
    org, settings, django_capture_on_commit_callbacks
):
    settings.COOPGOV_INVITE_ON_ADMISSION = True
    waiting = candidate(org, org.be)
    own = User.objects.create_user(email="own@example.org", person=waiting.person)

    with django_capture_on_commit_callbacks(execute=True):
        register.membership_admit(membership=waiting, on=days_ago(1), actor="test", deciding_body="board")

    assert list(User.objects.filter(person=waiting.person)) == [own]
    assert invited() == []


def test_a_refused_invitation_never_undoes_the_admission(org, settings, django_capture_on_commit_callbacks):
    settings.COOPGOV_INVITE_ON_ADMISSION = True
    waiting = candidate(org, org.be)
    User.objects.create_user(email=waiting.person.email, person=new_person(email="someone@example.org"))

    with django_capture_on_commit_callbacks(execute=True):
        register.membership_admit(membership=waiting, on=days_ago(1), actor="test", deciding_body="board")

    waiting.refresh_from_db()
    assert waiting.status == "admitted"
    assert not User.objects.filter(person=waiting.person).exists()


# --- A cooperative's members, in batches


def test_inviting_a_cooperatives_members_invites_each_admitted_member_with_an_address_and_no_account(
    org, officer, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.COOPGOV_INVITE_ON_ADMISSION = False
    monkeypatch.setattr(tasks, "BATCH_SIZE", 2)
    to_invite = [member(org, org.be) for _ in range(5)]
    no_email = member(org, org.be)
    no_email.person.email = ""
    no_email.person.save()
    has_account = member(org, org.be)
    User.objects.create_user(email="already@example.org", person=has_account.person)
    waiting = candidate(org, org.be)
    in_france = member(org, org.fr)
    batches: list[int] = []
    real_batch = services.accounts_invite_batch

    def batch(**kwargs: Any) -> services.BatchReport:
        batches.append(len(kwargs["person_ids"]))
        return real_batch(**kwargs)

    monkeypatch.setattr(services, "accounts_invite_batch", batch)
    with django_capture_on_commit_callbacks(execute=True):
        queued = tasks.invite_members.call(org.be.pk, officer.pk, "")

    assert queued == 5
    assert batches == [2, 2, 1]
    assert {u.person_id for u in User.objects.filter(person__isnull=False)} == {
        m.person_id for m in [*to_invite, has_account]
    }
    assert not User.objects.filter(person__in=[no_email.person, waiting.person, in_france.person]).exists()
    assert len(invited()) == 5
    assert len(mail.outbox) == 5


def test_admission_invites_by_default() -> None:
    from coopgov.config import settings as installed

    assert installed.COOPGOV_INVITE_ON_ADMISSION is True
