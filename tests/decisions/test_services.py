"""Assemblies through their services: convening freezes the electorate; casting, proxies, counting."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from coopgov.audit.models import AuditEntry
from coopgov.decisions import services
from coopgov.decisions.models import Assembly, Ballot, ElectorateEntry, Item, Participation, Proxy
from coopgov.decisions.services import DecisionRefused
from tests.decisions.builders import (
    assembly,
    cast,
    close_and_count,
    convene,
    election,
    entry,
    members_in,
    motion,
)
from tests.members.builders import ACTOR, candidate, days_ago, member


def test_convening_freezes_who_was_admitted_on_the_record_date(org):
    early = member(org, org.be, shares=1, admitted_on=days_ago(100))
    late = member(org, org.be, shares=1, admitted_on=days_ago(5))
    waiting = candidate(org, org.be, applied_on=days_ago(50))
    a = assembly(org.be, record_date=days_ago(10))
    motion(a)
    convene(a)
    assert entry(a, early).eligible
    assert not entry(a, late).eligible
    assert not entry(a, waiting).eligible
    assert [r["code"] for r in entry(a, late).reasons] == ["not_admitted_on_record_date"]
    assert {"code": "in_college", "college": early.category.code} in entry(a, early).reasons


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics are PostgreSQL's")
def test_convening_refreshes_the_planners_statistics_of_the_electorate(org):
    """Casting looks entries up by assembly and person: planned on statistics from before the freeze (a
    handful of rows), each lookup hashed the whole electorate (~30 ms at 30,000 members)."""
    for _ in range(3):
        member(org, org.be, shares=1, admitted_on=days_ago(100))
    a = assembly(org.be, record_date=days_ago(10))
    motion(a)
    convene(a)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'decisions_electorateentry'")
        assert cursor.fetchone()[0] == ElectorateEntry.objects.count()


def test_statutes_requiring_paid_shares_leave_out_members_who_paid_nothing(org):
    paid = member(org, org.be, shares=1, paid=True)
    unpaid = member(org, org.be, shares=1, paid=False)
    a = assembly(org.be, requires_paid_shares=True)
    motion(a)
    convene(a)
    assert entry(a, paid).eligible
    assert not entry(a, unpaid).eligible
    assert "no_paid_shares" in [r["code"] for r in entry(a, unpaid).reasons]


def test_the_electorate_does_not_change_when_the_register_changes_after_convening(org):
    members_in(org, org.be, 2)
    a = assembly(org.be)
    motion(a)
    convene(a)
    frozen = ElectorateEntry.objects.filter(assembly=a).count()
    newcomer = member(org, org.be, shares=1)
    assert ElectorateEntry.objects.filter(assembly=a).count() == frozen
    assert not ElectorateEntry.objects.filter(assembly=a, membership=newcomer).exists()


def test_convening_refuses_a_date_within_the_statutory_notice(org):
    a = assembly(org.be, notice_days=30)
    motion(a)
    with pytest.raises(DecisionRefused) as refused:
        convene(a)
    assert refused.value.code == "notice_too_short"
    assert Assembly.objects.get(pk=a.pk).status == "draft"


def test_a_member_changes_their_vote_and_only_the_last_ballot_counts(org):
    (voter,) = members_in(org, org.be, 1)
    a = assembly(org.be)
    item = motion(a)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    first = cast(item, a, voter, "yes")
    second = cast(item, a, voter, "no")
    assert first != second
    assert Participation.objects.get(item=item).times_cast == 2
    assert list(Ballot.objects.filter(item=item).values_list("receipt", "content")) == [(second, "no")]


def test_a_secret_ballot_keeps_no_link_to_its_voter_after_closing(org):
    (voter,) = members_in(org, org.be, 1)
    a = assembly(org.be)
    item = motion(a, secret=True)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    cast(item, a, voter, "yes")
    ballot = Ballot.objects.get(item=item)
    assert ballot.entry is None and ballot.cast_at is None and ballot.seal
    services.item_close(item=item, actor=ACTOR)
    ballot.refresh_from_db()
    assert ballot.seal is None and ballot.entry is None


def test_a_member_outside_the_electorate_cannot_vote(org):
    (inside,) = members_in(org, org.be, 1)
    a = assembly(org.be, record_date=days_ago(3))
    item = motion(a)
    late = member(org, org.be, shares=1, admitted_on=days_ago(1))
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    with pytest.raises(DecisionRefused) as refused:
        cast(item, a, late, "yes")
    assert refused.value.code == "not_in_electorate"
    assert not Participation.objects.filter(item=item).exists()
    assert inside


def test_a_vote_on_an_item_not_yet_open_or_already_closed_is_refused(org):
    (voter,) = members_in(org, org.be, 1)
    a = assembly(org.be)
    item = motion(a)
    convene(a)
    with pytest.raises(DecisionRefused):
        cast(item, a, voter, "yes")
    services.item_open(item=item, actor=ACTOR)
    services.item_close(item=item, actor=ACTOR)
    with pytest.raises(DecisionRefused):
        cast(item, a, voter, "yes")
    assert not Ballot.objects.filter(item=item).exists()


def test_online_voting_outside_the_window_is_refused_but_room_voting_is_not(org):
    (voter,) = members_in(org, org.be, 1)
    now = timezone.now()
    a = assembly(org.be, voting_opens_at=now - timedelta(days=3), voting_closes_at=now - timedelta(hours=1))
    item = motion(a)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    with pytest.raises(DecisionRefused) as refused:
        cast(item, a, voter, "yes")
    assert refused.value.code == "outside_window"
    services.ballot_cast(item=item, entry=entry(a, voter), content="yes", actor=ACTOR, channel="room")
    assert Participation.objects.get(item=item).channel == "room"


def test_an_unreadable_vote_is_refused_with_the_ballot_readers_message(org):
    (voter,) = members_in(org, org.be, 1)
    a = assembly(org.be)
    item = motion(a)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    with pytest.raises(DecisionRefused) as refused:
        cast(item, a, voter, "perhaps")
    assert "yes" in refused.value.message


def test_a_proxy_adds_the_givers_vote_to_the_holders_ballot(org):
    holder, giver, other = members_in(org, org.fr, 3)
    a = assembly(org.fr)
    item = motion(a, secret=False)
    convene(a)
    services.proxy_give(assembly=a, giver=entry(a, giver), holder=entry(a, holder), actor=ACTOR)
    services.item_open(item=item, actor=ACTOR)
    cast(item, a, holder, "yes")
    cast(item, a, other, "no")
    services.item_close(item=item, actor=ACTOR)
    weights = dict(Ballot.objects.filter(item=item).values_list("content", "weight"))
    assert weights == {"yes": entry(a, holder).weight + entry(a, giver).weight, "no": entry(a, other).weight}


def test_a_giver_who_votes_overrides_their_proxy(org):
    holder, giver = members_in(org, org.fr, 2)
    a = assembly(org.fr)
    item = motion(a)
    convene(a)
    services.proxy_give(assembly=a, giver=entry(a, giver), holder=entry(a, holder), actor=ACTOR)
    services.item_open(item=item, actor=ACTOR)
    cast(item, a, holder, "yes")
    cast(item, a, giver, "no")
    services.item_close(item=item, actor=ACTOR)
    assert sorted(Ballot.objects.filter(item=item).values_list("weight", flat=True)) == [
        Decimal(1),
        Decimal(1),
    ]
    assert item.__class__.objects.get(pk=item.pk).proxy_report["refused"]


def test_a_revoked_proxy_does_not_count(org):
    holder, giver = members_in(org, org.fr, 2)
    a = assembly(org.fr)
    item = motion(a)
    convene(a)
    proxy = services.proxy_give(assembly=a, giver=entry(a, giver), holder=entry(a, holder), actor=ACTOR)
    services.proxy_revoke(proxy=proxy, actor=ACTOR)
    services.item_open(item=item, actor=ACTOR)
    cast(item, a, holder, "yes")
    services.item_close(item=item, actor=ACTOR)
    assert list(Ballot.objects.filter(item=item).values_list("weight", flat=True)) == [Decimal(1)]


def test_the_statutory_cap_on_proxies_is_checked_when_a_proxy_is_given(org):
    holder, first, second = members_in(org, org.fr, 3)
    a = assembly(org.fr, max_proxies_per_holder=1)
    motion(a)
    convene(a)
    services.proxy_give(assembly=a, giver=entry(a, first), holder=entry(a, holder), actor=ACTOR)
    with pytest.raises(DecisionRefused) as refused:
        services.proxy_give(assembly=a, giver=entry(a, second), holder=entry(a, holder), actor=ACTOR)
    assert refused.value.code == "holder_full"
    assert Proxy.objects.filter(assembly=a).count() == 1


def test_a_proxy_outside_the_college_is_refused_where_the_statutes_say_so(org):
    (holder,) = members_in(org, org.fr, 1, category="1")
    (giver,) = members_in(org, org.fr, 1, category="2")
    a = assembly(org.fr, proxies_same_college=True)
    motion(a)
    convene(a)
    with pytest.raises(DecisionRefused) as refused:
        services.proxy_give(assembly=a, giver=entry(a, giver), holder=entry(a, holder), actor=ACTOR)
    assert refused.value.code == "other_college"


def test_every_act_of_an_assembly_is_in_the_audit_log(org):
    holder, giver = members_in(org, org.fr, 2)
    a = assembly(org.fr)
    item = motion(a)
    convene(a)
    proxy = services.proxy_give(assembly=a, giver=entry(a, giver), holder=entry(a, holder), actor=ACTOR)
    services.proxy_revoke(proxy=proxy, actor=ACTOR)
    services.item_open(item=item, actor=ACTOR)
    cast(item, a, holder, "yes")
    close_and_count(item)
    services.result_publish(item=item, actor=ACTOR)
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    wanted = [
        "assembly.convened",
        "proxy.given",
        "proxy.revoked",
        "item.opened",
        "ballot.cast",
        "item.closed",
        "result.computed",
        "result.published",
    ]
    assert [a for a in actions if a in wanted] == wanted
    assert Item.objects.get(pk=item.pk).status == "published"
    assert Assembly.objects.get(pk=a.pk).status == "published"


def test_room_votes_recorded_by_a_relay_are_audited_on_behalf_of_the_member(org):
    (voter,) = members_in(org, org.be, 1)
    a = assembly(org.be)
    item = motion(a)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    services.ballot_cast(item=item, entry=entry(a, voter), content="yes", actor="relay@test", channel="room")
    record = AuditEntry.objects.get(action="ballot.cast")
    assert record.on_behalf_of == f"membership {voter.pk}"
    assert record.actor_label == "relay@test"


def test_an_election_for_one_college_takes_only_that_colleges_ballots_and_electorate(org):
    (coordinator,) = members_in(org, org.fr, 1, category="1")
    staff_members = members_in(org, org.fr, 3, category="2")
    a = assembly(org.fr)
    item = election(a, ["ana", "bo", "cy"], method="plurality", seats=1)
    Item.objects.filter(pk=item.pk).update(college="2")
    item.refresh_from_db()
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    with pytest.raises(DecisionRefused) as refused:
        cast(item, a, coordinator, "ana")
    assert refused.value.code == "other_college"
    for m, choice in zip(staff_members, ["bo", "bo", "cy"], strict=True):
        cast(item, a, m, choice)
    result = close_and_count(item)
    assert result.participation["electorate"] == len(staff_members)
    assert result.result["winners"] == ["bo"]


def test_a_member_who_applied_after_the_record_date_is_told_they_were_not_yet_admitted(org):
    a = assembly(org.be, record_date=days_ago(10))
    motion(a)
    newcomer = candidate(org, org.be, applied_on=days_ago(5))
    convene(a)
    assert [r["code"] for r in entry(a, newcomer).reasons] == ["not_admitted_on_record_date"]
