"""The processes and proposals API as a member uses it: reads, acts, refusals (what and where)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from coopgov.orientations.services import orientation_roll_up
from coopgov.participation import services
from coopgov.participation.models import Comment, Process, Proposal, Support
from tests.organisation.world import World, bearer, user_with_role
from tests.participation.conftest import open_process


def _post(client: Client, url: str, data: dict[str, Any], auth: dict[str, str]) -> Any:
    return client.post(url, data, content_type="application/json", **auth)


def test_processes_come_with_their_unit_and_phase(client: Client, world: World, process: Process) -> None:
    open_process(world, "other cooperative FR", phase="information")
    rows = client.get("/api/v1/processes", **bearer(world.member_user)).json()
    mine = next(r for r in rows if r["id"] == process.pk)
    assert mine["unit"] == {"code": "BE-BRUXELLES", "name": "Bruxelles", "kind": "antenna"}
    assert mine["phase"]["kind"] == "contribution"
    assert set(mine["phase"]["features"]) == {"proposing", "supporting", "commenting"}
    only_be = client.get("/api/v1/processes", {"unit": "BE"}, **bearer(world.member_user)).json()
    assert [r["id"] for r in only_be] == [process.pk]
    detail = client.get(f"/api/v1/processes/{process.pk}", **bearer(world.member_user)).json()
    assert [p["kind"] for p in detail["phases"]] == [
        "information",
        "contribution",
        "deliberation",
        "decision",
        "follow_up",
    ]


def test_a_member_proposes_supports_and_comments_through_the_api(
    client: Client, world: World, process: Process
) -> None:
    auth = bearer(world.member_user)
    created = _post(
        client,
        f"/api/v1/processes/{process.pk}/proposals",
        {"title": "Un atelier", "body": "Partagé", "language": "fr"},
        auth,
    )
    assert created.status_code == 201, created.json()
    pid = created.json()["id"]
    supported = _post(client, f"/api/v1/proposals/{pid}/support", {}, auth)
    assert supported.json() == {"supported": True, "supports": 1}
    again = _post(client, f"/api/v1/proposals/{pid}/support", {}, auth)
    assert again.status_code == 422 and again.json()["errors"][0]["code"] == "already_supported"
    comment = _post(
        client, f"/api/v1/proposals/{pid}/comments", {"body": "Oui", "stance": "for", "language": "fr"}, auth
    )
    assert comment.status_code == 201 and comment.json()["stance"] == "for"
    reply = _post(
        client,
        f"/api/v1/proposals/{pid}/comments",
        {"body": "Et où ?", "language": "fr", "parent": comment.json()["id"]},
        auth,
    )
    assert reply.json()["parent"] == comment.json()["id"]
    page = client.get("/api/v1/proposals", {"process": process.pk}, **auth).json()
    assert page["count"] == 1
    (row,) = page["items"]
    assert (row["supports"], row["comments"], row["provenance"]) == (1, 2, [])
    thread = client.get(f"/api/v1/proposals/{pid}/comments", **auth).json()
    assert [c["body"] for c in thread] == ["Oui", "Et où ?"]


def test_an_outsider_may_not_propose_and_the_error_says_so(
    client: Client, world: World, process: Process
) -> None:
    outsider = user_with_role(world, "none", "other antenna")
    response = _post(
        client,
        f"/api/v1/processes/{process.pk}/proposals",
        {"title": "x", "body": "y", "language": "fr"},
        bearer(outsider),
    )
    assert response.status_code == 403
    assert response.json()["detail"] and not Proposal.objects.exists()


def test_a_bad_language_is_a_422_naming_the_field(client: Client, world: World, process: Process) -> None:
    response = _post(
        client,
        f"/api/v1/processes/{process.pk}/proposals",
        {"title": "x", "body": "y", "language": "de"},
        bearer(world.member_user),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.language"


def test_a_closed_phase_refuses_supports_with_a_reason(
    client: Client, world: World, process: Process
) -> None:
    proposal = services.proposal_create(
        process=process, author=world.member_user, title="x", body="y", language="fr", actor="t"
    )
    services.process_phase_switch(process=process, phase=process.phases.get(kind="decision"), actor="t")
    response = _post(client, f"/api/v1/proposals/{proposal.pk}/support", {}, bearer(world.member_user))
    assert response.status_code == 403
    assert not Support.objects.exists()


def test_a_reply_to_a_comment_of_another_proposal_is_refused(
    client: Client, world: World, process: Process
) -> None:
    one, two = (
        services.proposal_create(
            process=process, author=world.member_user, title=t, body="y", language="fr", actor="t"
        )
        for t in ("un", "deux")
    )
    comment = services.comment_add(proposal=one, author=world.member_user, body="c", language="fr")
    response = _post(
        client,
        f"/api/v1/proposals/{two.pk}/comments",
        {"body": "r", "language": "fr", "parent": comment.pk},
        bearer(world.member_user),
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "parent"
    assert Comment.objects.count() == 1


def test_a_hidden_proposal_is_not_listed_for_others(client: Client, world: World, process: Process) -> None:
    proposal = services.proposal_create(
        process=process, author=world.member_user, title="x", body="y", language="fr", actor="t"
    )
    moderator = user_with_role(world, "moderator", "antenna Bruxelles")
    services.content_hide(target=proposal, reason="hors sujet", actor=moderator)
    other = user_with_role(world, "relay", "antenna Bruxelles")
    assert client.get("/api/v1/proposals", {"process": process.pk}, **bearer(other)).json()["count"] == 0
    assert client.get(f"/api/v1/proposals/{proposal.pk}", **bearer(other)).status_code == 404
    assert (
        client.get("/api/v1/proposals", {"process": process.pk}, **bearer(world.member_user)).json()["count"]
        == 1
    )


def test_a_rolled_up_proposal_carries_its_provenance(client: Client, world: World, process: Process) -> None:
    local = services.proposal_create(
        process=process, author=world.member_user, title="Local", body="y", language="fr", actor="t"
    )
    services.support_add(proposal=local, user=world.member_user)
    national = open_process(world, "cooperative BE")
    staff = user_with_role(world, "staff", "cooperative BE")
    parent = orientation_roll_up(
        actor=staff, proposals=[local], process=national, title="National", body="z", language="fr"
    )
    row = client.get(f"/api/v1/proposals/{parent.pk}", **bearer(world.member_user)).json()
    (source,) = row["provenance"]
    assert source["antenna"]["code"] == "BE-BRUXELLES"
    assert (source["source"]["kind"], source["source"]["id"], source["supports"]) == ("proposal", local.pk, 1)
