"""Board meetings: the directors on the record date are the electorate, one vote each, convened alone, under
the board presets of the law (C. com. L225-37; the CSA leaves it to the statutes) (docs/adr/0018)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone, translation

from coopgov.accounts.models import User
from coopgov.audit.models import AuditEntry
from coopgov.decisions import services
from coopgov.decisions.models import Assembly, ElectorateEntry, Result
from coopgov.decisions.services import DecisionRefused
from coopgov.members.models import Membership, Person
from coopgov.organisation.models import Body, Mandate, Unit
from tests.decisions.builders import assembly, cast, convene, entry, members_in, motion
from tests.decisions.test_manage import EN, convocation, officer
from tests.members.builders import ACTOR


@pytest.fixture(autouse=True)
def in_english():
    """The services' sentences are read in English here (the default language is French)."""
    with translation.override("en"):
        yield


def yesterday() -> date:
    return timezone.localdate() - timedelta(days=1)


def seat(m: Membership, coop: Unit, *, starts_on: date, ends_on: date | None = None, how: str = "elected"):
    board = Body.objects.get(unit=coop, kind=Body.Kind.BOARD)
    return Mandate.objects.create(
        person=m.person, body=board, role="director", starts_on=starts_on, ends_on=ends_on, appointed_how=how
    )


def board_meeting(coop: Unit, **fields: Any) -> Assembly:
    preset = "be-sc-board" if coop.code == "BE" else "fr-sa-board"
    a = assembly(coop, kind=Assembly.Kind.BOARD, title="Conseil d'administration", preset=preset, **fields)
    motion(a)
    return a


def directors(org, coop: Unit, n: int) -> list[Membership]:
    out = members_in(org, coop, n)
    for m in out:
        seat(m, coop, starts_on=yesterday() - timedelta(days=400))
    return out


# --- the electorate ---------------------------------------------------------------------------------------


def test_only_the_directors_on_the_record_date_are_in_a_board_meetings_electorate(org):
    """Record date: yesterday. In: a director elected long ago, one co-opted last month (pending
    ratification), one ex officio, one whose mandate ends on the record date itself. Out: one whose mandate
    ended the day before, one whose mandate starts today (after the record date), a member who sits on no
    board, and a director of the French board (another cooperative's)."""
    rd = yesterday()
    elected, coopted, ex_officio, ends_that_day, ended, future, plain = members_in(org, org.be, 7)
    seat(elected, org.be, starts_on=rd - timedelta(days=700))
    seat(coopted, org.be, starts_on=rd - timedelta(days=30), how="coopted")
    seat(ex_officio, org.be, starts_on=rd - timedelta(days=10), how="ex_officio")
    seat(ends_that_day, org.be, starts_on=rd - timedelta(days=300), ends_on=rd)
    seat(ended, org.be, starts_on=rd - timedelta(days=300), ends_on=rd - timedelta(days=1))
    seat(future, org.be, starts_on=rd + timedelta(days=1))
    (french,) = members_in(org, org.fr, 1)
    seat(french, org.fr, starts_on=rd - timedelta(days=100))
    a = board_meeting(org.be, record_date=rd)
    convene(a)
    eligible = set(
        ElectorateEntry.objects.filter(assembly=a, eligible=True).values_list("membership", flat=True)
    )
    assert eligible == {elected.pk, coopted.pk, ex_officio.pk, ends_that_day.pk}
    assert entry(a, coopted).reasons == [
        {
            "code": "board_seat",
            "since": (rd - timedelta(days=30)).isoformat(),
            "how": "coopted",
            "date": rd.isoformat(),
        }
    ]
    assert entry(a, ex_officio).reasons[0]["how"] == "ex_officio"
    for outside in (ended, future, plain):
        assert entry(a, outside).eligible is False
        assert entry(a, outside).reasons == [{"code": "no_board_seat", "date": rd.isoformat()}]
    # One director, one vote: no weight from shares, and the audit says how many were convened.
    assert set(
        ElectorateEntry.objects.filter(assembly=a, eligible=True).values_list("weight", flat=True)
    ) == {1}
    assert AuditEntry.objects.get(action="assembly.convened").after["electorate"] == 4


def test_convening_a_board_meeting_without_a_director_is_refused_and_changes_nothing(org):
    members_in(org, org.be, 2)
    (former,) = members_in(org, org.be, 1)
    seat(former, org.be, starts_on=yesterday() - timedelta(days=900), ends_on=yesterday() - timedelta(days=2))
    a = board_meeting(org.be)
    with pytest.raises(DecisionRefused, match="Nobody held a mandate on the cooperative's board") as refused:
        convene(a)
    assert refused.value.code == "no_directors"
    a.refresh_from_db()
    assert (a.status, a.presets_frozen) == ("draft", {})
    assert not ElectorateEntry.objects.filter(assembly=a).exists()
    assert not AuditEntry.objects.filter(action="assembly.convened").exists()


def test_a_director_missing_from_the_register_is_named_and_the_meeting_is_not_convened(org):
    directors(org, org.be, 1)
    outsider = Person.objects.create(
        kind="natural", first_name="Ada", last_name="Outsider", email="ada@example.org"
    )
    board = Body.objects.get(unit=org.be, kind=Body.Kind.BOARD)
    Mandate.objects.create(
        person=outsider, body=board, starts_on=yesterday() - timedelta(days=5), appointed_how="ex_officio"
    )
    a = board_meeting(org.be)
    with pytest.raises(DecisionRefused, match="Ada Outsider"):
        convene(a)
    assert Assembly.objects.get(pk=a.pk).status == "draft"


def test_the_convocation_of_a_board_meeting_goes_to_the_directors_only(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    board = directors(org, org.be, 2)
    members_in(org, org.be, 3)
    a = board_meeting(org.be)
    with django_capture_on_commit_callbacks(execute=True):
        convene(a)
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(m.person.email for m in board)
    assert all("as a director" in mail.body or "en tant" in mail.body for mail in mailoutbox)


# --- counting: the board presets, no collège weighting, no cap ----------------------------------------------


def _count(a: Assembly, voters: list[Membership], choices: list[str]) -> Result:
    item = a.items.get()
    services.item_open(item=item, actor=ACTOR)
    for m, choice in zip(voters, choices, strict=True):
        cast(item, a, m, choice)
    services.item_close(item=item, actor=ACTOR)
    return services.result_compute(item=item, actor=ACTOR, seed="1")


@pytest.mark.parametrize(
    ("choices", "quorum_reached", "adopted"),
    [
        (["yes", "yes", "no", "abstain"], True, False),
        (["yes", "yes", "yes", "abstain"], True, True),
        (["yes", "yes"], False, False),
    ],
)
def test_a_french_board_decides_by_half_the_directors_present_and_a_majority_of_them(
    org, choices, quorum_reached, adopted
):
    """Six directors in office (fr-sa-board, C. com. L225-37).

    Quorum: half the directors in office, 1/2 × 6 = 3 must take part. Majority: more than half of the
    directors present or represented (the ballots handed in, abstentions included).
    - 2 for, 1 against, 1 abstains: 4 ≥ 3, quorum reached; 2 for is not more than 4 / 2 = 2: rejected,
      although more directors are for than against.
    - 3 for, 1 abstains: 4 ≥ 3; 3 > 2: adopted.
    - 2 for: 2 < 3, quorum not reached: rejected.
    France counts its general meetings by collège; a board meeting does not (one director, one vote)."""
    board = directors(org, org.fr, 6)
    a = board_meeting(org.fr)
    convene(a)
    result = _count(a, board[: len(choices)], choices)
    quorum = result.result["explanation"]["quorum"]
    assert (quorum["electorate"], quorum["required"]) == (6, 3)
    assert result.quorum_reached is quorum_reached
    assert result.result["adopted"] is adopted
    assert result.result["explanation"]["rule"]["threshold"] == "absolute"
    assert result.result["explanation"]["rule"]["base"] == "cast-with-abstentions"
    assert "colleges" not in result.result["explanation"]
    assert result.participation["preset"]["key"] == "fr-sa-board"
    assert "L225-37" in result.participation["preset"]["source"]


def test_a_belgian_board_decides_by_a_simple_majority_with_no_quorum_and_no_vote_cap(org):
    """Five directors (be-sc-board: the CSA leaves it to the statutes; default simple majority of the votes
    cast, no quorum). Two vote: 1 for, 1 abstains: 1 for > 0 against, adopted. Belgium caps a member's
    votes at 1/10 of those present at its general meetings (CNC); a board meeting applies no cap."""
    board = directors(org, org.be, 5)
    a = board_meeting(org.be)
    convene(a)
    result = _count(a, board[:2], ["yes", "abstain"])
    assert result.quorum_reached is True and result.result["adopted"] is True
    assert "cap" not in result.result["explanation"]
    assert result.result["explanation"]["rule"] == {
        "name": "custom",
        "threshold": "simple",
        "base": "cast",
        "quorum": "0",
    }


# --- proxies between directors ------------------------------------------------------------------------------


def test_a_director_gives_a_proxy_to_a_director_and_never_to_a_member_who_is_not_one(org):
    first, second = directors(org, org.be, 2)
    (plain,) = members_in(org, org.be, 1)
    a = board_meeting(org.be, max_proxies_per_holder=1)
    convene(a)
    with pytest.raises(DecisionRefused, match="not in the electorate"):
        services.proxy_give(assembly=a, giver=entry(a, first), holder=entry(a, plain), actor=ACTOR)
    services.proxy_give(assembly=a, giver=entry(a, first), holder=entry(a, second), actor=ACTOR)
    assert AuditEntry.objects.filter(action="proxy.given").count() == 1


def test_no_proxy_is_given_where_the_statutes_allow_none(org):
    first, second = directors(org, org.be, 2)
    a = board_meeting(org.be, max_proxies_per_holder=0)
    convene(a)
    with pytest.raises(DecisionRefused, match="allow no proxy"):
        services.proxy_give(assembly=a, giver=entry(a, first), holder=entry(a, second), actor=ACTOR)
    assert not AuditEntry.objects.filter(action="proxy.given").exists()


# --- the convocation form and who may use it ----------------------------------------------------------------


def board_convocation(coop: Unit, **changes: object) -> dict[str, object]:
    preset = "be-sc-board" if coop.code == "BE" else "fr-sa-board"
    data = convocation(coop, kind="board", title="Conseil d'administration", preset=preset)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_convocation_form_offers_a_board_meeting_starting_from_the_board_preset(client, org):
    staff = officer("staff", org.group)
    client.force_login(staff)
    assert "/assemblies/new/FR/?kind=board" in client.get("/assemblies/new/", **EN).content.decode()
    page = client.get("/assemblies/new/FR/?kind=board", **EN)
    form = page.context["form"]
    assert ("board", "Board meeting") in list(form.fields["kind"].choices)
    assert (form.initial["preset"], form.initial["max_proxies_per_holder"]) == ("fr-sa-board", 1)
    created = client.post("/assemblies/new/FR/", board_convocation(org.fr, max_proxies_per_holder=1), **EN)
    assert created.status_code == 302
    assert Assembly.objects.get().kind == "board"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"preset": "fr-scic-sa-ago"}, "preset", "A board meeting decides by a board preset"),
        ({"allow_delegation_to_relays": "on"}, "allow_delegation_to_relays", "do not delegate their vote"),
        ({"proxies_same_college": "on"}, "proxies_same_college", "Directors vote in no collège"),
        ({"max_proxies_per_holder": 2}, "max_proxies_per_holder", "C. com. R225-19"),
        ({"max_proxies_per_holder": None}, "max_proxies_per_holder", "C. com. R225-19"),
    ],
)
def test_a_board_meeting_refuses_what_directors_do_not_have_on_its_field(
    client, org, changes, field, message
):
    client.force_login(officer("staff", org.fr))
    response = client.post("/assemblies/new/FR/", board_convocation(org.fr, **changes), **EN)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Assembly.objects.exists()


def test_a_general_meeting_may_not_take_a_board_preset(client, org):
    client.force_login(officer("staff", org.be))
    response = client.post("/assemblies/new/BE/", convocation(org.be, preset="be-sc-board"), **EN)
    assert "This preset is a board meeting's" in " ".join(response.context["form"].errors["preset"])
    assert not Assembly.objects.exists()


@pytest.mark.parametrize(
    ("role", "place", "may"),
    [
        ("none", "BE", False),
        ("relay", "BE", False),
        ("staff", "BE-BRUXELLES", False),
        ("staff", "FR", False),
        ("staff", "BE", True),
        ("board", "BE", True),
        ("staff", "SMART", True),
    ],
)
def test_only_staff_or_board_of_the_cooperative_or_above_create_and_convene_a_board_meeting(
    client, org, role, place, may
):
    directors(org, org.be, 1)
    unit = Unit.objects.get(code=place)
    user = officer(role, unit) if role != "none" else User.objects.create_user(email="none@example.org")
    client.force_login(user)
    draft = board_meeting(org.be)
    draft.first_convocation_at = timezone.now() + timedelta(days=20)
    draft.save()
    create = client.post("/assemblies/new/BE/", board_convocation(org.be, max_proxies_per_holder=1), **EN)
    act = client.post(f"/assemblies/{draft.pk}/prepare/act/", {"action": "convene"}, **EN)
    assert [create.status_code, act.status_code] == ([302, 302] if may else [403, 403])
    assert Assembly.objects.count() == (2 if may else 1)
    assert Assembly.objects.get(pk=draft.pk).status == ("convened" if may else "draft")


# --- the pages say who may vote and why ---------------------------------------------------------------------


def test_the_board_meetings_page_lists_the_directors_and_tells_a_member_why_they_do_not_vote(client, org):
    rd = yesterday()
    director, plain = members_in(org, org.be, 2)
    seat(director, org.be, starts_on=date(2024, 6, 18), how="coopted")
    a = board_meeting(org.be, record_date=rd)
    User.objects.create_user(email="d@example.org", person=director.person)
    client.force_login(User.objects.create_user(email="p@example.org", person=plain.person))
    draft_page = client.get(f"/assemblies/{a.pk}/", **EN).content.decode()
    assert "Who may vote" in draft_page and director.person.display_name in draft_page
    assert "As the register stands today" in draft_page
    convene(a)
    page = client.get(f"/assemblies/{a.pk}/", **EN).content.decode()
    assert "No, you are not in the electorate." in page
    assert (
        "Only the directors in office on the record date" in page and "held no mandate on the board" in page
    )
    assert (
        f"{director.person.display_name} — on the board since June 18, 2024 (co-opted, pending ratification)"
        in page
    )
    client.force_login(User.objects.get(email="d@example.org"))
    page = client.get(f"/assemblies/{a.pk}/", **EN).content.decode()
    assert "Yes, you may vote." in page
    assert "You sit on the board of directors since June 18, 2024 (co-opted, pending ratification)" in page
    assert "Register number of the director who will vote for me" in page


def test_someone_outside_the_register_is_told_only_directors_vote_at_a_board_meeting(client, org):
    directors(org, org.be, 1)
    a = board_meeting(org.be)
    convene(a)
    client.force_login(officer("staff", org.be))
    page = client.get(f"/assemblies/{a.pk}/", **EN).content.decode()
    assert "Only the directors in office on the record date" in page
