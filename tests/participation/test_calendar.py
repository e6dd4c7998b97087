"""The phase calendar: staff set it on a page (all or nothing, each mistake named), the current phase
follows it (``advance_phases``, its command and its task), a manual switch holds, and every act obeys the
phase in force — even between an end date and the next run."""

from __future__ import annotations

import re
import threading
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from coopgov.accounts.models import User
from coopgov.audit.models import AuditEntry
from coopgov.members.demo import DEMO_TOTP_SECRET
from coopgov.notifications.models import Notification
from coopgov.participation import services, tasks
from coopgov.participation.models import Phase, PhaseSwitch, Process, Proposal
from coopgov.participation.services import CalendarRefused, ParticipationRefused, PhasePlan
from tests.organisation.world import World, user_with_role

TODAY = timezone.localdate()


def _at(day: date, hour: int = 9) -> datetime:
    """A moment of ``day`` in the site's time zone."""
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _days(n: int) -> date:
    return TODAY + timedelta(days=n)


def _calendar_process(world: World, *, gap: int = 0) -> Process:
    """Bruxelles' process, opened in its contribution phase: information already over, contribution from
    5 days ago to 4 days ahead, deliberation for the 10 days after (``gap`` days later), then a decision
    phase without an end date."""
    start = _days(5 + gap)
    return services.process_create(
        unit=world.brussels,
        title="Bilan calendrier",
        language="fr",
        phases=[
            PhasePlan("information", _days(-20), _days(-6)),
            PhasePlan("contribution", _days(-5), _days(4)),
            PhasePlan("deliberation", start, start + timedelta(days=9)),
            PhasePlan("decision", start + timedelta(days=10)),
        ],
        current=1,
        actor="fixture",
    )


def _propose(process: Process, user: User) -> Proposal:
    return services.proposal_create(
        process=process, author=user, title="Un atelier", body="Partagé.", language="fr", actor=user
    )


def _officer(world: World, role: str, where: str) -> User:
    user = user_with_role(world, role, where)
    TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def _client(user: User | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def _post_data(process: Process, **changes: Any) -> dict[str, Any]:
    """The calendar form as stored, with ``changes`` as {"<kind>-<field>": value}."""
    data: dict[str, Any] = {}
    for phase in process.phases.order_by("position"):
        values = {
            "position": phase.position,
            "starts_on": phase.starts_on.isoformat() if phase.starts_on else "",
            "ends_on": phase.ends_on.isoformat() if phase.ends_on else "",
            **{f: "on" for f in ("proposing", "supporting", "commenting", "amending") if getattr(phase, f)},
        }
        for key, value in changes.items():
            kind, field = key.rsplit("-", 1)
            if kind == phase.kind:
                values[field] = value
        data.update({f"p{phase.pk}-{k}": v for k, v in values.items() if v is not False})
    return data


def _dates(process: Process) -> list[tuple[str, int, date | None, date | None]]:
    return list(process.phases.order_by("pk").values_list("kind", "position", "starts_on", "ends_on"))


# --- advance_phases --------------------------------------------------------------------------------------


def test_a_process_whose_phase_ended_moves_to_the_phase_of_the_day_audited_and_followers_told(
    world: World,
) -> None:
    process = _calendar_process(world)
    services.follow_set(user=world.member_user, following=True, process=process)
    moved = services.advance_phases(now=_at(_days(5)))
    assert [(p.pk, phase.kind) for p, phase in moved] == [(process.pk, "deliberation")]
    process.refresh_from_db()
    assert process.current_phase.kind == "deliberation"
    assert process.phase_switched_by == PhaseSwitch.CALENDAR and process.phase_since == _at(_days(5))
    entry = AuditEntry.objects.get(action="participation.phase_advanced")
    assert entry.actor_id is None and entry.actor_label == "calendar"
    assert entry.before["phase"] == "contribution" and entry.after["phase"] == "deliberation"
    assert Notification.objects.filter(
        kind="participation.phase_advanced.deliberation", recipient=world.member_user
    ).exists()


def test_advancing_twice_moves_nothing_the_second_time(world: World) -> None:
    process = _calendar_process(world)
    services.follow_set(user=world.member_user, following=True, process=process)
    assert len(services.advance_phases(now=_at(_days(5)))) == 1
    assert services.advance_phases(now=_at(_days(5), hour=23)) == []
    assert AuditEntry.objects.filter(action="participation.phase_advanced").count() == 1
    assert Notification.objects.filter(kind__startswith="participation.phase_advanced").count() == 1
    process.refresh_from_db()
    assert process.current_phase.kind == "deliberation"


def test_a_phase_is_open_on_its_last_day(world: World) -> None:
    process = _calendar_process(world)
    assert services.advance_phases(now=_at(_days(4), hour=23)) == []
    process.refresh_from_db()
    assert process.current_phase.kind == "contribution"


def test_a_run_missed_for_weeks_lands_on_the_phase_of_the_day(world: World) -> None:
    process = _calendar_process(world)
    (moved,) = services.advance_phases(now=_at(_days(40)))
    assert moved[1].kind == "decision"
    process.refresh_from_db()
    assert process.current_phase.kind == "decision"


def test_in_a_gap_the_process_stays_put_and_no_act_is_allowed(world: World) -> None:
    process = _calendar_process(world, gap=3)
    assert services.advance_phases(now=_at(_days(6))) == []
    with freeze_time(_at(_days(6))):
        fresh = Process.objects.select_related("current_phase").get(pk=process.pk)
        assert fresh.current_phase.kind == "contribution" and fresh.phase_in_force() is None
        assert not world.member_user.has_perm("participation.propose", fresh)
        with pytest.raises(ParticipationRefused) as refused:
            _propose(fresh, world.member_user)
    assert refused.value.code == "proposing_closed"


def test_an_act_after_the_end_date_obeys_the_calendar_before_the_run(world: World) -> None:
    """Between an end date and the next run, the phase in force is already the calendar's."""
    process = _calendar_process(world)
    proposal = _propose(process, world.member_user)
    other = user_with_role(world, "relay", "antenna Bruxelles")
    with freeze_time(_at(_days(5), hour=0)):
        fresh = Process.objects.select_related("current_phase").get(pk=process.pk)
        assert fresh.current_phase.kind == "contribution"  # not moved yet
        assert fresh.phase_in_force().kind == "deliberation"
        assert not world.member_user.has_perm("participation.propose", fresh)
        with pytest.raises(ParticipationRefused):
            _propose(fresh, world.member_user)
        proposal = Proposal.objects.select_related("process__current_phase", "process__unit").get(
            pk=proposal.pk
        )
        assert other.has_perm("participation.amend", proposal)
        services.amendment_propose(proposal=proposal, author=other, body="Partagé par tous.", language="fr")


def test_a_manual_switch_is_recorded_as_such_and_the_calendar_follows_from_its_end(world: World) -> None:
    process = _calendar_process(world)
    information = process.phases.get(kind="information")
    contribution = process.phases.get(kind="contribution")
    services.process_phase_switch(process=process, phase=information, actor="staff")
    entry = AuditEntry.objects.filter(action="participation.phase_switched").latest("seq")
    assert entry.after["by"] == "hand"
    process.refresh_from_db()
    assert process.phase_switched_by == PhaseSwitch.HAND
    # Information ended before it was put back in force: staff hold it open; the calendar leaves it.
    assert services.advance_phases(now=_at(_days(1))) == []
    process.refresh_from_db()
    assert process.current_phase == information
    # Put back in force by hand before its end, contribution moves on when it ends.
    services.process_phase_switch(process=process, phase=contribution, actor="staff")
    (moved,) = services.advance_phases(now=_at(_days(5)))
    assert moved[1].kind == "deliberation"


def test_the_command_moves_the_processes_due_and_is_idempotent(world: World) -> None:
    with freeze_time(_at(_days(-5))):
        process = _calendar_process(world)  # opened five days ago: contribution ends yesterday
    Phase.objects.filter(process=process, kind="contribution").update(ends_on=_days(-1))
    Phase.objects.filter(process=process, kind="deliberation").update(starts_on=TODAY)
    first, second = StringIO(), StringIO()
    call_command("advance_phases", stdout=first)
    call_command("advance_phases", stdout=second)
    assert "BE-BRUXELLES bilan-calendrier: now in phase 3 (deliberation)" in first.getvalue()
    assert "processes moved on: 1" in first.getvalue()
    assert second.getvalue().strip() == "processes moved on: 0"
    process.refresh_from_db()
    assert process.current_phase.kind == "deliberation"


def test_the_task_moves_the_processes_due(world: World) -> None:
    with freeze_time(_at(_days(-5))):
        process = _calendar_process(world)
    Phase.objects.filter(process=process, kind="contribution").update(ends_on=_days(-1))
    Phase.objects.filter(process=process, kind="deliberation").update(starts_on=TODAY)
    result = tasks.advance_phases.enqueue()  # the immediate backend runs it here
    assert result.return_value == 1
    out = StringIO()
    call_command("advance_phases", "--enqueue", stdout=out)
    assert out.getvalue().startswith("advance_phases enqueued:")
    process.refresh_from_db()
    assert process.current_phase.kind == "deliberation"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises write transactions (BEGIN IMMEDIATE); row locks are tested on PostgreSQL",
)
def test_two_runs_at_once_move_each_process_once(world: World) -> None:
    """Two runs in two threads (two connections) over the same due processes: each process moves once,
    with one audit entry and one notice per follower."""
    processes = [_calendar_process(world)]
    for i in range(5):
        processes.append(
            services.process_create(
                unit=world.brussels,
                title=f"Bilan {i}",
                language="fr",
                phases=[PhasePlan("contribution", _days(-5), _days(4)), PhasePlan("deliberation", _days(5))],
                current=0,
                actor="fixture",
            )
        )
    for process in processes:
        services.follow_set(user=world.member_user, following=True, process=process)
    barrier = threading.Barrier(2)
    moved: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            moved.append(len(services.advance_phases(now=_at(_days(5)))))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(moved) == len(processes)
    assert AuditEntry.objects.filter(action="participation.phase_advanced").count() == len(processes)
    assert Notification.objects.filter(kind="participation.phase_advanced.deliberation").count() == len(
        processes
    )


# --- process_calendar_set --------------------------------------------------------------------------------


def _rows(process: Process, **changes: dict[str, Any]) -> list[services.PhaseDates]:
    rows = []
    for phase in process.phases.order_by("position"):
        values: dict[str, Any] = {
            "phase_id": phase.pk,
            "position": phase.position,
            "starts_on": phase.starts_on,
            "ends_on": phase.ends_on,
            "features": frozenset(f.value for f in phase.features()),
        }
        values.update(changes.get(phase.kind, {}))
        rows.append(services.PhaseDates(**values))
    return rows


def test_staff_set_the_order_dates_and_features_at_once_audited(world: World) -> None:
    process = _calendar_process(world)
    rows = _rows(
        process,
        information={"position": 2, "starts_on": None, "ends_on": None},  # off the calendar
        contribution={"position": 1, "features": frozenset({"proposing", "amending"})},
        deliberation={"ends_on": _days(30)},
        decision={"starts_on": _days(31)},
    )
    services.process_calendar_set(process=process, rows=rows, actor="staff")
    phases = {p.kind: p for p in process.phases.all()}
    assert phases["contribution"].position == 1 and phases["information"].position == 2
    assert phases["contribution"].features() == ["proposing", "amending"]
    assert phases["deliberation"].ends_on == _days(30) and phases["decision"].starts_on == _days(31)
    entry = AuditEntry.objects.get(action="participation.calendar_set")
    assert [row["kind"] for row in entry.after["phases"]][:2] == ["contribution", "information"]


def test_a_calendar_with_mistakes_names_each_and_saves_nothing(world: World) -> None:
    process = _calendar_process(world)
    before = _dates(process)
    rows = _rows(
        process,
        contribution={"ends_on": _days(-9)},  # before its start
        decision={"starts_on": _days(10)},  # over deliberation's last days
    )
    with pytest.raises(CalendarRefused) as refused:
        services.process_calendar_set(process=process, rows=rows, actor="staff")
    phase = {p.kind: p.pk for p in process.phases.all()}
    assert [(pk, field) for pk, field, _message in refused.value.errors] == [
        (phase["contribution"], "ends_on"),
        (phase["decision"], "starts_on"),
    ]
    assert _dates(process) == before
    assert not AuditEntry.objects.filter(action="participation.calendar_set").exists()


def test_a_calendar_must_list_every_phase_of_the_process_once(world: World) -> None:
    process = _calendar_process(world)
    with pytest.raises(ParticipationRefused) as refused:
        services.process_calendar_set(process=process, rows=_rows(process)[:3], actor="staff")
    assert refused.value.code == "calendar_phases"


def test_ending_the_phase_in_force_on_the_calendar_moves_the_process_on_at_once(world: World) -> None:
    process = _calendar_process(world)
    rows = _rows(process, contribution={"ends_on": _days(-1)}, deliberation={"starts_on": TODAY})
    process = services.process_calendar_set(process=process, rows=rows, actor="staff")
    assert process.current_phase.kind == "deliberation"
    assert process.phase_switched_by == PhaseSwitch.CALENDAR


# --- the pages -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["antenna Bruxelles", "cooperative BE", "group"])
def test_staff_of_the_unit_or_above_edit_the_calendar(world: World, where: str) -> None:
    process = _calendar_process(world)
    client = _client(_officer(world, "staff", where))
    url = reverse("participation:process_calendar", args=[process.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Calendar of the phases" in page.content.decode()
    response = client.post(url, _post_data(process, **{"deliberation-ends_on": _days(12).isoformat()}))
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == process.get_absolute_url()
    assert process.phases.get(kind="deliberation").ends_on == _days(12)


@pytest.mark.parametrize(
    ("role", "where"),
    [
        ("member", "antenna Bruxelles"),
        ("relay", "antenna Bruxelles"),
        ("moderator", "antenna Bruxelles"),
        ("board", "cooperative BE"),
        ("staff", "other antenna"),
        ("staff", "other cooperative FR"),
    ],
)
def test_others_may_not_see_or_change_the_calendar(world: World, role: str, where: str) -> None:
    process = _calendar_process(world)
    user = _officer(world, role, where) if role in ("staff", "board") else user_with_role(world, role, where)
    client = _client(user)
    url = reverse("participation:process_calendar", args=[process.pk])
    before = _dates(process)
    assert client.get(url).status_code == 403
    response = client.post(url, _post_data(process, **{"deliberation-ends_on": _days(12).isoformat()}))
    assert response.status_code == 403
    assert _dates(process) == before


def test_an_anonymous_visitor_is_sent_to_sign_in(world: World) -> None:
    process = _calendar_process(world)
    url = reverse("participation:process_calendar", args=[process.pk])
    before = _dates(process)
    for response in (_client(None).get(url), _client(None).post(url, _post_data(process))):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert _dates(process) == before


def test_the_calendar_form_marks_each_wrong_field_and_saves_nothing(world: World) -> None:
    process = _calendar_process(world)
    before = _dates(process)
    client = _client(_officer(world, "staff", "antenna Bruxelles"))
    url = reverse("participation:process_calendar", args=[process.pk])
    response = client.post(
        url,
        _post_data(
            process,
            **{"contribution-ends_on": _days(-9).isoformat(), "decision-starts_on": _days(10).isoformat()},
        ),
    )
    assert response.status_code == 422
    form = response.context["form"]
    contribution = process.phases.get(kind="contribution")
    decision = process.phases.get(kind="decision")
    assert form.errors[f"p{contribution.pk}-ends_on"] == ["The end date is before the start date."]
    assert "must start after “Deliberation”" in form.errors[f"p{decision.pk}-starts_on"][0]
    html = response.content.decode()
    assert "Nothing was saved: please correct the fields marked below." in html
    assert (
        f'aria-describedby="id_p{contribution.pk}-ends_on_helptext id_p{contribution.pk}-ends_on_error"'
        in html
    )
    assert _dates(process) == before


def test_a_date_that_is_not_a_date_is_named_and_nothing_is_saved(world: World) -> None:
    process = _calendar_process(world)
    before = _dates(process)
    client = _client(_officer(world, "staff", "antenna Bruxelles"))
    url = reverse("participation:process_calendar", args=[process.pk])
    response = client.post(url, _post_data(process, **{"decision-starts_on": "31/02/2027"}))
    assert response.status_code == 422
    decision = process.phases.get(kind="decision")
    assert response.context["form"].errors[f"p{decision.pk}-starts_on"] == [
        "Enter a date as year-month-day, e.g. 2027-03-31."
    ]
    assert _dates(process) == before


def test_the_process_page_lists_the_calendar_with_the_phase_in_force_marked(world: World) -> None:
    process = _calendar_process(world)
    html = _client(world.member_user).get(process.get_absolute_url()).content.decode()
    current = re.findall(r'<li aria-current="step"[^>]*>(.*?)</li>', html, flags=re.S)
    assert len(current) == 1 and "Contribution" in current[0] and "in force" in current[0]
    assert f'<time datetime="{_days(4).isoformat()}">' in current[0]
    with freeze_time(_at(_days(5))):  # contribution is over; the run has not happened yet
        html = _client(world.member_user).get(process.get_absolute_url()).content.decode()
    current = re.findall(r'<li aria-current="step"[^>]*>(.*?)</li>', html, flags=re.S)
    assert len(current) == 1 and "Deliberation" in current[0]


def test_putting_an_ended_phase_in_force_by_hand_warns_that_it_stays(world: World) -> None:
    process = _calendar_process(world)
    client = _client(_officer(world, "staff", "antenna Bruxelles"))
    information = process.phases.get(kind="information")
    response = client.post(
        reverse("participation:process_phase", args=[process.pk]), {"phase": information.pk}, follow=True
    )
    html = response.content.decode()
    assert "Its end date has passed: it stays in force" in html
    assert "was put in force by hand on" in html


def test_the_list_of_processes_names_the_phase_in_force(world: World) -> None:
    process = _calendar_process(world)
    with freeze_time(_at(_days(5))):  # contribution is over; the run has not happened yet
        html = _client(world.member_user).get(reverse("participation:list")).content.decode()
    assert re.search(
        rf'{re.escape(process.get_absolute_url())}"[^>]*>[^<]*</a>\s*— phase: Deliberation,', html
    )
