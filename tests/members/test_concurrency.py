"""Acts under concurrency stay correct: separate connections acting at the same moment (PostgreSQL only)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from coopgov.audit.selectors import audit_first_broken_entry
from coopgov.domain.governance.shares import ExitCause, MovementKind
from coopgov.members import services
from coopgov.members.errors import RuleViolation
from coopgov.members.models import Membership, ShareMovement
from coopgov.members.selectors import total_shares
from tests.members.builders import ACTOR, days_ago, member, new_person

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises write transactions (BEGIN IMMEDIATE); row locks are tested on PostgreSQL",
    ),
]

THREADS = 8


def at_once(act: Callable[[int], Any], count: int = THREADS) -> tuple[list[Any], list[BaseException]]:
    """Run ``act(i)`` in ``count`` threads released together; each thread has its own connection."""
    barrier = threading.Barrier(count)
    results: list[Any] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcome = act(i)
            with lock:
                results.append(outcome)
        except BaseException as exc:
            with lock:
                failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, failures


def test_concurrent_redemptions_never_make_a_holding_negative(org):
    holder = member(org, org.be, shares=3)
    share_class = org.share_class(org.be)

    def redeem(_: int) -> str:
        try:
            services.share_movement_record(
                membership=holder,
                kind=MovementKind.REDEMPTION,
                share_class=share_class,
                on=days_ago(1),
                actor=ACTOR,
                quantity=1,
                cause=ExitCause.OTHER,
            )
        except RuleViolation as refused:
            return ",".join(r.code for r in refused.reasons)
        return "ok"

    results, failures = at_once(redeem)
    assert failures == []
    assert results.count("ok") == 3
    assert all("negative_holding" in r.split(",") for r in results if r != "ok")
    assert total_shares(holder)[0] == 0
    assert ShareMovement.objects.filter(membership=holder, kind="redemption").count() == 3
    assert audit_first_broken_entry() is None


def test_concurrent_candidacies_get_distinct_sequential_register_numbers(org):
    start = member(org, org.fr).number + 1
    people = [new_person() for _ in range(THREADS)]

    def apply(i: int) -> int:
        return services.membership_apply(
            person=people[i],
            cooperative=org.fr,
            category=org.category(org.fr),
            applied_on=days_ago(1),
            actor=ACTOR,
        ).number

    numbers, failures = at_once(apply)
    assert failures == []
    assert sorted(numbers) == list(range(start, start + THREADS))
    assert Membership.objects.filter(cooperative=org.fr, number__gte=start).count() == THREADS
    assert audit_first_broken_entry() is None


def test_concurrent_admissions_of_one_candidate_admit_once(org):
    from tests.members.builders import candidate

    waiting = candidate(org, org.be)

    def admit(_: int) -> str:
        try:
            services.membership_admit(membership=waiting, on=days_ago(1), actor=ACTOR, deciding_body="board")
        except RuleViolation as refused:
            return ",".join(r.code for r in refused.reasons)
        return "ok"

    results, failures = at_once(admit)
    assert failures == []
    assert results.count("ok") == 1
    assert set(results) - {"ok"} == {"invalid_transition"}
    assert waiting.events.filter(to_status="admitted").count() == 1
