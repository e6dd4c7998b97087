"""GET /api/v1/notifications and POST /api/v1/notifications/{id}/read: a member's own notices only."""

from __future__ import annotations

from django.utils import translation

from coopgov.accounts.services import api_token_create
from coopgov.notifications import services
from coopgov.notifications.models import Notification

API = "/api/v1/notifications"


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='test')}"}


def test_a_member_lists_their_own_notices_unread_first_in_their_language(client, anne, bram):
    services.notify(recipients=[anne, bram], kind="notifications.test")
    services.notify(recipients=[anne], kind="notifications.test_param", params={"kind": "x"})
    first = Notification.objects.filter(recipient=anne).order_by("id").first()
    services.notification_mark_read(notification=first, user=anne)
    response = client.get(API, HTTP_ACCEPT_LANGUAGE="fr", **bearer(anne))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["unread"] == 1
    assert [item["read_at"] is None for item in body["items"]] == [True, False]
    assert body["items"][0]["text"] == "Notification (x)"
    assert all(item["id"] != Notification.objects.get(recipient=bram).pk for item in body["items"])


def test_the_unread_filter_and_paging(client, anne):
    for _ in range(3):
        services.notify(recipients=[anne], kind="notifications.test")
    services.notification_mark_read(notification=Notification.objects.first(), user=anne)
    body = client.get(API, {"unread": "true", "limit": 1}, **bearer(anne)).json()
    assert body["count"] == 2 and len(body["items"]) == 1 and body["limit"] == 1


def test_a_member_marks_a_notice_read(client, anne):
    services.notify(recipients=[anne], kind="notifications.test")
    notice = Notification.objects.get()
    with translation.override("en"):
        response = client.post(f"{API}/{notice.pk}/read", **bearer(anne))
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_another_members_notice_answers_404_and_stays_unread(client, anne, bram):
    services.notify(recipients=[anne], kind="notifications.test")
    notice = Notification.objects.get()
    response = client.post(f"{API}/{notice.pk}/read", **bearer(bram))
    assert response.status_code == 404
    assert response.json()["detail"]
    notice.refresh_from_db()
    assert notice.read_at is None


def test_without_authentication_the_api_answers_401(client, anne):
    assert client.get(API).status_code == 401
    services.notify(recipients=[anne], kind="notifications.test")
    assert client.post(f"{API}/{Notification.objects.get().pk}/read").status_code == 401


def test_a_bad_id_or_limit_is_refused_with_the_field_named(client, anne):
    response = client.get(API, {"limit": 0}, **bearer(anne))
    assert response.status_code == 422
    assert "limit" in str(response.json())
    assert client.post(f"{API}/0/read", **bearer(anne)).status_code == 422


def test_the_list_asks_a_fixed_number_of_queries_whatever_the_page_size(
    client, anne, django_assert_num_queries
):
    for _ in range(30):
        services.notify(recipients=[anne], kind="notifications.test", actor=anne)
    headers = bearer(anne)
    client.get(API, **headers)  # the token's first use is recorded; later uses within the minute are not
    # token and user, the page (with actors), the count, the unread count
    with django_assert_num_queries(4):
        assert len(client.get(API, {"limit": 5}, **headers).json()["items"]) == 5
    with django_assert_num_queries(4):
        assert len(client.get(API, {"limit": 30}, **headers).json()["items"]) == 30


def test_a_member_marks_all_their_notices_read_and_only_theirs(client, anne, bram):
    services.notify(recipients=[anne, bram], kind="notifications.test")
    services.notify(recipients=[anne], kind="notifications.test")
    response = client.post(f"{API}/read-all", **bearer(anne))
    assert response.status_code == 200 and response.json() == {"marked": 2}
    assert Notification.objects.filter(recipient=bram, read_at__isnull=True).count() == 1
    assert client.post(f"{API}/read-all").status_code == 401
