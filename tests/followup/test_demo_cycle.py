"""The demo shows a Smart in Progress cycle with one recommendation open for comment (ADR 0021)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_demo_cycle_has_a_recommendation_open_for_comment_with_a_members_comment(client: Any) -> None:
    from coopgov.accounts.models import User
    from coopgov.followup.demo import OPEN_TITLE, demo_followup
    from coopgov.followup.models import Cycle

    call_command("demo", members=60, seed=7, no_serve=True, stdout=StringIO())
    cycle = Cycle.objects.get()
    rec = cycle.recommendations.get(stage="open")
    assert rec.title == OPEN_TITLE and rec.group is not None and rec.group.unit.code == "BE-BRUXELLES"
    assert rec.comments.filter(author__email="member@example.org").count() == 1
    public = client.get(cycle.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert OPEN_TITLE not in public
    client.force_login(User.objects.get(email="member@example.org"))
    response = client.get(rec.get_absolute_url())
    assert response.context["comment_form"] is not None and "Marie Lambert" in response.content.decode()
    assert demo_followup(7) == {"recommendations": 0, "community_members": 0}  # a second run adds nothing
    assert cycle.recommendations.filter(stage="open").count() == 1
