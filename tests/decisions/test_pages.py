"""Assembly pages driven with the test client: a member votes, changes their vote, gives and revokes a
proxy; staff convene, open, close, count and publish; a relay records room votes; the result page."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from allauth.mfa.totp.internal.auth import TOTP

from coopgov.accounts.models import User
from coopgov.decisions import services
from coopgov.decisions.models import AssemblySite, Ballot, Item, Participation, Proxy
from coopgov.members.demo import DEMO_TOTP_SECRET
from coopgov.members.models import Category
from coopgov.organisation.services import role_grant
from tests.decisions.builders import assembly, cast, close_and_count, convene, entry, members_in, motion
from tests.members.builders import ACTOR

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def login(client, membership):
    user = User.objects.create_user(email=f"u{membership.pk}@example.org", person=membership.person)
    client.force_login(user)
    return user


def officer(org, role: str, unit) -> User:
    user = User.objects.create_user(email=f"{role}{unit.pk}@example.org")
    role_grant(user=user, unit=unit, role=role, actor=ACTOR)
    TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


@pytest.fixture
def open_motion(org):
    voters = members_in(org, org.be, 3)
    a = assembly(org.be, title="AG 2027")
    item = motion(a)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    return a, item, voters


def test_a_member_sees_that_they_are_in_the_electorate_and_why(client, org, open_motion):
    a, _item, (voter, *_rest) = open_motion
    login(client, voter)
    page = client.get(f"/assemblies/{a.pk}/", **EN).content.decode()
    assert "Yes, you may vote." in page
    assert f"You were an admitted member on the record date ({a.record_date.isoformat()})." in page


def test_a_member_who_joined_after_the_record_date_is_told_so(client, org):
    a = assembly(org.be)
    motion(a)
    convene(a)
    (late,) = members_in(org, org.be, 1)
    login(client, late)
    page = client.get(f"/assemblies/{a.pk}/", **EN).content.decode()
    assert "No, you are not in the electorate." in page
    assert client.get(f"/assemblies/{a.pk}/items/{a.items.get().pk}/vote/").status_code == 403


def test_a_member_votes_changes_their_vote_and_keeps_the_last_receipt(client, org, open_motion):
    a, item, (voter, *_rest) = open_motion
    login(client, voter)
    url = f"/assemblies/{a.pk}/items/{item.pk}/vote/"
    first = client.post(url, {"choice": "yes"}, **EN).content.decode()
    second = client.post(url, {"choice": "no"}, **EN).content.decode()
    receipt = re.search(r'class="receipt">([A-Z0-9-]+)<', second).group(1)
    assert receipt not in first
    assert list(Ballot.objects.filter(item=item).values_list("receipt", "content")) == [(receipt, "no")]
    assert Participation.objects.get(item=item).times_cast == 2


def test_an_empty_vote_is_refused_with_a_message_and_nothing_is_recorded(client, org, open_motion):
    a, item, (voter, *_rest) = open_motion
    login(client, voter)
    page = client.post(f"/assemblies/{a.pk}/items/{item.pk}/vote/", {}, **EN).content.decode()
    assert "Choose For, Against, Abstain or Blank vote." in page
    assert not Ballot.objects.filter(item=item).exists()


def test_a_member_gives_and_revokes_a_proxy(client, org, open_motion):
    a, _item, (giver, holder, _other) = open_motion
    login(client, giver)
    client.post(f"/assemblies/{a.pk}/proxy/", {"holder_number": holder.number})
    proxy = Proxy.objects.get(assembly=a)
    assert proxy.holder.membership == holder and proxy.revoked_at is None
    page = client.get(f"/assemblies/{a.pk}/", **EN).content.decode()
    assert "Revoke my proxy" in page
    client.post(f"/assemblies/{a.pk}/proxy/{proxy.pk}/revoke/")
    proxy.refresh_from_db()
    assert proxy.revoked_at is not None


def test_a_member_cannot_revoke_someone_elses_proxy(client, org, open_motion):
    a, _item, (giver, holder, other) = open_motion
    proxy = services.proxy_give(assembly=a, giver=entry(a, giver), holder=entry(a, holder), actor=ACTOR)
    login(client, other)
    assert client.post(f"/assemblies/{a.pk}/proxy/{proxy.pk}/revoke/").status_code == 404
    proxy.refresh_from_db()
    assert proxy.revoked_at is None


def test_staff_convene_open_close_count_and_publish_from_the_assembly_page(client, org):
    members_in(org, org.be, 2)
    a = assembly(org.be)
    item = motion(a)
    client.force_login(officer(org, "staff", org.be))
    url = f"/assemblies/{a.pk}/manage/"
    client.post(url, {"action": "convene"})
    for action in ("open", "close", "count", "publish"):
        client.post(url, {"action": action, "item": item.pk})
    item.refresh_from_db()
    assert item.status == "published" and item.result.published_at is not None


def test_a_member_cannot_use_the_staff_actions(client, org, open_motion):
    a, item, (voter, *_rest) = open_motion
    login(client, voter)
    assert client.post(f"/assemblies/{a.pk}/manage/", {"action": "close", "item": item.pk}).status_code == 403
    assert Item.objects.get(pk=item.pk).status == "open"


def test_the_relay_records_a_room_vote_on_behalf_of_a_member_present(client, org, open_motion):
    a, item, (voter, *_rest) = open_motion
    brussels = org.antenna(org.be, "Bruxelles")
    site = AssemblySite.objects.create(assembly=a, antenna=brussels)
    client.force_login(officer(org, "relay", brussels))
    client.post(
        f"/assemblies/{a.pk}/sites/{site.pk}/room/",
        {"item": item.pk, "member_number": voter.number, "choice": "yes"},
    )
    participation = Participation.objects.get(item=item)
    assert participation.channel == "room" and participation.entry.membership == voter
    other = AssemblySite.objects.create(assembly=a, antenna=org.antenna(org.be, "Liège"))
    assert client.get(f"/assemblies/{a.pk}/sites/{other.pk}/room/").status_code == 403


def test_the_result_page_shows_the_collège_weighting_and_quorum_computed_by_hand(client, org):
    votes = {"1": ["yes"] * 3, "2": ["no", "yes"], "3": ["no"], "4": ["no"]}
    voters = {code: members_in(org, org.fr, len(v), category=code) for code, v in votes.items()}
    a = assembly(org.fr, preset="fr-scic-sa-ago")
    item = motion(a)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    for code, choices in votes.items():
        for m, choice in zip(voters[code], choices, strict=True):
            cast(item, a, m, choice)
    close_and_count(item)
    services.result_publish(item=item, actor=ACTOR)
    client.force_login(User.objects.create_user(email="reader@example.org", person=voters["1"][0].person))
    page = client.get(f"/assemblies/{a.pk}/items/{item.pk}/result/", **EN).content.decode()
    weights = {c.code: Fraction(c.college_weight) for c in Category.objects.filter(cooperative=org.fr)}
    weighted_yes = sum(weights[c] * Fraction(v.count("yes"), len(v)) for c, v in votes.items())
    assert ("Adopted" if weighted_yes > Fraction(1, 2) else "Not adopted") in page
    assert "Quorum reached." in page  # every member of the electorate voted: 1/5 is reached
    assert "<svg" in page and "The same numbers as a table" in page
    for code, choices in votes.items():
        share = Fraction(choices.count("yes"), len(choices))
        assert re.search(rf'<th scope="row">{code}</th><td class="num">{choices.count("yes")}</td>', page)
        assert f"{float(share):.4f}".rstrip("0").rstrip(".") in page


def test_staff_inspect_the_electorate_with_each_members_reasons(client, org):
    (inside,) = members_in(org, org.be, 1)
    a = assembly(org.be)
    motion(a)
    convene(a)
    client.force_login(officer(org, "staff", org.be))
    page = client.get(f"/assemblies/{a.pk}/electorate/", **EN).content.decode()
    assert inside.person.display_name in page
    assert f"You were an admitted member on the record date ({a.record_date.isoformat()})." in page


def test_staff_enter_a_paper_proxy_with_the_reference_of_its_scan(client, org, open_motion):
    a, _item, (giver, holder, _other) = open_motion
    staff = officer(org, "staff", org.be)
    client.force_login(staff)
    client.post(
        f"/assemblies/{a.pk}/electorate/",
        {"giver_number": giver.number, "holder_number": holder.number, "paper_reference": "scan-2027-014"},
    )
    proxy = Proxy.objects.get(assembly=a)
    assert (proxy.giver.membership, proxy.holder.membership) == (giver, holder)
    assert proxy.paper_reference == "scan-2027-014" and proxy.entered_by == staff


def test_the_board_reads_the_electorate_but_cannot_enter_proxies_and_members_cannot_read_it(
    client, org, open_motion
):
    a, _item, (giver, holder, _other) = open_motion
    client.force_login(officer(org, "board", org.be))
    assert client.get(f"/assemblies/{a.pk}/electorate/").status_code == 200
    response = client.post(
        f"/assemblies/{a.pk}/electorate/", {"giver_number": giver.number, "holder_number": holder.number}
    )
    assert response.status_code == 403 and not Proxy.objects.exists()
    login(client, giver)
    assert client.get(f"/assemblies/{a.pk}/electorate/").status_code == 403


def test_staff_enter_a_postal_vote_for_a_member(client, org, open_motion):
    a, item, (voter, *_rest) = open_motion
    client.force_login(officer(org, "staff", org.be))
    client.post(
        f"/assemblies/{a.pk}/postal/", {"item": item.pk, "member_number": voter.number, "choice": "no"}
    )
    participation = Participation.objects.get(item=item)
    assert participation.channel == "postal" and participation.entry.membership == voter
    assert list(Ballot.objects.filter(item=item).values_list("content", flat=True)) == ["no"]


def test_a_statute_change_without_its_quorum_is_not_adopted_and_the_page_says_why(client, org):
    voters = members_in(org, org.be, 5)
    a = assembly(org.be, preset="be-sc-ordinary")
    item = motion(a, preset="be-sc-statutes")  # CSA art. 6:85: half the electorate present, 3/4 of votes cast
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    present = voters[:2]  # 2 of 5 < 1/2
    for m in present:
        cast(item, a, m, "yes")
    close_and_count(item)
    services.result_publish(item=item, actor=ACTOR)
    assert Fraction(len(present), len(voters)) < Fraction(1, 2)
    login(client, voters[0])
    page = client.get(f"/assemblies/{a.pk}/items/{item.pk}/result/", **EN).content.decode()
    assert "Not adopted" in page and "Quorum not reached." in page


def test_the_assembly_page_names_each_item_s_counting_method_in_words(client, org, open_motion):
    a, _item, (voter, *_rest) = open_motion
    login(client, voter)
    page = client.get(f"/assemblies/{a.pk}/", **EN).content.decode()
    assert "motion (for, against, abstain)" in page
    page = client.get(f"/assemblies/{a.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "motion (pour, contre, abstention)" in page


def test_every_counting_method_has_a_name_in_words() -> None:
    from coopgov.decisions.models import METHOD_KINDS, METHOD_LABELS

    assert set(METHOD_LABELS) == set(METHOD_KINDS)
