"""Pages follow the member's own language unless they pick another with the switch."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from coopgov.accounts.models import User

pytestmark = pytest.mark.django_db


def test_a_dutch_speaking_member_reads_their_page_in_dutch(client):
    client.force_login(
        User.objects.create_user(email="an@test.example", password="a-long-pass", language="nl")
    )
    response = client.get(reverse("members:me"), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert '<html lang="nl">' in response.content.decode()


def test_the_language_switch_wins_over_the_account_language(client):
    client.force_login(
        User.objects.create_user(email="an@test.example", password="a-long-pass", language="nl")
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("members:me"))
    assert '<html lang="en">' in response.content.decode()


def test_a_visitor_follows_their_browser(client):
    response = client.get(reverse("members:home"), HTTP_ACCEPT_LANGUAGE="nl")
    assert '<html lang="nl">' in response.content.decode()
