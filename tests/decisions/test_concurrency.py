"""Many connections casting one member's ballot at once (PostgreSQL, real transactions and row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from coopgov.decisions import services
from coopgov.decisions.models import Ballot, Item, Option, Participation
from coopgov.members.demo import setup_organisation
from tests.decisions.builders import assembly, convene, entry
from tests.members.builders import ACTOR, Org, member

THREADS = 20

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises whole-database writes, so row locks under concurrency are tested on PostgreSQL",
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("secret", [True, False], ids=["secret", "roll-call"])
def test_twenty_connections_casting_for_one_member_leave_one_ballot_and_the_last_counts(secret):
    units = setup_organisation()
    org = Org(group=units["SMART"], be=units["BE"], fr=units["FR"])
    voter = member(org, org.be, shares=1)
    a = assembly(org.be)
    item = Item.objects.create(
        assembly=a, order=1, kind=Item.Kind.POLL, title="Poll", method="plurality", secret=secret
    )
    for i in range(THREADS):
        Option.objects.create(item=item, key=f"o{i}", label=f"Option {i}", order=i)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    voter_entry = entry(a, voter)

    barrier = threading.Barrier(THREADS)
    receipts: dict[str, str] = {}
    errors: list[BaseException] = []

    def cast(i: int) -> None:
        try:
            barrier.wait()
            receipt = services.ballot_cast(item=item, entry=voter_entry, content=f"o{i}", actor=ACTOR)
            receipts[receipt] = f"o{i}"
        except BaseException as error:  # reported below, with the thread's own traceback lost
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cast, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(receipts) == THREADS
    participation = Participation.objects.get(item=item)
    assert participation.times_cast == THREADS
    (ballot,) = Ballot.objects.filter(item=item)
    assert receipts[ballot.receipt] == ballot.content
    if not secret:
        assert ballot.cast_at == participation.cast_at
