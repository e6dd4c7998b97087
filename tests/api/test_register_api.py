"""The register through the API as staff and board use it: reads, acts, errors (what and where), audit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from coopgov.audit.models import AuditEntry
from coopgov.domain.governance.reasons import Reason
from coopgov.members.explain import explain
from coopgov.members.models import Membership, ShareMovement
from tests.organisation.world import World, bearer, build_world, user_with_role

BE = "/api/v1/cooperatives/BE"


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def staff(world: World) -> dict[str, str]:
    return bearer(user_with_role(world, "staff", "cooperative BE"))


def _post(client: Client, url: str, data: dict[str, Any], auth: dict[str, str]) -> Any:
    return client.post(url, data, content_type="application/json", **auth)


def _new_entries(since: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=since).order_by("seq"))


def _last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


# Reads


def test_staff_see_only_the_cooperatives_where_they_hold_their_role(client: Client, world: World) -> None:
    be_staff = client.get("/api/v1/cooperatives", **bearer(user_with_role(world, "staff", "cooperative BE")))
    group_staff = client.get("/api/v1/cooperatives", **bearer(user_with_role(world, "staff", "group")))
    assert [c["code"] for c in be_staff.json()] == ["BE"]
    assert [c["code"] for c in group_staff.json()] == ["BE", "FR"]


def test_the_register_is_paged_and_filtered(client: Client, world: World, staff: dict[str, str]) -> None:
    everyone = client.get(f"{BE}/members", {"limit": 2}, **staff).json()
    assert everyone["count"] == Membership.objects.filter(cooperative=world.be).count()
    assert [m["number"] for m in everyone["items"]] == [1, 2]
    second_page = client.get(f"{BE}/members", {"limit": 2, "offset": 2}, **staff).json()
    assert [m["number"] for m in second_page["items"]] == [3]
    candidates = client.get(f"{BE}/members", {"status": "candidate"}, **staff).json()
    assert [m["number"] for m in candidates["items"]] == [world.candidate.number]


def test_one_member_comes_with_their_ledger_and_status_history(
    client: Client, world: World, staff: dict[str, str]
) -> None:
    member = client.get(f"{BE}/members/{world.admitted.number}", **staff).json()
    lines = ShareMovement.objects.filter(membership=world.admitted)
    assert [m["operation"] for m in member["movements"]] == [line.operation for line in lines]
    assert member["shares"] == sum(line.shares_delta for line in lines)
    assert [(e["from_status"], e["to_status"]) for e in member["events"]] == [
        ("", "candidate"),
        ("candidate", "admitted"),
    ]


def test_the_admission_queue_lists_the_candidates(
    client: Client, world: World, staff: dict[str, str]
) -> None:
    queue = client.get(f"{BE}/admissions", **staff).json()
    assert [m["number"] for m in queue] == [world.candidate.number]


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_the_membership_check_gives_its_reasons_in_the_language_asked(
    client: Client, world: World, staff: dict[str, str], language: str
) -> None:
    response = client.get(
        f"{BE}/members/{world.admitted.number}/check",
        {"service": "invoice_client"},
        HTTP_ACCEPT_LANGUAGE=language,
        **staff,
    )
    assert response.status_code == 200
    assert response["Content-Language"] == language
    body = response.json()
    with translation.override(language):
        assert [r["text"] for r in body["reasons"]] == [
            explain(Reason(r["code"], r["ok"], _params(world, r["code"]))) for r in body["reasons"]
        ]
    assert body["allowed"] is True


def _params(world: World, code: str) -> dict[str, Any]:
    # The admitted member holds 2 shares; the rule asks 1 for the reserved service.
    return {"service": "invoice_client", "held": 2, "required": 1, "status": "admitted"}


def test_the_unit_tree_shows_a_relay_only_their_antenna(client: Client, world: World) -> None:
    relay = client.get("/api/v1/units", **bearer(user_with_role(world, "relay", "antenna Bruxelles"))).json()
    assert [u["code"] for u in relay] == ["BE-BRUXELLES"]
    group = client.get("/api/v1/units", **bearer(user_with_role(world, "staff", "group"))).json()
    assert {u["code"]: u["parent"] for u in group}["BE-BRUXELLES"] == "BE"
    assert [u["depth"] for u in group if u["code"] in ("SMART", "BE", "BE-BRUXELLES")] == [0, 1, 2]


# Acts, each leaving exactly one audit entry


def test_admitting_a_candidate_leaves_one_audit_entry_with_actor_unit_before_and_after(
    client: Client, world: World
) -> None:
    board = user_with_role(world, "board", "cooperative BE")
    auth = bearer(board)
    since = _last_seq()
    response = _post(client, f"{BE}/members/{world.candidate.number}/admit", {"on": "2024-03-01"}, auth)
    assert response.status_code == 200
    assert response.json()["status"] == "admitted"
    [entry] = _new_entries(since)
    assert (entry.actor, entry.unit, entry.action) == (board, world.be, "membership.admitted")
    assert entry.before == {"status": "candidate"}
    assert entry.after is not None and entry.after["status"] == "admitted"


def test_refusing_a_candidate_needs_a_reason_and_leaves_one_audit_entry(
    client: Client, world: World, staff: dict[str, str]
) -> None:
    url = f"{BE}/members/{world.candidate.number}/refuse"
    since = _last_seq()
    missing = _post(client, url, {"on": "2024-03-01"}, staff)
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["body.reason"]
    blank = _post(client, url, {"on": "2024-03-01", "reason": "   "}, staff)
    assert blank.status_code == 422
    assert [(e["code"], e["field"]) for e in blank.json()["errors"]] == [("reason_required", "reason")]
    assert _new_entries(since) == []

    refused = _post(client, url, {"on": "2024-03-01", "reason": "Activité hors objet social"}, staff)
    assert refused.status_code == 200
    [entry] = _new_entries(since)
    assert (entry.action, entry.unit, entry.before) == (
        "membership.refused",
        world.be,
        {"status": "candidate"},
    )
    assert entry.after is not None and entry.after["reason"] == "Activité hors objet social"


def test_recording_a_subscription_leaves_one_ledger_operation_and_one_audit_entry(
    client: Client, world: World, staff: dict[str, str]
) -> None:
    since = _last_seq()
    response = _post(
        client,
        f"{BE}/members/{world.admitted.number}/movements",
        {"kind": "subscription", "share_class": "A", "on": "2024-03-01", "quantity": 3},
        staff,
    )
    assert response.status_code == 201
    [line] = response.json()["lines"]
    assert (line["kind"], line["shares"]) == ("subscription", 3)
    [entry] = _new_entries(since)
    assert (entry.action, entry.unit, entry.object_id) == (
        "shares.subscription",
        world.be,
        str(world.admitted.pk),
    )
    assert entry.before is not None
    assert (entry.before["shares"], Decimal(entry.before["paid_eur"])) == (2, Decimal(60))


def test_a_movement_breaking_statutory_rules_gives_every_reason_and_changes_nothing(
    client: Client, world: World, staff: dict[str, str]
) -> None:
    lines_before = ShareMovement.objects.count()
    since = _last_seq()
    # In August (outside the first six months of the Belgian financial year), resigning with 1 of 2 shares.
    response = _post(
        client,
        f"{BE}/members/{world.admitted.number}/movements",
        {"kind": "redemption", "share_class": "A", "on": "2024-08-15", "quantity": 1},
        {**staff, "HTTP_ACCEPT_LANGUAGE": "en"},
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {(e["code"], e["field"]) for e in errors} == {
        ("outside_resignation_window", "on"),
        ("partial_resignation_not_allowed", "quantity"),
    }
    with translation.override("en"):
        assert errors[0]["text"] == explain(Reason("outside_resignation_window", False, {"months": 6}))
    assert ShareMovement.objects.count() == lines_before
    assert _new_entries(since) == []


def test_an_unknown_share_class_is_reported_on_its_field(
    client: Client, world: World, staff: dict[str, str]
) -> None:
    response = _post(
        client,
        f"{BE}/members/{world.admitted.number}/movements",
        {"kind": "payment", "share_class": "Z", "on": "2024-03-01", "amount_eur": "30"},
        staff,
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["share_class"]
    assert "Z" in response.json()["detail"]


# Errors


def test_an_unknown_cooperative_is_named_in_the_404(client: Client, staff: dict[str, str]) -> None:
    response = client.get("/api/v1/cooperatives/XX/members", **staff)
    assert response.status_code == 404
    assert "XX" in response.json()["detail"]


def test_a_missing_member_number_is_404_for_staff_but_403_for_others(client: Client, world: World) -> None:
    staff = bearer(user_with_role(world, "staff", "cooperative BE"))
    relay = bearer(user_with_role(world, "relay", "antenna Bruxelles"))
    assert client.get(f"{BE}/members/999", **staff).status_code == 404
    assert client.get(f"{BE}/members/999", **relay).status_code == 403


def test_the_audit_log_is_read_by_staff_and_board_but_not_by_a_relay(client: Client, world: World) -> None:
    staff = client.get(
        f"{BE}/audit", {"action": "membership.admitted"}, **bearer(user_with_role(world, "staff", "group"))
    )
    assert staff.status_code == 200
    assert {e["object_id"] for e in staff.json()["items"]} == {
        str(m.pk) for m in Membership.objects.filter(cooperative=world.be, status="admitted")
    }
    relay = client.get(f"{BE}/audit", **bearer(user_with_role(world, "relay", "antenna Bruxelles")))
    assert relay.status_code == 403


def test_a_member_signed_in_on_the_site_reads_their_own_record_through_the_api(
    client: Client, world: World
) -> None:
    client.force_login(world.member_user)
    own = world.member_user.person.memberships.get()  # type: ignore[union-attr]
    assert client.get(f"{BE}/members/{own.number}").status_code == 200
    assert client.get(f"{BE}/members/{world.admitted.number}").status_code == 403


def test_an_officer_without_a_second_factor_cannot_use_the_site_session(client: Client, world: World) -> None:
    client.force_login(user_with_role(world, "staff", "cooperative BE"))
    assert client.get(f"{BE}/members").status_code == 401


def test_a_session_write_without_its_csrf_token_is_forbidden(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member_user)
    response = client.post(
        f"{BE}/members/{world.candidate.number}/admit", {"on": "2024-03-01"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_an_input_of_the_wrong_type_is_named_with_its_field_in_the_readers_language(
    client: Client, world: World, staff: dict[str, str]
) -> None:
    response = _post(
        client,
        f"{BE}/members/{world.admitted.number}/movements",
        {"kind": "subscription", "share_class": "A", "on": "2024-03-01", "quantity": "lots"},
        {**staff, "HTTP_ACCEPT_LANGUAGE": "en"},
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["code"], error["field"], error["text"]) == (
        "int_parsing",
        "body.quantity",
        "Enter a whole number.",
    )
    assert "body.quantity" in response.json()["detail"]
