"""E-mails: immediate notices and the daily/weekly digests, in the recipient's language, never sent twice."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from coopgov.notifications import delivery, services
from coopgov.notifications.models import Notification
from tests.locking import held_by_another_connection


def _pending(user, n=1, kind="notifications.test"):
    for _ in range(n):
        services.notify(recipients=[user], kind=kind)


def test_a_daily_digest_groups_each_members_notices_into_one_email(anne, bram):
    _pending(anne, 3)
    _pending(bram, 2)
    assert delivery.send_digests(period="daily") == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["anne@example.org", "bram@example.org"]
    to_anne = next(m for m in mail.outbox if m.to == ["anne@example.org"])
    assert to_anne.body.count("notification de test") == 3
    assert Notification.objects.filter(digest_sent_at__isnull=True).count() == 0


def test_the_digest_is_written_in_the_recipients_language_with_an_html_part(anne, bram):
    _pending(anne)
    _pending(bram)
    delivery.send_digests(period="daily")
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "récapitulatif du jour" in by_to["anne@example.org"].subject
    assert "dagelijks overzicht" in by_to["bram@example.org"].subject
    html, mimetype = by_to["bram@example.org"].alternatives[0]
    assert mimetype == "text/html" and 'lang="nl"' in html


def test_every_email_carries_a_link_to_change_or_stop_the_emails(anne):
    _pending(anne)
    delivery.send_digests(period="daily")
    message = mail.outbox[0]
    assert "/notifications/settings/" in message.body
    assert "/notifications/unsubscribe/" in message.extra_headers["List-Unsubscribe"]


def test_an_account_without_a_language_gets_its_persons_language(db):
    from coopgov.accounts.models import User
    from coopgov.members.models import Person

    person = Person.objects.create(kind="natural", first_name="Jan", last_name="Peeters", language="nl")
    user = User.objects.create_user(email="jan@example.org", password="pw-jan-2026-long", person=person)
    _pending(user)
    delivery.send_digests(period="daily")
    assert "dagelijks overzicht" in mail.outbox[0].subject


def test_running_the_digest_again_sends_nothing_more(anne):
    _pending(anne, 2)
    assert delivery.send_digests(period="daily") == 1
    assert delivery.send_digests(period="daily") == 0
    assert len(mail.outbox) == 1
    _pending(anne)
    assert delivery.send_digests(period="daily") == 1
    assert mail.outbox[1].body.count("notification de test") == 1


def test_the_weekly_run_leaves_daily_notices_alone_and_the_other_way_round(anne, bram):
    services.preference_set(user=bram, delivery="weekly")
    _pending(anne)
    _pending(bram)
    assert delivery.send_digests(period="weekly") == 1
    assert mail.outbox[0].to == ["bram@example.org"]
    assert delivery.send_digests(period="daily") == 1
    assert mail.outbox[1].to == ["anne@example.org"]


def test_notices_chosen_in_the_app_only_are_never_emailed(anne):
    services.preference_set(user=anne, delivery="none")
    _pending(anne)
    assert delivery.send_digests(period="daily") == 0
    assert delivery.send_digests(period="weekly") == 0
    assert mail.outbox == []


def test_a_long_digest_lists_the_newest_and_says_how_many_more(anne, monkeypatch):
    monkeypatch.setattr(delivery, "DIGEST_LIMIT", 2)
    _pending(anne, 5)
    delivery.send_digests(period="daily")
    assert mail.outbox[0].body.count("notification de test") == 2
    assert "3 autres notifications" in mail.outbox[0].body


def test_a_failed_send_keeps_the_notices_for_the_next_run(anne, monkeypatch):
    _pending(anne)

    def broken(self, fail_silently=False):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    with pytest.raises(OSError):
        delivery.send_digests(period="daily")
    assert Notification.objects.get().digest_sent_at is None
    monkeypatch.undo()
    assert delivery.send_digests(period="daily") == 1


def test_an_unknown_period_is_refused(db):
    with pytest.raises(ValueError, match="daily"):
        delivery.send_digests(period="monthly")


def test_the_command_sends_the_digests_and_says_how_many(anne, capsys):
    _pending(anne)
    call_command("send_digests", "--period", "daily")
    assert "daily digests sent: 1" in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_an_immediate_notice_is_emailed_once_even_if_its_task_runs_twice(
    anne, django_capture_on_commit_callbacks
):
    services.preference_set(user=anne, delivery="immediate")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[anne], kind="notifications.test")
    notice = Notification.objects.get()
    assert delivery.send_immediate([notice.pk]) == 0
    assert len(mail.outbox) == 1
    assert "notification de test" in mail.outbox[0].subject


def test_a_run_that_loses_the_race_for_a_members_notices_sends_nothing_for_them(anne, monkeypatch):
    """Between reading the pending notices and claiming them, another run sends them (what the lock on the
    recipient prevents, and what the claim's row count catches anywhere): this run sends nothing."""
    from django.utils import timezone

    _pending(anne, 2)
    real_claim = delivery._claim

    def claimed_meanwhile(ids, field):
        Notification.objects.filter(pk=ids[0]).update(**{field: timezone.now()})
        real_claim(ids, field)

    monkeypatch.setattr(delivery, "_claim", claimed_meanwhile)
    assert delivery.send_digests(period="daily") == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises write transactions (BEGIN IMMEDIATE); row locks are tested on PostgreSQL",
)
def test_two_digest_runs_at_once_do_not_send_the_same_notices_twice():
    """Two runs in two threads (two database connections) over the same pending notices: every member gets
    exactly one digest. On PostgreSQL each recipient is locked, so a member's notices cannot be split
    between two runs (each sending them a digest); on SQLite runs are serialised."""
    from coopgov.accounts.models import User

    users = [
        User.objects.create_user(email=f"m{i}@example.org", password="pw-long-enough-2026", language="en")
        for i in range(30)
    ]
    for user in users:
        _pending(user, 2)
    barrier = threading.Barrier(2)
    counts: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            counts.append(delivery.send_digests(period="daily"))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(counts) == 30
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert Notification.objects.filter(digest_sent_at__isnull=True).count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises write transactions (BEGIN IMMEDIATE); row locks are tested on PostgreSQL",
)
def test_a_notice_locked_elsewhere_is_waited_for_not_left_for_a_second_digest():
    """Another transaction holds a lock on one of a member's two notices (as a concurrent run would after
    locking part of them): the run waits for it and sends one digest with both, never a digest of the one
    it could lock (the other run would then send the second)."""
    from coopgov.accounts.models import User

    user = User.objects.create_user(email="split@example.org", password="pw-long-enough-2026", language="en")
    _pending(user, 2)
    first = Notification.objects.filter(recipient=user).order_by("id").first()
    counts: list[int] = []

    def send() -> None:
        try:
            counts.append(delivery.send_digests(period="daily"))
        finally:
            connection.close()

    lock_one = Notification.objects.select_for_update().filter(pk=first.pk).values_list("pk").first
    with held_by_another_connection(lock_one):
        sender = threading.Thread(target=send)
        sender.start()
        sender.join(0.5)
        assert sender.is_alive(), "the run did not wait for the locked notice"
    sender.join(10)
    assert counts == [1]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.count("This is a test notice") == 2
    assert Notification.objects.filter(digest_sent_at__isnull=True).count() == 0


def test_a_line_break_in_member_text_does_not_break_the_subject(anne, django_capture_on_commit_callbacks):
    services.preference_set(user=anne, delivery="immediate")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[anne], kind="notifications.test_param", params={"kind": "a\nb\r\nc"})
    assert mail.outbox[0].subject == "coopgov : Notification (a b c)"


def test_a_digest_puts_its_notices_under_a_heading_per_group(chris):
    services.notify(recipients=[chris], kind="notifications.test")
    services.notify(
        recipients=[chris],
        kind="participation.comment_added",
        params={"actor": "Marie", "proposal": "A shared bike fleet"},
        url="/processes/x/",
    )
    delivery.send_digests(period="daily")
    body = mail.outbox[0].body
    assert body.index("Processes, proposals and comments") < body.index("Marie commented on")
    assert (
        body.index("Marie commented on") < body.index("Other notices") < body.index("This is a test notice")
    )
    assert "http://localhost:8000/processes/x/" in body
    html = mail.outbox[0].alternatives[0][0]
    assert "<h2>Processes, proposals and comments</h2>" in html
