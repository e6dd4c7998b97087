"""notify(): one row per recipient, routed by the recipient's preference; texts in the reader's language."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation

from coopgov.notifications import kinds, selectors, services
from coopgov.notifications.errors import MissingParams, UnknownKind
from coopgov.notifications.models import Delivery, Notification


def test_notify_creates_one_row_per_distinct_active_recipient(anne, bram, chris):
    chris.is_active = False
    chris.save()
    count = services.notify(recipients=[anne, bram, anne, chris], kind="notifications.test")
    assert count == 2
    assert sorted(Notification.objects.values_list("recipient__email", flat=True)) == [
        "anne@example.org",
        "bram@example.org",
    ]


def test_notify_with_no_recipient_creates_nothing(db):
    assert services.notify(recipients=[], kind="notifications.test") == 0
    assert Notification.objects.count() == 0


def test_an_unregistered_kind_is_refused_with_its_name(anne):
    with pytest.raises(UnknownKind, match=r"participation\.nothing"):
        services.notify(recipients=[anne], kind="participation.nothing")
    assert Notification.objects.count() == 0


def test_params_missing_a_placeholder_are_refused_naming_it(anne):
    with pytest.raises(MissingParams, match="'kind'"):
        services.notify(recipients=[anne], kind="notifications.test_param", params={})
    assert Notification.objects.count() == 0


def test_params_must_be_json_values(anne):
    with pytest.raises(MissingParams, match="JSON"):
        services.notify(recipients=[anne], kind="notifications.test_param", params={"kind": object()})


def test_a_kind_must_be_a_dotted_name():
    with pytest.raises(ValueError, match="dotted"):
        kinds.register("nodot", "x")


def test_the_text_is_rendered_in_the_readers_language_not_the_senders(anne, bram):
    with translation.override("en"):
        services.notify(recipients=[anne, bram], kind="notifications.test")
    for user, language in ((anne, "fr"), (bram, "nl")):
        with translation.override(language):
            shown = selectors.shown(list(selectors.notifications_of(user)))
        assert shown[0].text != "This is a test notice: your delivery settings work."
    with translation.override("en"):
        shown = selectors.shown(list(selectors.notifications_of(anne)))
    assert shown[0].text == "This is a test notice: your delivery settings work."


def test_a_notice_keeps_its_targets_address(anne, bram):
    services.notify(recipients=[anne], kind="notifications.test", target=bram, url="/somewhere/")
    notice = Notification.objects.get()
    assert notice.url == "/somewhere/"
    assert notice.target_id == bram.pk


def test_without_a_preference_a_notice_waits_for_the_daily_digest(anne):
    services.notify(recipients=[anne], kind="notifications.test")
    assert Notification.objects.get().delivery == Delivery.DAILY


def test_a_group_preference_beats_the_general_one(anne, bram):
    services.preferences_set(user=anne, choices={"": "weekly", "notifications": "none"})
    services.preference_set(user=bram, delivery="weekly")
    services.notify(recipients=[anne, bram], kind="notifications.test")
    by_user = dict(Notification.objects.values_list("recipient__email", "delivery"))
    assert by_user == {"anne@example.org": "none", "bram@example.org": "weekly"}


def test_immediate_delivery_sends_one_email_after_the_commit(anne, django_capture_on_commit_callbacks):
    services.preference_set(user=anne, delivery="immediate")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[anne], kind="notifications.test")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anne@example.org"]
    assert Notification.objects.get().emailed_at is not None


def test_changing_the_preference_reroutes_pending_notices(anne):
    services.notify(recipients=[anne], kind="notifications.test")
    services.preference_set(user=anne, delivery="none")
    assert Notification.objects.get().delivery == Delivery.NONE


def test_unknown_delivery_or_group_is_refused(anne):
    with pytest.raises(ValueError, match="delivery"):
        services.preference_set(user=anne, delivery="hourly")
    with pytest.raises(ValueError, match="group"):
        services.preference_set(user=anne, delivery="daily", group="nowhere")


def test_a_member_marks_only_their_own_notices_read(anne, bram):
    from django.core.exceptions import PermissionDenied

    services.notify(recipients=[anne], kind="notifications.test")
    notice = Notification.objects.get()
    with pytest.raises(PermissionDenied):
        services.notification_mark_read(notification=notice, user=bram)
    services.notification_mark_read(notification=notice, user=anne)
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_mark_all_read_touches_only_my_unread_notices(anne, bram):
    services.notify(recipients=[anne, bram], kind="notifications.test")
    services.notify(recipients=[anne], kind="notifications.test")
    assert services.notification_mark_all_read(user=anne) == 2
    assert selectors.unread_count(anne) == 0
    assert selectors.unread_count(bram) == 1


def test_pruning_deletes_only_notices_read_long_ago(anne, capsys):
    from datetime import timedelta

    from django.core.management import CommandError, call_command
    from django.utils import timezone

    services.notify(recipients=[anne], kind="notifications.test")
    services.notify(recipients=[anne], kind="notifications.test")
    services.notify(recipients=[anne], kind="notifications.test")
    old, recent, unread = Notification.objects.order_by("id")
    Notification.objects.filter(pk=old.pk).update(read_at=timezone.now() - timedelta(days=400))
    Notification.objects.filter(pk=recent.pk).update(read_at=timezone.now() - timedelta(days=10))
    Notification.objects.filter(pk=unread.pk).update(created_at=timezone.now() - timedelta(days=900))
    call_command("prune_notifications", "--days", "365")
    assert "notices deleted: 1" in capsys.readouterr().out
    assert set(Notification.objects.values_list("pk", flat=True)) == {recent.pk, unread.pk}
    with pytest.raises(CommandError, match="--days"):
        call_command("prune_notifications", "--days", "0")


def test_preferences_are_read_in_chunks_for_a_large_audience(anne, bram, chris, monkeypatch):
    monkeypatch.setattr(services, "LOOKUP_CHUNK", 2)
    services.preference_set(user=chris, delivery="weekly")
    services.notify(recipients=[anne, bram, chris], kind="notifications.test")
    assert Notification.objects.get(recipient=chris).delivery == Delivery.WEEKLY
    assert Notification.objects.filter(delivery=Delivery.DAILY).count() == 2
