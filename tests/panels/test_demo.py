"""The demo's panels: two draws carried out on the demo register, with their pages."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from coopgov.accounts.models import User
from coopgov.panels import selectors
from coopgov.panels.demo import demo_panels
from coopgov.panels.models import Draw

pytestmark = pytest.mark.django_db


def test_the_demo_draws_two_panels_that_meet_their_quotas(client: Any) -> None:
    call_command("demo", members=150, seed=11, no_serve=True, stdout=StringIO())
    draws = list(Draw.objects.order_by("id"))
    assert [d.unit.code for d in draws] == ["BE", "SMART"]
    for draw in draws:
        assert draw.status == Draw.Status.DRAWN, draw.error
        assert draw.candidates.filter(selected=True).count() == draw.panel_size
        assert all(q["min"] <= q["selected"] <= q["max"] for q in selectors.quota_outcome(draw))
    client.force_login(User.objects.get(email="member@example.org"))
    assert client.get("/panels/").status_code == 200
    assert demo_panels(11)["draws"] == 2  # a second run leaves things as they are
