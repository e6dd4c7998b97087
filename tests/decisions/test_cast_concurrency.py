"""Many members casting at once, and closing while they cast (PostgreSQL, real transactions and locks).

Casts do not queue on the audit chain's head (docs/adr/0006-casting-under-load.md): each must still
leave exactly one participation and one ballot per member, one audit entry per accepted cast in an
unbroken chain, and nothing may slip in after the item closes.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from coopgov.audit.models import AuditEntry
from coopgov.audit.selectors import audit_first_broken_entry
from coopgov.audit.services import audit_pending_count
from coopgov.decisions import services
from coopgov.decisions.models import Ballot, Participation
from coopgov.decisions.services import DecisionRefused
from coopgov.members.demo import setup_organisation
from tests.decisions.builders import assembly, convene, entry, members_in, motion
from tests.members.builders import ACTOR, Org

THREADS = 12
MEMBERS = 36

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises whole-database writes, so row locks under concurrency are tested on PostgreSQL",
)


def _open_motion(secret: bool):
    units = setup_organisation()
    org = Org(group=units["SMART"], be=units["BE"], fr=units["FR"])
    voters = members_in(org, org.be, MEMBERS)
    a = assembly(org.be)
    item = motion(a, secret=secret)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    return a, item, [entry(a, m) for m in voters]


def _run(threads: list[threading.Thread]) -> None:
    for t in threads:
        t.start()
    for t in threads:
        t.join()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("secret", [True, False], ids=["secret", "roll-call"])
def test_members_casting_at_once_leave_one_ballot_each_and_an_unbroken_chain(secret):
    _a, item, entries = _open_motion(secret)
    audited_before = AuditEntry.objects.count()
    barrier = threading.Barrier(THREADS)
    last: dict[int, tuple[str, str]] = {}
    accepted: list[int] = []
    errors: list[BaseException] = []

    def worker(number: int) -> None:
        try:
            barrier.wait()
            mine = entries[number::THREADS]
            # Every member casts, then changes their vote once: two casts each, in this thread's order.
            for round_, choice in enumerate(("yes", "no")):
                for e in mine:
                    vote = choice if (e.pk + round_) % 3 else "abstain"
                    receipt = services.ballot_cast(item=item, entry=e, content=vote, actor=ACTOR)
                    last[e.pk] = (receipt, vote)
                    accepted.append(e.pk)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    _run([threading.Thread(target=worker, args=(i,)) for i in range(THREADS)])

    assert errors == []
    assert len(accepted) == 2 * MEMBERS
    assert Participation.objects.filter(item=item).count() == MEMBERS
    assert set(Participation.objects.filter(item=item).values_list("times_cast", flat=True)) == {2}
    stored = {b.receipt: b.content for b in Ballot.objects.filter(item=item)}
    assert stored == dict(last.values())
    # Every accepted cast is in the chain, nothing is left waiting, and the chain verifies.
    assert audit_pending_count() == 0
    assert AuditEntry.objects.count() - audited_before == 2 * MEMBERS
    assert AuditEntry.objects.filter(action="ballot.cast").count() == 2 * MEMBERS
    assert audit_first_broken_entry() is None


@pytest.mark.django_db(transaction=True)
def test_closing_while_members_cast_lets_no_ballot_in_after_it():
    _a, item, entries = _open_motion(secret=True)
    barrier = threading.Barrier(THREADS + 1)
    refused: list[str] = []
    errors: list[BaseException] = []

    def caster(number: int) -> None:
        try:
            barrier.wait()
            for e in entries[number::THREADS]:
                try:
                    services.ballot_cast(item=item, entry=e, content="yes", actor=ACTOR)
                except DecisionRefused as refusal:
                    refused.append(refusal.code)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    def closer() -> None:
        try:
            barrier.wait()
            services.item_close(item=item, actor=ACTOR)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    _run(
        [threading.Thread(target=caster, args=(i,)) for i in range(THREADS)]
        + [threading.Thread(target=closer)]
    )

    assert errors == []
    assert set(refused) <= {"item_not_open"}
    ballots = Ballot.objects.filter(item=item)
    # Closing erased every seal: no ballot was written after it, and each vote has its participation.
    assert not ballots.filter(seal__isnull=False).exists()
    assert ballots.count() == Participation.objects.filter(item=item).count() == MEMBERS - len(refused)
    closed = AuditEntry.objects.get(action="item.closed")
    assert closed.after["participants"] == MEMBERS - len(refused)
    assert not AuditEntry.objects.filter(action="ballot.cast", seq__gt=closed.seq).exists()
    assert audit_pending_count() == 0
    assert audit_first_broken_entry() is None
