"""The per-collège quorum of a cooperative's own preset: validated on the preset page, frozen at
convocation, applied by the count, stated on the result page and in the minutes (docs/adr/0018)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from coopgov.audit.models import AuditEntry
from coopgov.decisions import presets, services
from coopgov.decisions.minutes import minutes_build
from coopgov.decisions.models import Assembly, CooperativePreset, Item, Result
from coopgov.decisions.presets import InvalidPreset
from tests.decisions.builders import assembly, cast, convene, members_in, motion
from tests.decisions.test_manage import EN, officer
from tests.decisions.test_presets import form_data

# Illustrative statutes of Smart France: an ordinary meeting as the law asks (C. com. L225-98), and every
# collège must also reach a quarter of its own electorate, so that no collège decides alone.
EACH_COLLEGE: dict[str, Any] = {
    "key": "each-college",
    "based_on": "fr-scic-sa-ago",
    "meeting_kind": "",
    "quorum_first": "1/5",
    "quorum_second": "0",
    "college_quorum": "1/4",
    "threshold": "absolute",
    "base": "cast",
    "statutes_article": "art. 21",
    "labels": {"fr": "AGO, quorum dans chaque collège", "en": "OGM, quorum in each collège"},
}


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def staff(org):
    return officer("staff", org.fr)


@pytest.fixture
def own(org, staff) -> CooperativePreset:
    return presets.own_preset_create(cooperative=org.fr, fields=EACH_COLLEGE, actor=staff)


# --- the preset: saved, audited, validated on its field -----------------------------------------------------


def test_a_per_college_quorum_is_saved_with_the_preset_and_audited(own):
    assert own.college_quorum == "1/4"
    assert AuditEntry.objects.get(action="preset.created").after["college_quorum"] == "1/4"
    assert presets.own_snapshot(own)["college_quorum"] == "1/4"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a tenth", "Write the quorum in each collège as a share such as 1/10"),
        ("3/2", "above 0 and at most 1"),
        ("0", "above 0 and at most 1"),
        ("-1/10", "above 0 and at most 1"),
        ("1/0", "Write the quorum in each collège as a share such as 1/10"),
    ],
)
def test_a_per_college_quorum_that_is_not_a_share_is_refused_on_its_field_and_nothing_is_saved(
    org, staff, value, message
):
    with pytest.raises(InvalidPreset) as refused:
        presets.own_preset_create(
            cooperative=org.fr, fields={**EACH_COLLEGE, "college_quorum": value}, actor=staff
        )
    assert [(p.field, message in p.message) for p in refused.value.problems] == [("college_quorum", True)]
    assert not CooperativePreset.objects.exists()
    assert not AuditEntry.objects.filter(action="preset.created").exists()


def test_a_cooperative_that_does_not_vote_by_college_has_no_per_college_quorum(org):
    be_staff = officer("staff", org.be)
    fields = {**EACH_COLLEGE, "based_on": "be-sc-ordinary", "quorum_first": "0"}
    with pytest.raises(InvalidPreset, match="does not vote by collège"):
        presets.own_preset_create(cooperative=org.be, fields=fields, actor=be_staff)
    assert not CooperativePreset.objects.exists()


def test_the_preset_page_edits_the_per_college_quorum_and_names_the_field_when_it_is_wrong(
    client, org, staff, own
):
    client.force_login(staff)
    url = "/assemblies/presets/FR/each-college/"
    page = client.get(url, **EN)
    assert page.context["form"].initial["college_quorum"] == "1/4"
    data = {k: v for k, v in form_data(EACH_COLLEGE).items() if k != "key"}
    refused = client.post(url, {**data, "college_quorum": "2"}, **EN)
    assert refused.status_code == 400
    assert "above 0 and at most 1" in " ".join(refused.context["form"].errors["college_quorum"])
    assert CooperativePreset.objects.get().college_quorum == "1/4"
    saved = client.post(url, {**data, "college_quorum": "0.1"}, **EN)
    assert saved.status_code == 302
    own.refresh_from_db()
    assert (own.college_quorum, own.version) == ("1/10", 2)
    listing = client.get("/assemblies/presets/FR/", **EN).content.decode()
    assert "Quorum in each collège" in listing and "1/10" in listing


# --- the count: a worked example ---------------------------------------------------------------------------


def _vote(org, votes: dict[str, list[str]], electorate: dict[str, int]) -> tuple[Assembly, Item]:
    voters = {code: members_in(org, org.fr, n, category=code) for code, n in electorate.items()}
    a = assembly(org.fr, preset="each-college")
    item = motion(a)
    convene(a)
    services.item_open(item=item, actor="test")
    for code, choices in votes.items():
        for m, choice in zip(voters[code], choices, strict=False):
            cast(item, a, m, choice)
    return a, item


def _count(item: Item) -> Result:
    services.item_close(item=item, actor="test")
    return services.result_compute(item=item, actor="test", seed="3")


def test_a_college_below_its_own_quorum_stops_a_motion_the_others_adopt(org, own):
    """Four collèges of four members each (16), quorum 1/5 overall and 1/4 in each collège.

    Collège 1: 2 vote for; collège 2: 1 for; collège 3: 1 against; collège 4: nobody votes.
    Overall: 4 present ≥ 1/5 × 16 = 3.2, reached. Per collège: 1/4 × 4 = 1 needed in each; collèges 1, 2
    and 3 reach it (2, 1, 1), collège 4 does not (0 < 1). The motion is not adopted, though the weighted
    share for (collège 4 drops out of the base) is a majority."""
    a, item = _vote(org, {"1": ["yes", "yes"], "2": ["yes"], "3": ["no"]}, {"1": 4, "2": 4, "3": 4, "4": 4})
    # Changing the preset after convening does not reach this assembly: it keeps 1/4.
    presets.own_preset_update(
        preset=own, fields={**EACH_COLLEGE, "college_quorum": "1/10"}, actor=officer("staff", org.group)
    )
    result = _count(item)
    quorum = result.result["explanation"]["quorum"]
    assert quorum["college_quorum"] == "1/4"
    assert {
        name: (c["present_or_represented"], c["required"], c["quorum_reached"])
        for name, c in quorum["colleges"].items()
    } == {
        "1": (2, 1, True),
        "2": (1, 1, True),
        "3": (1, 1, True),
        "4": (0, 1, False),
    }
    assert quorum["present_or_represented"] == 4 and quorum["required"] == pytest.approx(3.2)
    assert result.quorum_reached is False and result.result["adopted"] is False
    assert result.result["explanation"]["decision"]["threshold_reached"] is True
    assert result.participation["preset"]["college_quorum"] == "1/4"
    assert Assembly.objects.get(pk=a.pk).presets_frozen["each-college"]["college_quorum"] == "1/4"


def test_when_every_college_reaches_its_quorum_the_majority_decides(org, own, client, staff):
    """The same assembly where one member of collège 4 votes against: 1 ≥ 1/4 × 4 in every collège, 5 ≥ 3.2
    overall. Weighted share for = 40 % × 1 + 20 % × 1 + 20 % × 0 + 20 % × 0 = 3/5 > 1/2: adopted.
    The result page and the minutes state the rule and, per collège, whether its quorum was reached."""
    a, item = _vote(
        org, {"1": ["yes", "yes"], "2": ["yes"], "3": ["no"], "4": ["no"]}, {"1": 4, "2": 4, "3": 4, "4": 4}
    )
    result = _count(item)
    assert result.quorum_reached is True and result.result["adopted"] is True
    assert result.result["explanation"]["decision"]["weighted_yes_exact"] == "3/5"
    services.result_publish(item=item, actor="test")
    client.force_login(staff)
    page = client.get(f"/assemblies/{a.pk}/items/{item.pk}/result/", **EN).content.decode()
    assert "each collège must also reach a quorum of 1/4 of its own electorate" in page
    assert "Quorum in each collège: 1/4 of its own electorate" in page
    text = str(minutes_build(Assembly.objects.get(pk=a.pk), language="en"))
    assert "quorum 1/4 of its own electorate in each collège" in text
    assert "Quorum in each collège: 1/4 of its own electorate" in text


def test_without_a_per_college_quorum_the_count_is_as_before(org):
    """The law's preset has none: collège 4 abstaining entirely does not stop the motion."""
    voters = {code: members_in(org, org.fr, 2, category=code) for code in ("1", "2", "3", "4")}
    a = assembly(org.fr, preset="fr-scic-sa-ago")
    item = motion(a)
    convene(a)
    services.item_open(item=item, actor="test")
    for code in ("1", "2", "3"):
        cast(item, a, voters[code][0], "yes")
    result = _count(item)
    assert "colleges" not in result.result["explanation"]["quorum"]
    assert result.quorum_reached is True and result.result["adopted"] is True
