"""API of the opinion conversations: a member lists their conversations and statements, reacts (and
changes a reaction), reads the map as they see it; refusals are clear and change nothing."""

from __future__ import annotations

from typing import Any

from coopgov.accounts.models import User
from coopgov.conversations import services
from coopgov.conversations.models import Reaction, Statement
from tests.conversations.builders import conversation, member, plant_groups
from tests.followup.builders import officer
from tests.organisation.world import World, bearer


def _json(response: Any) -> Any:
    assert response.status_code == 200, response.content
    return response.json()


def test_a_member_lists_reacts_and_changes_their_reaction(client: Any, world: World) -> None:
    conv = conversation(world)
    user = member(world, 1)
    headers = bearer(user)
    listed = _json(client.get("/api/v1/conversations", **headers))
    assert [c["slug"] for c in listed] == ["avenir"]
    statements = _json(client.get("/api/v1/conversations/avenir/statements", **headers))
    assert len(statements) == conv.statements.filter(status="accepted").count()
    assert {s["your_vote"] for s in statements} == {None}
    first = statements[0]["id"]
    url = f"/api/v1/conversations/avenir/statements/{first}/reaction"
    assert (
        _json(client.post(url, {"vote": "agree"}, content_type="application/json", **headers))["vote"]
        == "agree"
    )
    assert (
        _json(client.post(url, {"vote": "pass"}, content_type="application/json", **headers))["vote"]
        == "pass"
    )
    assert Reaction.objects.get(user=user, statement_id=first).vote == 0
    statements = _json(client.get("/api/v1/conversations/avenir/statements", **headers))
    assert statements[0]["your_vote"] == "pass"


def test_reacting_where_one_may_not_is_refused_and_changes_nothing(client: Any, world: World) -> None:
    conv = conversation(world)
    statement = conv.statements.filter(status="accepted").first()
    assert statement is not None
    body = {"vote": "agree"}
    url = f"/api/v1/conversations/avenir/statements/{statement.pk}/reaction"
    french_member = member(world, 2, coop=world.fr)
    refused = client.post(url, body, content_type="application/json", **bearer(french_member))
    assert refused.status_code == 403
    pending = Statement.objects.create(conversation=conv, text="En attente.", status="pending")
    user = member(world, 3)
    waiting = client.post(
        f"/api/v1/conversations/avenir/statements/{pending.pk}/reaction",
        body,
        content_type="application/json",
        **bearer(user),
    )
    assert waiting.status_code == 400
    assert waiting.json()["errors"][0]["code"] == "not_shown"
    services.conversation_close(conversation=conv, actor=officer(world, "staff", "group"))
    closed = client.post(url, body, content_type="application/json", **bearer(user))
    assert closed.status_code == 400
    assert closed.json()["errors"][0]["code"] == "closed"
    assert (
        client.post(
            url.replace("avenir", "nowhere"), body, content_type="application/json", **bearer(user)
        ).status_code
        == 404
    )
    assert not Reaction.objects.exists()


def test_the_map_says_where_the_caller_is_and_names_no_one_else(client: Any, world: World) -> None:
    conv = conversation(world)
    planted = plant_groups(world, conv, (8, 8), noise=0.0)
    headers = bearer(User.objects.filter(pk__in=planted).order_by("pk").first())
    assert client.get("/api/v1/conversations/avenir/map", **headers).status_code == 404  # not computed yet
    services.map_refresh(conversation=conv)
    body = _json(client.get("/api/v1/conversations/avenir/map", **headers))
    assert body["participants"] == 16
    assert sorted(g["size"] for g in body["groups"]) == [8, 8]
    assert body["you"]["group"] in {g["label"] for g in body["groups"]}
    assert body["you"]["reacted_like_your_group"]
    assert "points" not in body
