"""The demo's bilans participatifs and roll-ups: meetings with guests, walk-ins, contributions entered
for someone and minutes; national and group orientations with provenance by antenna; a suggested
duplicate across two antennas (found through a translation); a second run adds nothing."""

from __future__ import annotations

from typing import Any

from coopgov.meetings.demo import demo_meetings
from coopgov.meetings.models import Contribution, Meeting, Minutes, Registration
from coopgov.members.demo import generate
from coopgov.organisation.models import Unit
from coopgov.orientations.demo import demo_orientations
from coopgov.orientations.selectors import duplicate_suggestions, orientations_of, provenance_by_proposal
from coopgov.participation.demo import demo_participation


def test_the_demo_holds_bilans_and_rolls_their_orientations_up_to_the_group(db: Any) -> None:
    generate(120, 7)
    demo_participation(7)
    held = demo_meetings(7)
    risen = demo_orientations(7)
    assert held["meetings"] >= 5 and held["minutes"] >= 4
    assert Registration.objects.filter(user__isnull=True).exists()  # guests without an account
    assert Contribution.objects.filter(on_behalf="room").exists()
    assert Contribution.objects.filter(
        on_behalf="participant", entered_by__email="relay@example.org"
    ).exists()
    assert Minutes.objects.filter(published_at__isnull=False).count() == held["minutes"]
    assert Meeting.objects.filter(antenna__code="BE-BRUXELLES", capacity=30).exists()  # upcoming

    assert risen["orientations"] == 3
    group = orientations_of(Unit.objects.get(code="SMART"))
    assert len(group) == 1
    sources = provenance_by_proposal([group[0].pk])[group[0].pk]
    assert {s.antenna.code for s in sources} >= {"BE-BRUXELLES", "FR-PARIS", "BE", "FR"}
    suggested = duplicate_suggestions(Unit.objects.get(code="BE"))
    assert any(
        {s.first.process.unit.code, s.second.process.unit.code} == {"BE-BRUXELLES", "BE-GENT"}
        and "enfants" in s.first.title + s.second.title
        for s in suggested
    )

    assert demo_meetings(7)["meetings"] == 0
    assert demo_orientations(7)["orientations"] == 0
