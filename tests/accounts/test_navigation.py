"""The navigation's register links: exactly the cooperatives whose register the user may read."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from coopgov.accounts.context_processors import register_units
from coopgov.organisation.models import Unit
from tests.organisation.world import World, build_world, user_with_role

ROLES = ("none", "member", "relay", "moderator", "staff", "board")
PLACES = ("group", "cooperative BE", "antenna Bruxelles", "other cooperative FR", "other antenna")


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", ROLES)
def test_the_register_links_follow_the_register_permission(world: World, role: str, place: str) -> None:
    user = user_with_role(world, role, place)
    cooperatives = Unit.objects.filter(kind=Unit.Kind.COOPERATIVE).order_by("code")
    readable = [c.code for c in cooperatives if user.has_perm("members.view_register", c)]
    assert [u.code for u in register_units(user)] == readable


def _nav(user: Any) -> str:
    request = RequestFactory().get("/")
    request.user = user
    with translation.override("en"):
        return render_to_string("base.html", request=request)


def test_group_staff_see_every_register_and_cooperative_staff_their_own(world: World) -> None:
    group_staff = user_with_role(world, "staff", "group")
    html = _nav(group_staff)
    assert ">Register BE</a>" in html and ">Register FR</a>" in html
    fr_board = user_with_role(world, "board", "other cooperative FR")
    html = _nav(fr_board)
    assert ">Register FR</a>" in html and "Register BE" not in html
    assert "Register" not in _nav(world.member_user).split("</nav>")[0]
    assert "Register" not in _nav(AnonymousUser()).split("</nav>")[0]


def test_a_member_s_pages_read_no_cooperative_for_the_links(world: World) -> None:
    member = world.member_user
    _nav(member)  # roles cached on the user, as after the first page of a request
    with CaptureQueriesContext(connection) as queries:
        _nav(member)
    assert not [q for q in queries.captured_queries if "organisation_unit" in q["sql"]]


def test_every_account_page_names_the_others_and_each_opens(client: Any, world: World) -> None:
    """allauth's own menu is not drawn by the site's layout: the account pages carry their own."""
    client.force_login(world.member_user)
    names = ("E-mail addresses", "Password", "Two-factor authentication", "My API tokens")
    for address in ("/accounts/email/", "/accounts/password/change/", "/accounts/2fa/", "/accounts/tokens/"):
        page = client.get(address, HTTP_ACCEPT_LANGUAGE="en", follow=True)
        assert page.status_code == 200, address
        html = page.content.decode()
        nav = html.split('<nav class="subnav" aria-label="My account">', 1)[1].split("</nav>", 1)[0]
        assert all(f">{name}</a>" in nav for name in names), address
        assert nav.count('aria-current="page"') == 1, address
        for link in re.findall(r'href="([^"]+)"', nav):
            assert client.get(link, follow=True).status_code == 200, link
