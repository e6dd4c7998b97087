"""The whole demo of participation from antenna to group, built by `coopgov demo`: processes at several
levels, bilans participatifs in several antennas, a national roll-up with its provenance, the Smart in
Progress follow-up and the thematic communities — and their pages render."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_demo_shows_the_whole_issue_and_its_pages_render(client: Any) -> None:
    """One demo run (it takes several seconds), then each part of the issue checked in turn."""
    call_command("demo", members=60, seed=7, no_serve=True, stdout=StringIO())
    there_are_processes_at_every_level()
    there_are_bilans_participatifs_in_several_antennas()
    there_is_a_national_roll_up_with_provenance_from_several_antennas()
    there_is_a_running_smart_in_progress_cycle_in_every_status()
    there_are_thematic_communities_with_members_and_a_dated_history()
    the_pages_render(client)
    a_second_run_reuses_the_demo()


def there_are_processes_at_every_level() -> None:
    from coopgov.participation.models import Process, Proposal

    kinds = set(Process.objects.values_list("unit__kind", flat=True))
    assert {"group", "cooperative", "antenna"} <= kinds
    assert Proposal.objects.filter(process__unit__kind="antenna").count() >= 5


def there_are_bilans_participatifs_in_several_antennas() -> None:
    from coopgov.meetings.models import Meeting

    antennas = set(Meeting.objects.values_list("antenna__code", flat=True))
    assert len(antennas) >= 2
    assert Meeting.objects.filter(attendances__isnull=False).exists()
    assert Meeting.objects.filter(contributions__entered_by__isnull=False).exists()


def there_is_a_national_roll_up_with_provenance_from_several_antennas() -> None:
    from coopgov.orientations.models import RollupSource
    from coopgov.orientations.selectors import provenance_by_proposal

    parents = set(
        RollupSource.objects.filter(parent__process__unit__kind="cooperative").values_list(
            "parent_id", flat=True
        )
    )
    assert parents
    provenance = provenance_by_proposal(parents)
    assert any(len({s.antenna.code for s in sources}) >= 2 for sources in provenance.values())


def there_is_a_running_smart_in_progress_cycle_in_every_status() -> None:
    from coopgov.followup.models import Cycle, Status

    cycle = Cycle.objects.get()
    assert cycle.themes.count() == 4 and cycle.groups.count() >= 4
    assert set(cycle.recommendations.values_list("status", flat=True)) == {s.value for s in Status}
    assert cycle.recommendations.exclude(response="").count() >= 8
    assert cycle.recommendations.filter(history__isnull=False).distinct().count() >= 8


def there_are_thematic_communities_with_members_and_a_dated_history() -> None:
    from coopgov.organisation.models import CommunityMembership, Unit
    from coopgov.participation.models import Process

    for community in Unit.objects.filter(kind="community"):
        assert CommunityMembership.objects.filter(community=community, left_at__isnull=True).count() >= 10
        assert Process.objects.filter(unit=community, proposals__isnull=False).exists()
    assert CommunityMembership.objects.filter(left_at__isnull=False).exists()


def a_second_run_reuses_the_demo() -> None:
    from coopgov.followup.models import Recommendation

    before = Recommendation.objects.count()
    call_command("demo", members=60, seed=7, no_serve=True, stdout=StringIO())
    assert Recommendation.objects.count() == before


def the_pages_render(client: Any) -> None:
    from coopgov.accounts.models import User
    from coopgov.followup.models import Cycle
    from coopgov.participation.models import Process

    cycle = Cycle.objects.get()
    assert client.get(cycle.get_absolute_url()).status_code == 200
    assert client.get(cycle.recommendations.first().get_absolute_url()).status_code == 200
    client.force_login(User.objects.get(email="member@example.org"))
    assert client.get("/organisation/communities/").status_code == 200
    assert client.get("/organisation/communities/COMM-CREATIVE/").status_code == 200
    process = Process.objects.filter(unit__kind="antenna").first()
    assert client.get(process.get_absolute_url()).status_code == 200
    client.force_login(User.objects.get(email="board@example.org"))
    assert client.get("/follow-up/dashboards/BE/").status_code == 200
