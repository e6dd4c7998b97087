"""The assemblies API (/api/v1): list, my place in the electorate, cast and change a ballot, proxies,
published results."""

from __future__ import annotations

import pytest

from coopgov.accounts.models import User
from coopgov.decisions import services
from coopgov.decisions.models import Ballot, Proxy
from tests.decisions.builders import assembly, close_and_count, convene, members_in, motion
from tests.members.builders import ACTOR
from tests.organisation.world import bearer


@pytest.fixture
def world(org):
    voters = members_in(org, org.be, 3)
    a = assembly(org.be, title="AG 2027")
    item = motion(a)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    users = [User.objects.create_user(email=f"api{m.pk}@example.org", person=m.person) for m in voters]
    return a, item, voters, users


def post(client, user, url, body):
    return client.post(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **bearer(user))


def test_a_member_lists_assemblies_and_learns_they_are_in_the_electorate(client, world):
    a, item, _voters, (user, *_rest) = world
    listed = client.get("/api/v1/assemblies", **bearer(user)).json()
    assert [(x["id"], [i["id"] for i in x["items"]]) for x in listed] == [(a.pk, [item.pk])]
    detail = client.get(f"/api/v1/assemblies/{a.pk}", HTTP_ACCEPT_LANGUAGE="en", **bearer(user)).json()
    assert detail["me"]["in_electorate"] is True
    assert any("record date" in r for r in detail["me"]["reasons"])


def test_a_member_casts_and_changes_a_ballot_through_the_api(client, world):
    a, item, _voters, (user, *_rest) = world
    url = f"/api/v1/assemblies/{a.pk}/items/{item.pk}/ballot"
    first = post(client, user, url, {"vote": "yes"})
    second = post(client, user, url, {"vote": "no"})
    assert first.status_code == second.status_code == 200
    assert list(Ballot.objects.filter(item=item).values_list("receipt", "content")) == [
        (second.json()["receipt"], "no")
    ]


def test_an_unreadable_vote_gets_a_422_that_says_what_is_wrong(client, world):
    a, item, _voters, (user, *_rest) = world
    response = post(client, user, f"/api/v1/assemblies/{a.pk}/items/{item.pk}/ballot", {"vote": "maybe"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "invalid_vote"
    assert "yes" in response.json()["detail"]


def test_someone_outside_the_electorate_gets_a_403(client, world):
    a, item, _voters, _users = world
    outsider = User.objects.create_user(email="outsider@example.org")
    response = post(client, outsider, f"/api/v1/assemblies/{a.pk}/items/{item.pk}/ballot", {"vote": "yes"})
    assert response.status_code == 403
    assert not Ballot.objects.filter(item=item).exists()


def test_a_member_gives_and_revokes_a_proxy_through_the_api(client, world):
    a, _item, (_giver, holder, _other), (user, *_rest) = world
    given = post(client, user, f"/api/v1/assemblies/{a.pk}/proxy", {"holder_number": holder.number})
    assert given.status_code == 200 and given.json()["holder_number"] == holder.number
    twice = post(client, user, f"/api/v1/assemblies/{a.pk}/proxy", {"holder_number": holder.number})
    assert twice.status_code == 422 and twice.json()["errors"][0]["code"] == "already_given"
    revoked = post(client, user, f"/api/v1/assemblies/{a.pk}/proxy/{given.json()['id']}/revoke", {})
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert Proxy.objects.get().revoked_at is not None


def test_the_result_is_readable_once_published(client, world):
    a, item, voters, (user, *_rest) = world
    post(client, user, f"/api/v1/assemblies/{a.pk}/items/{item.pk}/ballot", {"vote": "yes"})
    close_and_count(item)
    url = f"/api/v1/assemblies/{a.pk}/items/{item.pk}/result"
    assert client.get(url, **bearer(user)).status_code == 404
    services.result_publish(item=item, actor=ACTOR)
    result = client.get(url, **bearer(user)).json()
    assert result["adopted"] is True and result["quorum_reached"] is True
    assert result["tally_method"] == "motion" and len(voters) == result["participation"]["electorate"]


def test_changing_a_ballot_through_the_api_costs_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries
):
    """Thousands cast at once (docs/adr/0006-casting-under-load.md): the token is read, its time of use
    not rewritten within the minute, the item read with its assembly, the caller's entry found and locked
    in one query each; the rest is the ballot, the participation and the audit entry."""
    a, item, _voters, (user, *_rest) = world
    url = f"/api/v1/assemblies/{a.pk}/items/{item.pk}/ballot"
    headers = bearer(user)
    assert client.post(url, {"vote": "yes"}, content_type="application/json", **headers).status_code == 200
    with django_assert_max_num_queries(15):
        changed = client.post(url, {"vote": "no"}, content_type="application/json", **headers)
    assert changed.status_code == 200
    assert list(Ballot.objects.filter(item=item).values_list("receipt", "content")) == [
        (changed.json()["receipt"], "no")
    ]


def test_casting_on_an_unknown_item_or_assembly_is_a_404_and_outside_the_electorate_a_403(client, world, org):
    a, item, _voters, (user, *_rest) = world
    assert (
        post(
            client, user, f"/api/v1/assemblies/{a.pk}/items/{item.pk + 999}/ballot", {"vote": "yes"}
        ).status_code
        == 404
    )
    assert (
        post(
            client, user, f"/api/v1/assemblies/{a.pk + 999}/items/{item.pk}/ballot", {"vote": "yes"}
        ).status_code
        == 404
    )
    other = assembly(org.be, title="Another AG")
    other_item = motion(other)
    convene(other)
    services.item_open(item=other_item, actor=ACTOR)
    # An item of another assembly is not found in this one.
    assert (
        post(
            client, user, f"/api/v1/assemblies/{a.pk}/items/{other_item.pk}/ballot", {"vote": "yes"}
        ).status_code
        == 404
    )
    stranger = User.objects.create_user(email="stranger@example.org")
    refused = post(client, stranger, f"/api/v1/assemblies/{a.pk}/items/{item.pk}/ballot", {"vote": "yes"})
    assert refused.status_code == 403
    assert not Ballot.objects.filter(item__in=[item, other_item]).exists()
