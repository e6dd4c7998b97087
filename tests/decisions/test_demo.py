"""The demo's assemblies: a past one with published results that recount, an upcoming one open for voting."""

from __future__ import annotations

from coopgov.decisions.demo import generate_assemblies
from coopgov.decisions.models import Assembly, ElectorateEntry
from coopgov.decisions.services import count_ballot_file
from coopgov.members.demo import generate


def test_the_demo_has_a_published_assembly_that_recounts_and_an_open_one_the_demo_member_may_vote_in(db):
    generate(40, 7)
    assert generate_assemblies() == 2
    assert generate_assemblies() == 0  # a second run reuses them
    past = Assembly.objects.get(status="published")
    for item in past.items.all():
        stored = item.result
        recount = count_ballot_file(
            stored.ballots_file, method=stored.method, seats=item.seats, seed=stored.seed
        )
        assert recount == stored.result
    upcoming = Assembly.objects.get(status="open")
    assert set(upcoming.items.values_list("status", flat=True)) == {"open"}
    assert ElectorateEntry.objects.get(
        assembly=upcoming, membership__person__email="member@example.org"
    ).eligible
    assert upcoming.sites.filter(antenna__code="BE-BRUXELLES").exists()
