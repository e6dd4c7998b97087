"""Member panels drawn by lot from the register: the pool each unit gives, a draw requested, checked,
carried out and audited, bad requests that change nothing, who may do what, and the pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from coopgov.accounts.models import User
from coopgov.audit.models import AuditEntry
from coopgov.domain.governance.membership import Status
from coopgov.domain.sortition import InfeasibleQuotasError, QuotaRelaxation
from coopgov.members import services as members
from coopgov.members.models import Category, Membership, Person
from coopgov.panels import selectors, services
from coopgov.panels.models import Candidate, Draw
from tests.followup.builders import officer
from tests.organisation.world import World


@pytest.fixture(autouse=True)
def _english(client: Any) -> Iterator[None]:
    """Messages are checked in English; one test reads the pages in French and Dutch."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def _request(**changes: Any) -> services.DrawRequest:
    base: dict[str, Any] = {"title": "Panel climat", "panel_size": 6, "features": ("antenna", "college")}
    base.update(changes)
    return services.DrawRequest(**base)


def _drawn(world: World, django_capture_on_commit_callbacks: Any, **changes: Any) -> Draw:
    staff = officer(world, "staff", "cooperative BE")
    with django_capture_on_commit_callbacks(execute=True):
        draw = services.draw_request(unit=world.be, request=_request(**changes), actor=staff)
    draw.refresh_from_db()
    return draw


def test_each_unit_draws_from_its_own_admitted_members(world: World) -> None:
    assert len(selectors.pool(world.group)) == 2 + 18 + 4
    assert len(selectors.pool(world.be)) == 2 + 18  # the candidate is not in the pool
    assert len(selectors.pool(world.brussels)) == 2 + 10
    assert len(selectors.pool(world.antwerp)) == 8
    assert len(selectors.pool(world.paris)) == 4
    member = Membership.objects.filter(cooperative=world.be, status="admitted").first()
    assert member is not None
    members.membership_change_status(
        membership=member, to_status=Status.DECEASED, on=date(2025, 1, 1), actor="t"
    )
    assert len(selectors.pool(world.be)) == 19
    counts = dict(selectors.pool_counts(selectors.pool(world.be))["college"])
    assert counts == {"BE:A": 2 + 6 + 2 - 1, "BE:B": 4 + 6}


def test_a_member_of_two_cooperatives_is_one_member_of_the_group_pool(world: World) -> None:
    person = Person.objects.get(last_name="Pool00")
    fr = Category.objects.get(cooperative=world.fr, code="1")
    membership = members.membership_apply(
        person=person, cooperative=world.fr, category=fr, applied_on=date(2024, 3, 1), actor="t"
    )
    members.membership_admit(membership=membership, on=date(2024, 3, 2), actor="t")
    pool = {m.person_id: m for m in selectors.pool(world.group)}
    assert len(pool) == 24
    assert pool[person.pk].features["cooperative"] == "BE+FR"
    assert pool[person.pk].features["college"] == "BE:A+FR:1"


def test_a_draw_is_recorded_with_its_seed_carried_out_and_audited(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    draw = _drawn(world, django_capture_on_commit_callbacks, seed=42)
    assert draw.status == Draw.Status.DRAWN
    assert draw.pool_size == 20
    candidates = list(draw.candidates.all())
    assert len(candidates) == 20
    assert sum(c.selected for c in candidates) == 6
    assert sum(c.probability for c in candidates) == pytest.approx(6, abs=1e-6)
    # No quotas given: the pool's proportions, rounded down and up, for each chosen feature.
    quotas = {(q["feature"], q["value"]): (q["min"], q["max"]) for q in draw.quotas}
    assert quotas[("antenna", "BE-BRUXELLES")] == (3, 4)  # 12 of 20 → 3.6
    assert quotas[("antenna", "BE-ANTWERPEN")] == (2, 3)  # 8 of 20 → 2.4
    for row in selectors.quota_outcome(draw):
        assert row["min"] <= row["selected"] <= row["max"]
    assert draw.min_probability == pytest.approx(min(c.probability for c in candidates))
    # What replaying the seed needs: the solver versions the draw ran on.
    assert set(draw.explanation["versions"]) == {"coopgov", "numpy", "scipy", "highspy"}
    actions = list(AuditEntry.objects.filter(action__startswith="panel.").values_list("action", flat=True))
    assert actions == ["panel.requested", "panel.drawn"]
    # The same request with the same seed draws the same panel.
    again = _drawn(world, django_capture_on_commit_callbacks, seed=42)
    assert set(again.candidates.filter(selected=True).values_list("person_id", flat=True)) == set(
        draw.candidates.filter(selected=True).values_list("person_id", flat=True)
    )


def test_members_at_one_address_are_never_both_selected(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    draw = _drawn(
        world,
        django_capture_on_commit_callbacks,
        panel_size=15,
        features=("language",),
        separate_households=True,
    )
    pair = Candidate.objects.filter(draw=draw, person__address="Rue Haute 5, Antwerpen")
    assert pair.count() == 2
    assert pair.filter(selected=True).count() <= 1
    assert sum(c.probability for c in pair) <= 1 + 1e-6


def test_a_draw_is_carried_out_once(world: World, django_capture_on_commit_callbacks: Any) -> None:
    draw = _drawn(world, django_capture_on_commit_callbacks)
    again = services.draw_run(draw_id=draw.pk)
    assert again.status == Draw.Status.DRAWN
    assert Candidate.objects.filter(draw=draw).count() == 20
    assert AuditEntry.objects.filter(action="panel.drawn").count() == 1


@pytest.mark.parametrize(
    ("quotas", "message"),
    [
        ("antenna,BE-BRUXELLES,2", "line 1: write feature,value,minimum,maximum"),
        ("# comment\n\nlanguage,fr,1,3", "line 3: language is not one of the features chosen"),
        ("antenna,BE-BRUXELLES,two,4", "the minimum must be a whole number of members, not “two”"),
        ("antenna,BE-BRUXELLES,5,4", "line 1: the minimum (5) is above the maximum (4)"),
        ("antenna,BE-BRUXELLES,1,4\nantenna,BE-BRUXELLES,1,4", "line 2: antenna=BE-BRUXELLES already"),
        ("antenna,BE-BRUXELLES,5,6\nantenna,BE-ANTWERPEN,3,4", "In conflict"),
    ],
)
def test_bad_quotas_are_refused_with_their_line_and_change_nothing(
    world: World, quotas: str, message: str
) -> None:
    staff = officer(world, "staff", "cooperative BE")
    before = AuditEntry.objects.count()
    with pytest.raises(services.PanelRefused) as refused:
        services.draw_request(unit=world.be, request=_request(quotas_text=quotas), actor=staff)
    assert message in refused.value.message
    assert not Draw.objects.exists()
    assert AuditEntry.objects.count() == before


def test_infeasible_quotas_are_named_with_the_smallest_change_that_allows_a_panel(world: World) -> None:
    staff = officer(world, "staff", "cooperative BE")
    quotas = "antenna,BE-BRUXELLES,5,6\nantenna,BE-ANTWERPEN,3,4"
    with pytest.raises(services.PanelRefused) as refused:
        services.draw_request(unit=world.be, request=_request(quotas_text=quotas), actor=staff)
    assert "In conflict: antenna=BE-BRUXELLES, antenna=BE-ANTWERPEN." in refused.value.message
    error = InfeasibleQuotasError("no panel", ("college=B",), (QuotaRelaxation("college", "B", "min", 5, 3),))
    assert "The smallest change that allows a panel: college=B min 5 → 3." in services.infeasible_message(
        error
    )


def test_a_panel_needs_a_feature_to_mirror(world: World) -> None:
    staff = officer(world, "staff", "cooperative BE")
    with pytest.raises(services.PanelRefused) as refused:
        services.draw_request(unit=world.be, request=_request(features=()), actor=staff)
    assert refused.value.code == "feature"


def test_a_quota_on_a_value_no_one_holds_is_refused(world: World) -> None:
    staff = officer(world, "staff", "cooperative BE")
    with pytest.raises(services.PanelRefused) as refused:
        services.draw_request(
            unit=world.be, request=_request(quotas_text="antenna,FR-PARIS,1,2"), actor=staff
        )
    assert "line 1: no member of the pool has antenna=FR-PARIS" in refused.value.message


@pytest.mark.parametrize(("size", "code"), [(0, "size"), (21, "size")])
def test_a_panel_larger_than_the_pool_or_empty_is_refused(world: World, size: int, code: str) -> None:
    staff = officer(world, "staff", "cooperative BE")
    with pytest.raises(services.PanelRefused) as refused:
        services.draw_request(unit=world.be, request=_request(panel_size=size), actor=staff)
    assert refused.value.code == code
    assert not Draw.objects.exists()


def test_a_register_that_changed_before_the_run_fails_the_draw_with_the_reason(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    staff = officer(world, "staff", "cooperative BE")
    with django_capture_on_commit_callbacks(execute=False):
        draw = services.draw_request(
            unit=world.be, request=_request(quotas_text="antenna,BE-ANTWERPEN,3,3"), actor=staff
        )
    for m in Membership.objects.filter(person__home_antenna=world.antwerp, status="admitted")[:6]:
        members.membership_change_status(
            membership=m, to_status=Status.DECEASED, on=date(2025, 1, 1), actor="t"
        )
    draw = services.draw_run(draw_id=draw.pk)
    assert draw.status == Draw.Status.FAILED
    assert "antenna=BE-ANTWERPEN" in draw.error
    assert AuditEntry.objects.filter(action="panel.failed").count() == 1
    assert not draw.candidates.exists()


@pytest.mark.parametrize(
    ("role", "where", "allowed"),
    [
        ("staff", "cooperative BE", True),
        ("staff", "group", True),
        ("staff", "antenna Bruxelles", False),
        ("staff", "other cooperative FR", False),
        ("board", "cooperative BE", False),
        ("relay", "cooperative BE", False),
    ],
)
def test_only_staff_of_the_unit_or_above_draw_a_panel(
    world: World, role: str, where: str, allowed: bool
) -> None:
    user = officer(world, role, where)
    assert user.has_perm("panels.request_draw", world.be) is allowed
    if not allowed:
        with pytest.raises(services.PanelRefused) as refused:
            services.draw_request(unit=world.be, request=_request(), actor=user)
        assert refused.value.code == "forbidden"
        assert not Draw.objects.exists()


def test_a_plain_member_may_not_draw(world: World) -> None:
    assert not world.member_user.has_perm("panels.request_draw", world.be)


@pytest.mark.parametrize(
    ("who", "view", "probabilities"),
    [
        ("staff BE", True, True),
        ("board BE", True, True),
        ("relay BE", True, True),
        ("staff FR", False, False),
        ("member in the pool", True, False),
        ("member of FR", False, False),
    ],
)
def test_who_reads_a_draw_and_everyone_s_chances(
    world: World, django_capture_on_commit_callbacks: Any, who: str, view: bool, probabilities: bool
) -> None:
    draw = _drawn(world, django_capture_on_commit_callbacks)
    users = {
        "staff BE": lambda: officer(world, "staff", "cooperative BE"),
        "board BE": lambda: officer(world, "board", "cooperative BE"),
        "relay BE": lambda: officer(world, "relay", "cooperative BE"),
        "staff FR": lambda: officer(world, "staff", "other cooperative FR"),
        "member in the pool": lambda: world.member_user,
        "member of FR": lambda: User.objects.create_user(
            email="fr@example.org", person=Person.objects.get(last_name="Pool20")
        ),
    }
    user = users[who]()
    assert user.has_perm("panels.view_draw", draw) is view
    assert user.has_perm("panels.view_probabilities", draw) is probabilities
    assert (draw in selectors.draws_for(user)) is view


def test_the_pages_draw_a_panel_and_explain_each_member_s_chance(
    client: Any, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    staff = officer(world, "staff", "cooperative BE")
    client.force_login(staff)
    page = client.get(reverse("panels:draws"))
    assert page.status_code == 200
    assert reverse("panels:new", args=["BE"]) in page.content.decode()
    new = client.get(reverse("panels:new", args=["BE"]))
    assert new.status_code == 200
    assert "BE-ANTWERPEN" in new.content.decode()  # the pool, feature by feature
    form = {
        "title": "Panel climat",
        "panel_size": "6",
        "features": ["antenna", "college"],
        "quotas": "",
        "algorithm": "leximin",
        "seed": "7",
    }
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("panels:new", args=["BE"]), form)
    draw = Draw.objects.get()
    assert done.status_code == 302
    assert done["Location"] == draw.get_absolute_url()
    detail = client.get(draw.get_absolute_url()).content.decode()
    assert "Rule applied" in detail
    assert "Chances in the pool" in detail
    assert "The draw can be replayed with its seed, 7, on the same pool and quotas." in detail

    client.force_login(world.member_user)
    mine = client.get(draw.get_absolute_url())
    assert mine.status_code == 200
    text = mine.content.decode()
    assert "Your chance" in text
    assert "Chances in the pool" not in text


def test_a_bad_form_shows_the_error_and_records_nothing(client: Any, world: World) -> None:
    client.force_login(officer(world, "staff", "cooperative BE"))
    form = {
        "title": "Panel",
        "panel_size": "6",
        "features": ["antenna"],
        "quotas": "antenna,BE-BRUXELLES,9,2",
        "algorithm": "leximin",
    }
    page = client.post(reverse("panels:new", args=["BE"]), form)
    assert page.status_code == 400
    assert "line 1: the minimum (9) is above the maximum (2)" in page.content.decode()
    assert not Draw.objects.exists()


def test_the_pages_refuse_those_without_the_right(
    client: Any, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    draw = _drawn(world, django_capture_on_commit_callbacks)
    client.force_login(world.member_user)
    assert client.get(reverse("panels:new", args=["BE"])).status_code == 403
    client.force_login(officer(world, "staff", "other cooperative FR"))
    assert client.get(draw.get_absolute_url()).status_code == 403
    assert client.get(reverse("panels:new", args=["NOPE"])).status_code == 404


@pytest.mark.parametrize(
    ("language", "heading", "chance"),
    [("fr", "Règle appliquée", "Votre chance"), ("nl", "Toegepaste regel", "Uw kans")],
)
def test_a_member_reads_the_draw_in_their_language(
    client: Any,
    world: World,
    django_capture_on_commit_callbacks: Any,
    language: str,
    heading: str,
    chance: str,
) -> None:
    draw = _drawn(world, django_capture_on_commit_callbacks)
    client.force_login(world.member_user)
    page = client.get(draw.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert heading in page
    assert chance in page


def test_leximin_with_too_many_household_types_is_refused_with_the_way_out(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff = officer(world, "staff", "cooperative BE")
    # Three types: fr, nl, and the two Dutch speakers at one address (one household type).
    monkeypatch.setattr(services, "MAX_LEXIMIN_TYPES", 2)
    request = _request(features=("language",), separate_households=True)
    with pytest.raises(services.PanelRefused) as refused:
        services.draw_request(unit=world.be, request=request, actor=staff)
    assert refused.value.code == "too_many_types"
    assert "each of the 2 members who share an address a type of their own" in refused.value.message
    assert not Draw.objects.exists()
    # The legacy greedy, or LEXIMIN without separating households, is not limited.
    services.draw_request(unit=world.be, request=_request(features=("language",)), actor=staff)
    legacy = _request(features=("language",), separate_households=True, algorithm="legacy")
    services.draw_request(unit=world.be, request=legacy, actor=staff)
    assert Draw.objects.count() == 2


def test_households_of_the_same_composition_count_once_towards_the_type_limit(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The limit counts the types LEXIMIN works on: housemates with the same values are one type, not one
    each (the former count, 4 here, would have been refused)."""
    staff = officer(world, "staff", "cooperative BE")
    monkeypatch.setattr(services, "MAX_LEXIMIN_TYPES", 3)
    request = _request(features=("language",), separate_households=True)
    draw = services.draw_request(unit=world.be, request=request, actor=staff)
    assert draw.separate_households
