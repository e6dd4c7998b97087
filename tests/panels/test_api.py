"""API of the member panels: staff request a draw, members read theirs, officers read every chance; bad
input is a 400 naming the field and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from coopgov.audit.models import AuditEntry
from coopgov.panels.models import Draw
from tests.organisation.world import World, bearer, user_with_role, with_second_factor

URL = "/api/v1/units/BE/panels"
BODY = {"title": "Panel climat", "panel_size": 6, "features": ["antenna", "college"], "seed": 3}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _staff(world: World) -> dict[str, str]:
    return bearer(with_second_factor(user_with_role(world, "staff", "cooperative BE")))


def _post(client: Any, world: World, capture: Any, body: dict[str, Any], headers: dict[str, str]) -> Any:
    with capture(execute=True):
        return client.post(URL, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **headers)


def test_staff_draw_a_panel_and_read_every_chance(
    client: Any, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    headers = _staff(world)
    response = _post(client, world, django_capture_on_commit_callbacks, BODY, headers)
    assert response.status_code == 201, response.content
    # The draw runs as a task once the request's transaction commits; then the draw reads as drawn.
    assert response.json()["status"] in ("requested", "drawn")
    body = client.get(f"/api/v1/panels/{response.json()['id']}", **headers).json()
    assert body["status"] == "drawn"
    assert body["seed"] == 3
    assert len(body["panel"]) == 6
    assert len(body["pool"]) == 20
    assert sum(c["probability"] for c in body["pool"]) == pytest.approx(6, abs=1e-6)
    assert all(q["min"] <= q["selected"] <= q["max"] for q in body["quotas"])
    listed = client.get("/api/v1/panels", **headers).json()
    assert [d["id"] for d in listed] == [body["id"]]


def test_a_member_reads_their_own_chance_only(
    client: Any, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    draw_id = _post(client, world, django_capture_on_commit_callbacks, BODY, _staff(world)).json()["id"]
    body = client.get(f"/api/v1/panels/{draw_id}", **bearer(world.member_user)).json()
    assert body["pool"] is None
    assert 0 < body["mine"]["probability"] <= 1
    staff_fr = with_second_factor(user_with_role(world, "staff", "other cooperative FR"))
    assert client.get(f"/api/v1/panels/{draw_id}", **bearer(staff_fr)).status_code == 403
    assert client.get("/api/v1/panels/999999", **bearer(world.member_user)).status_code == 404
    assert client.get(f"/api/v1/panels/{draw_id}").status_code == 401


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"quotas": "antenna,BE-BRUXELLES,9,2"}, "quotas", "quota_order"),
        ({"quotas": "antenna,BE-BRUXELLES,5,6\nantenna,BE-ANTWERPEN,3,4"}, "quotas", "infeasible"),
        ({"panel_size": 21}, None, "size"),
    ],
)
def test_bad_requests_are_400_naming_the_field_and_change_nothing(
    client: Any,
    world: World,
    django_capture_on_commit_callbacks: Any,
    changes: dict[str, Any],
    field: str | None,
    code: str,
) -> None:
    headers = _staff(world)
    before = AuditEntry.objects.count()
    response = _post(client, world, django_capture_on_commit_callbacks, {**BODY, **changes}, headers)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == (field, code)
    assert not Draw.objects.exists()
    assert AuditEntry.objects.count() == before


def test_only_the_unit_s_staff_draw(
    client: Any, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    for user in (world.member_user, with_second_factor(user_with_role(world, "board", "cooperative BE"))):
        response = _post(client, world, django_capture_on_commit_callbacks, BODY, bearer(user))
        assert response.status_code == 403
    assert _post(client, world, django_capture_on_commit_callbacks, BODY, {}).status_code == 401
    assert not Draw.objects.exists()
