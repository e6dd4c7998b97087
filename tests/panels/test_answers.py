"""A selected member is invited to sit on the panel and answers it: told when drawn, answers (and may
change their answer) on the draw's page or through the API, each answer audited; only they answer; the
unit's officers read who accepted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from coopgov.accounts.models import User
from coopgov.audit.models import AuditEntry
from coopgov.members.models import Person
from coopgov.notifications.models import Notification
from coopgov.panels import services
from coopgov.panels.models import Candidate, Draw
from tests.followup.builders import officer
from tests.organisation.world import World, bearer


@pytest.fixture(autouse=True)
def _english(client: Any) -> Iterator[None]:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def drawn(world: World, django_capture_on_commit_callbacks: Any) -> Draw:
    """Every pool member of BE has an account; a panel of 6 is drawn from BE's register."""
    for person in Person.objects.filter(account__isnull=True, memberships__cooperative=world.be).distinct():
        User.objects.create_user(email=f"p{person.pk}@example.org", person=person)
    staff = officer(world, "staff", "cooperative BE")
    request = services.DrawRequest(title="Panel climat", panel_size=6, features=("antenna", "college"))
    with django_capture_on_commit_callbacks(execute=True):
        draw = services.draw_request(unit=world.be, request=request, actor=staff)
    draw.refresh_from_db()
    assert draw.status == Draw.Status.DRAWN
    return draw


def _selected_user(draw: Draw) -> User:
    return User.objects.get(person__in=draw.candidates.filter(selected=True).values("person")[:1])


def _not_selected_user(draw: Draw) -> User:
    return User.objects.get(person__in=draw.candidates.filter(selected=False).values("person")[:1])


def test_the_selected_members_and_only_they_are_invited_when_the_draw_is_made(drawn: Draw) -> None:
    told = set(
        Notification.objects.filter(kind="panels.selected").values_list("recipient__person", flat=True)
    )
    assert told == set(drawn.candidates.filter(selected=True).values_list("person", flat=True))
    assert len(told) == 6
    notice = Notification.objects.filter(kind="panels.selected").first()
    assert notice is not None and notice.url == drawn.get_absolute_url()


def test_a_selected_member_accepts_then_declines_and_each_answer_is_audited(drawn: Draw) -> None:
    user = _selected_user(drawn)
    services.panel_respond(draw=drawn, user=user, accept=True)
    candidate = Candidate.objects.get(draw=drawn, person=user.person)
    assert candidate.response == "accepted" and candidate.responded_at is not None
    services.panel_respond(draw=drawn, user=user, accept=False)
    candidate.refresh_from_db()
    assert candidate.response == "declined"
    entries = list(AuditEntry.objects.filter(action__in=("panel.accepted", "panel.declined")).order_by("pk"))
    assert [e.action for e in entries] == ["panel.accepted", "panel.declined"]
    assert entries[1].before == {"response": "accepted"}
    assert entries[1].after == {"person_id": user.person_id, "response": "declined"}


def test_a_member_not_selected_cannot_answer_and_nothing_changes(drawn: Draw) -> None:
    user = _not_selected_user(drawn)
    with pytest.raises(services.PanelRefused):
        services.panel_respond(draw=drawn, user=user, accept=True)
    assert not Candidate.objects.exclude(response="").exists()
    assert not AuditEntry.objects.filter(action__startswith="panel.acc").exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("selected", True),
        ("not selected", False),
        ("staff of the unit", False),  # no one answers for the member
        ("member of another cooperative", False),
    ],
)
def test_who_may_answer_on_the_page(client: Any, world: World, drawn: Draw, who: str, allowed: bool) -> None:
    user = {
        "selected": lambda: _selected_user(drawn),
        "not selected": lambda: _not_selected_user(drawn),
        "staff of the unit": lambda: officer(world, "staff", "cooperative BE"),
        "member of another cooperative": lambda: User.objects.create_user(
            email="fr@example.org", person=Person.objects.filter(memberships__cooperative=world.fr).first()
        ),
    }[who]()
    client.force_login(user)
    response = client.post(reverse("panels:respond", args=[drawn.pk]), {"answer": "accept"})
    assert response.status_code == (302 if allowed else 403)
    assert Candidate.objects.filter(response="accepted").count() == (1 if allowed else 0)


def test_anonymous_visitors_are_sent_to_sign_in(client: Any, drawn: Draw) -> None:
    response = client.post(reverse("panels:respond", args=[drawn.pk]), {"answer": "accept"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Candidate.objects.exclude(response="").exists()


def test_an_answer_that_is_neither_accept_nor_decline_changes_nothing(client: Any, drawn: Draw) -> None:
    client.force_login(_selected_user(drawn))
    page = client.post(reverse("panels:respond", args=[drawn.pk]), {"answer": "maybe"}, follow=True)
    assert "Choose whether you accept or decline." in page.content.decode()
    assert not Candidate.objects.exclude(response="").exists()


def test_the_member_answers_on_the_page_and_officers_read_the_answers(
    client: Any, world: World, drawn: Draw
) -> None:
    user = _selected_user(drawn)
    client.force_login(user)
    page = client.get(drawn.get_absolute_url()).content.decode()
    assert "Will you take part in the panel?" in page and "I take part" in page
    page = client.post(reverse("panels:respond", args=[drawn.pk]), {"answer": "decline"}, follow=True)
    html = page.content.decode()
    assert "Your answer is recorded: you do not take part in the panel." in html
    assert "Your answer: declined" in html
    assert "Answers to the invitation" not in html  # a member does not read the others' answers

    client.force_login(officer(world, "staff", "cooperative BE"))
    html = client.get(drawn.get_absolute_url()).content.decode()
    assert "Answers to the invitation: 0 accepted, 1 declined, 5 not yet answered." in html


def test_the_api_takes_the_answer_and_shows_it_to_the_member_and_the_officers(
    client: Any, world: World, drawn: Draw
) -> None:
    user = _selected_user(drawn)
    url = f"/api/v1/panels/{drawn.pk}/answer"
    response = client.post(url, {"accept": True}, content_type="application/json", **bearer(user))
    assert response.status_code == 200 and response.json()["response"] == "accepted"
    mine = client.get(f"/api/v1/panels/{drawn.pk}", **bearer(user)).json()
    assert mine["mine"]["response"] == "accepted"
    assert all(member["response"] is None for member in mine["panel"])
    staff = officer(world, "staff", "cooperative BE")
    read = client.get(f"/api/v1/panels/{drawn.pk}", **bearer(staff)).json()
    assert sorted(m["response"] for m in read["panel"]) == ["", "", "", "", "", "accepted"]
    other = _not_selected_user(drawn)
    refused = client.post(url, {"accept": True}, content_type="application/json", **bearer(other))
    assert refused.status_code == 403
    assert (
        client.post(
            "/api/v1/panels/999999/answer", {"accept": True}, content_type="application/json", **bearer(user)
        ).status_code
        == 404
    )
