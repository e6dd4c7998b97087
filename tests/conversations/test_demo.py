"""The demo holds an open conversation of Smart Belgique whose map shows opinion groups, and its pages
render for the demo member, who has not reacted yet."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from coopgov.conversations import selectors
from coopgov.conversations.demo import SLUG, demo_conversations
from coopgov.conversations.models import Conversation

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_conversation_has_seeds_reactions_and_a_map_with_groups(client: Any) -> None:
    out = StringIO()
    call_command("demo", members=80, seed=7, no_serve=True, stdout=out)
    assert "opinion conversation: 20 statements" in out.getvalue()
    conv = Conversation.objects.get(slug=SLUG)
    assert conv.is_open and conv.unit.code == "BE"
    snapshot = selectors.latest_snapshot(conv)
    assert snapshot is not None
    assert snapshot.participants >= 40
    assert 2 <= len(snapshot.result["groups"]) <= 3
    from coopgov.accounts.models import User

    member = User.objects.get(email="member@example.org")
    client.force_login(member)
    assert selectors.next_statement(conv, member) is not None
    assert client.get(conv.get_absolute_url()).status_code == 200
    page = client.get(f"{conv.get_absolute_url()}map/").content.decode()  # in her language, French
    assert "Groupes de membres qui ont réagi de la même façon" in page
    assert demo_conversations(7) == {"statements": 0, "reactions": 0, "groups": 0}
