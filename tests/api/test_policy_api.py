"""The membership policy API: read the rules, change one (draft or in force), adopt the draft, simulate.

Staff of the cooperative (or the group) change the policy; staff and board read and simulate it; a role
held in an antenna does not reach the cooperative's policy. Changes go through the audited services.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from coopgov.audit.models import AuditEntry
from coopgov.members.models import PolicyRule, Service
from tests.organisation.world import World, bearer, build_world, user_with_role

pytestmark = pytest.mark.django_db

BE = "/api/v1/cooperatives/BE/policy"
CALLERS = [
    ("staff", "group"),
    ("staff", "cooperative BE"),
    ("staff", "antenna Bruxelles"),
    ("staff", "other cooperative FR"),
    ("board", "group"),
    ("board", "cooperative BE"),
    ("board", "antenna Bruxelles"),
    ("relay", "antenna Bruxelles"),
    ("moderator", "cooperative BE"),
    ("member", "none"),
]
MAY_READ = {("staff", "group"), ("staff", "cooperative BE"), ("board", "group"), ("board", "cooperative BE")}
MAY_CHANGE = {("staff", "group"), ("staff", "cooperative BE")}
DRAFT = {"requirement": "mandatory", "min_shares": 2, "services": ["invoice_client"]}


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def staff(world: World) -> dict[str, str]:
    return bearer(user_with_role(world, "staff", "cooperative BE"))


def _put(client: Client, profile: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.put(f"{BE}/rules/{profile}", json.dumps(body), content_type="application/json", **headers)


def _last_seq() -> int:
    last = AuditEntry.objects.order_by("-seq").first()
    return last.seq if last else 0


def _new_entries(since: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=since).order_by("seq"))


# Who may


@pytest.mark.parametrize(("role", "where"), CALLERS)
def test_who_may_read_and_simulate_the_policy(client: Client, world: World, role: str, where: str) -> None:
    expected = 200 if (role, where) in MAY_READ else 403
    auth = bearer(user_with_role(world, role, where))
    assert client.get(BE, **auth).status_code == expected
    assert client.get(f"{BE}/simulation", **auth).status_code == expected


@pytest.mark.parametrize(("role", "where"), CALLERS)
def test_who_may_change_the_policy(client: Client, world: World, role: str, where: str) -> None:
    allowed = (role, where) in MAY_CHANGE
    auth = bearer(user_with_role(world, role, where))
    since = _last_seq()
    assert _put(client, "entrepreneur", DRAFT, auth).status_code == (200 if allowed else 403)
    assert PolicyRule.objects.filter(is_draft=True).exists() is allowed
    assert client.post(f"{BE}/adopt", **auth).status_code == (200 if allowed else 403)
    assert len(_new_entries(since)) == (2 if allowed else 0)  # the draft saved, then put in force


# What it does


def test_the_policy_lists_the_rules_in_force_and_the_draft(
    client: Client, world: World, staff: dict[str, str]
) -> None:
    _put(client, "client", {"requirement": "not_allowed", "min_shares": 0}, staff)
    body = client.get(BE, **staff).json()
    assert [(r["profile"], r["requirement"], r["min_shares"], r["services"]) for r in body["in_force"]] == [
        ("entrepreneur", "mandatory", 1, ["invoice_client"])
    ]
    assert [(r["profile"], r["draft"]) for r in body["draft"]] == [("client", True)]
    assert body["services"] == ["invoice_client"]


def test_saving_a_draft_rule_is_audited_with_before_and_after(
    client: Client, world: World, staff: dict[str, str]
) -> None:
    _put(client, "entrepreneur", {"requirement": "optional", "min_shares": 1}, staff)
    since = _last_seq()
    response = _put(client, "entrepreneur", DRAFT, staff)
    assert response.status_code == 200
    assert response.json()["services"] == ["invoice_client"]
    [entry] = _new_entries(since)
    assert (entry.action, entry.unit) == ("policy.draft_changed", world.be)
    assert entry.before is not None and entry.before["requirement"] == "optional"
    assert entry.after is not None and (entry.after["min_shares"], entry.after["services"]) == (
        2,
        ["invoice_client"],
    )


def test_a_rule_in_force_may_be_changed_directly(client: Client, world: World, staff: dict[str, str]) -> None:
    since = _last_seq()
    response = _put(client, "entrepreneur", {**DRAFT, "draft": False, "min_shares": 3}, staff)
    assert response.status_code == 200
    assert (
        PolicyRule.objects.get(cooperative=world.be, profile="entrepreneur", is_draft=False).min_shares == 3
    )
    assert [e.action for e in _new_entries(since)] == ["policy.changed"]


def test_adopting_puts_the_draft_in_force_and_empties_it(
    client: Client, world: World, staff: dict[str, str]
) -> None:
    _put(client, "entrepreneur", DRAFT, staff)
    response = client.post(f"{BE}/adopt", **staff)
    assert response.status_code == 200
    body = response.json()
    assert body["adopted"] == 1
    assert body["policy"]["draft"] == []
    assert [(r["profile"], r["min_shares"]) for r in body["policy"]["in_force"]] == [("entrepreneur", 2)]


def test_adopting_without_a_draft_is_refused_and_changes_nothing(
    client: Client, world: World, staff: dict[str, str]
) -> None:
    since = _last_seq()
    response = client.post(f"{BE}/adopt", **staff)
    assert response.status_code == 422
    assert [e["code"] for e in response.json()["errors"]] == ["no_draft"]
    assert _new_entries(since) == []


def test_the_simulation_reports_who_changes_and_the_capital_called(
    client: Client, world: World, staff: dict[str, str]
) -> None:
    # Three entrepreneurs: a candidate (no shares) and two admitted members with 2 shares and 0 shares.
    _put(client, "entrepreneur", {**DRAFT, "min_shares": 3}, staff)
    response = client.get(f"{BE}/simulation", **staff)
    assert response.status_code == 200
    report = response.json()
    assert report["people"] == 3
    assert report["shares_called"] > 0
    assert float(report["capital_called_eur"]) == report["shares_called"] * 30
    assert sum(report["changes"].values()) == sum(report["by_profile"].get("entrepreneur", {}).values())


def test_the_simulation_changes_nothing(client: Client, world: World, staff: dict[str, str]) -> None:
    _put(client, "entrepreneur", DRAFT, staff)
    since = _last_seq()
    rules = list(PolicyRule.objects.values_list("pk", "min_shares", "is_draft"))
    client.get(f"{BE}/simulation", **staff)
    assert list(PolicyRule.objects.values_list("pk", "min_shares", "is_draft")) == rules
    assert _new_entries(since) == []


# Errors, each on its field, changing nothing


def test_an_unknown_service_is_named_on_its_field(
    client: Client, world: World, staff: dict[str, str]
) -> None:
    Service.objects.create(cooperative=world.fr, code="fr_only", name="Service français")
    since = _last_seq()
    response = _put(
        client, "entrepreneur", {**DRAFT, "services": ["invoice_client", "fr_only", "zzz"]}, staff
    )
    assert response.status_code == 422
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [("unknown_service", "services")]
    assert "fr_only, zzz" in response.json()["detail"]
    assert not PolicyRule.objects.filter(is_draft=True).exists()
    assert _new_entries(since) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"requirement": "sometimes", "min_shares": 1}, "body.requirement"),
        ({"requirement": "mandatory", "min_shares": -1}, "body.min_shares"),
        ({"requirement": "mandatory", "min_shares": 10_001}, "body.min_shares"),
        ({"requirement": "mandatory"}, "body.min_shares"),
    ],
)
def test_a_bad_value_is_refused_on_its_field(
    client: Client, world: World, staff: dict[str, str], body: dict[str, Any], field: str
) -> None:
    response = _put(client, "entrepreneur", body, staff)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not PolicyRule.objects.filter(is_draft=True).exists()


def test_an_unknown_profile_or_cooperative_is_refused(
    client: Client, world: World, staff: dict[str, str]
) -> None:
    assert _put(client, "astronaut", DRAFT, staff).status_code == 422
    response = client.get("/api/v1/cooperatives/XX/policy", **staff)
    assert response.status_code == 404
    assert "XX" in response.json()["detail"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "La coopérative BE n'a pas de service zzz."),
        ("nl", "Coöperatie BE heeft geen dienst zzz."),
        ("en", "Cooperative BE has no service zzz."),
    ],
)
def test_an_error_reads_in_the_callers_language(
    client: Client, world: World, staff: dict[str, str], language: str, expected: str
) -> None:
    response = _put(
        client, "entrepreneur", {**DRAFT, "services": ["zzz"]}, {**staff, "HTTP_ACCEPT_LANGUAGE": language}
    )
    assert response.json()["detail"] == expected
