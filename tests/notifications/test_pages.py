"""My notices page, marking read, my e-mail choices, and the header's unread link."""

from __future__ import annotations

import re

from coopgov.notifications import services
from coopgov.notifications.models import Notification, Preference


def test_the_header_links_to_my_notices_with_the_unread_count(client, anne):
    services.notify(recipients=[anne, anne], kind="notifications.test")
    services.notify(recipients=[anne], kind="notifications.test")
    client.force_login(anne)
    page = client.get("/notifications/").content.decode()
    assert 'href="/notifications/">Notifications (2 non lues)</a>' in page


def test_my_notices_page_lists_mine_unread_first_and_not_others(client, anne, bram):
    services.notify(recipients=[bram], kind="notifications.test_param", params={"kind": "for-bram"})
    services.notify(recipients=[anne], kind="notifications.test_param", params={"kind": "old"})
    services.notify(recipients=[anne], kind="notifications.test_param", params={"kind": "new"})
    old = Notification.objects.get(params__kind="old")
    services.notification_mark_read(notification=old, user=anne)
    client.force_login(anne)
    page = client.get("/notifications/").content.decode()
    assert "for-bram" not in page
    assert page.index("(new)") < page.index("(old)")


def test_the_page_asks_a_fixed_number_of_queries_whatever_the_number_of_notices(
    client, anne, django_assert_num_queries
):
    client.force_login(anne)
    services.notify(recipients=[anne], kind="notifications.test")
    # session, user, navigation roles, count for the pager, the page of notices (with actors), unread count
    with django_assert_num_queries(6):
        client.get("/notifications/")
    for _ in range(20):
        services.notify(recipients=[anne], kind="notifications.test", actor=anne)
    with django_assert_num_queries(6):
        client.get("/notifications/")


def test_opening_a_notice_marks_it_read_and_follows_its_link(client, anne):
    services.notify(recipients=[anne], kind="notifications.test", url="/processes/")
    notice = Notification.objects.get()
    client.force_login(anne)
    response = client.post(f"/notifications/{notice.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response.url == "/processes/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_link_to_another_site_is_not_followed(client, anne):
    services.notify(recipients=[anne], kind="notifications.test", url="https://evil.example.com/")
    client.force_login(anne)
    response = client.post(f"/notifications/{Notification.objects.get().pk}/read/", {"open": "1"})
    assert response.url == "/notifications/"


def test_a_member_cannot_mark_another_members_notice_read(client, anne, bram):
    services.notify(recipients=[anne], kind="notifications.test")
    notice = Notification.objects.get()
    client.force_login(bram)
    assert client.post(f"/notifications/{notice.pk}/read/").status_code == 403
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_all_read(client, anne, bram):
    services.notify(recipients=[anne, bram], kind="notifications.test")
    services.notify(recipients=[anne], kind="notifications.test")
    client.force_login(anne)
    client.post("/notifications/read-all/")
    assert Notification.objects.filter(recipient=anne, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=bram, read_at__isnull=True).count() == 1


def test_reading_needs_a_post_and_a_signed_in_member(client, anne):
    services.notify(recipients=[anne], kind="notifications.test")
    pk = Notification.objects.get().pk
    assert client.get("/notifications/").status_code == 302
    client.force_login(anne)
    assert client.get(f"/notifications/{pk}/read/").status_code == 405


def test_a_member_sets_a_general_delivery_and_one_for_a_group(client, anne):
    client.force_login(anne)
    response = client.post(
        "/notifications/settings/", {"general": "weekly", "group_meetings": "immediate", "group_followup": ""}
    )
    assert response.status_code == 302
    assert dict(Preference.objects.filter(user=anne).values_list("group", "delivery")) == {
        "": "weekly",
        "meetings": "immediate",
    }
    page = client.get("/notifications/settings/").content.decode()
    assert re.search(r'<input type="radio" name="general" value="weekly"[^>]* checked', page)
    assert re.search(r'<option value="immediate" selected>', page)


def test_a_bad_choice_is_shown_beside_its_field_and_changes_nothing(client, anne):
    client.force_login(anne)
    response = client.post("/notifications/settings/", {"general": "hourly"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Preference.objects.exists()


def test_the_pages_speak_the_three_languages(client, anne):
    client.force_login(anne)
    for language, title in (("fr", "Mes notifications"), ("nl", "Mijn meldingen"), ("en", "My notices")):
        anne.language = language
        anne.save()
        assert title in client.get("/notifications/").content.decode()


def test_not_even_a_superuser_marks_another_members_notice_read(client, anne):
    from allauth.mfa.totp.internal.auth import TOTP

    from coopgov.accounts.models import User
    from coopgov.members.demo import DEMO_TOTP_SECRET

    boss = User.objects.create_superuser(email="boss@example.org", password="pw-boss-2026-long")
    TOTP.activate(boss, DEMO_TOTP_SECRET)  # officers must have a second factor to use the pages
    services.notify(recipients=[anne], kind="notifications.test")
    notice = Notification.objects.get()
    client.force_login(boss)
    assert client.post(f"/notifications/{notice.pk}/read/").status_code == 403
    assert client.post(f"/api/v1/notifications/{notice.pk}/read").status_code in (403, 404)
    notice.refresh_from_db()
    assert notice.read_at is None


def _unsubscribe_url(user):
    from coopgov.notifications.emails import unsubscribe_token

    return f"/notifications/unsubscribe/{unsubscribe_token(user)}/"


def test_the_link_in_an_email_stops_the_emails_without_signing_in(client, anne):
    services.preferences_set(user=anne, choices={"": "immediate", "meetings": "weekly"})
    url = _unsubscribe_url(anne)
    page = client.get(url)
    assert page.status_code == 200 and "anne@example.org" in page.content.decode()
    assert Preference.objects.get(user=anne, group="").delivery == "immediate"  # a GET changes nothing
    done = client.post(url)
    assert done.status_code == 200 and 'role="status"' in done.content.decode()
    assert dict(Preference.objects.filter(user=anne).values_list("group", "delivery")) == {"": "none"}


def test_a_mail_client_unsubscribes_in_one_click_without_a_csrf_token(anne):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(_unsubscribe_url(anne), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Preference.objects.get(user=anne, group="").delivery == "none"


def test_an_altered_unsubscribe_link_is_refused_and_changes_nothing(client, anne, bram):
    url = _unsubscribe_url(anne)
    response = client.post(url[:-3] + "xx/")
    assert response.status_code == 400
    assert "not valid" in response.content.decode() or "pas valide" in response.content.decode()
    assert not Preference.objects.exists()


def test_the_email_carries_the_one_click_link_and_headers(anne):
    from django.core import mail

    from coopgov.notifications import delivery

    services.notify(recipients=[anne], kind="notifications.test")
    delivery.send_digests(period="daily")
    message = mail.outbox[0]
    assert _unsubscribe_url(anne) in message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert _unsubscribe_url(anne) in message.body


def test_the_actor_is_named_as_members_know_them_never_by_e_mail(client, anne, bram):
    from coopgov.members.models import Person

    services.notify(recipients=[anne], kind="notifications.test", actor=bram)
    client.force_login(anne)
    page = client.get("/notifications/").content.decode()
    assert "bram@example.org" not in page
    bram.person = Person.objects.create(kind="natural", first_name="Bram", last_name="Peeters", language="nl")
    bram.save()
    assert "Bram Peeters" in client.get("/notifications/").content.decode()
