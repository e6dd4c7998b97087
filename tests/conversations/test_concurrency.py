"""One reaction per member and statement holds when the same member's first reactions arrive at once
(two tabs, a double click): every cast succeeds, one row remains, holding one of the votes cast."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from coopgov.conversations import services
from coopgov.conversations.models import Reaction
from tests.conversations.builders import conversation, member
from tests.organisation.world import build_world


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's shared in-memory test database locks whole tables across threads; tested on PostgreSQL",
)
def test_simultaneous_first_reactions_of_one_member_leave_one_row() -> None:
    world = build_world()
    conv = conversation(world, seeds=("Une seule affirmation.",))
    statement = conv.statements.get()
    users = [world.member_user, member(world, 1)]
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def cast(user: Any, vote: str) -> None:
        try:
            barrier.wait(10)
            services.reaction_cast(statement=statement, vote=vote, actor=user)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=cast, args=(users[n % 2], ("agree", "disagree", "pass", "agree")[n // 2]))
        for n in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = list(Reaction.objects.filter(statement=statement).values_list("user_id", "vote"))
    assert sorted(u for u, _v in rows) == sorted(u.pk for u in users)
    assert all(v in (-1, 0, 1) for _u, v in rows)
