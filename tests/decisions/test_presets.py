"""A cooperative's own quorum and majority presets (its statutes): never below the law, kept by its staff,
offered beside the law's, and frozen onto an assembly when it is convened (docs/adr/0012)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone, translation

from coopgov.accounts.models import User
from coopgov.audit.models import AuditEntry
from coopgov.decisions import presets, services
from coopgov.decisions.minutes import minutes_build
from coopgov.decisions.models import Assembly, CooperativePreset, Result
from coopgov.decisions.presets import InvalidPreset
from coopgov.decisions.services import DecisionRefused
from tests.decisions.builders import assembly, cast, convene, members_in, motion
from tests.decisions.test_manage import EN, convocation, officer

# Smart's statutes (illustrative): a statute amendment needs 2/3 of the members on first convocation,
# 1/4 on the second, and four fifths of the votes cast — more than CSA art. 6:85 (1/2, none, 3/4).
SMART_STATUTES: dict[str, Any] = {
    "key": "smart-statutes",
    "based_on": "be-sc-statutes",
    "meeting_kind": "extraordinary",
    "quorum_first": "2/3",
    "quorum_second": "1/4",
    "threshold": "4/5",
    "base": "cast",
    "statutes_article": "art. 32",
    "labels": {
        "fr": "Modification des statuts (statuts de Smart)",
        "en": "Statute amendment (Smart's statutes)",
    },
}


def form_data(fields: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in fields.items() if k != "labels"}
    data.update({f"label_{code}": text for code, text in fields.get("labels", {}).items()})
    return data


@pytest.fixture(autouse=True)
def in_english():
    """The services' sentences are read in English here (the default language is French)."""
    with translation.override("en"):
        yield


@pytest.fixture
def staff(org):
    return officer("staff", org.be)


@pytest.fixture
def own(org, staff) -> CooperativePreset:
    return presets.own_preset_create(cooperative=org.be, fields=SMART_STATUTES, actor=staff)


# --- the service: the law's floor, the fields, the audit ---------------------------------------------------


def test_staff_add_a_stricter_preset_which_is_audited_and_offered_beside_the_laws(org, staff, own):
    assert (own.quorum_first, own.quorum_second, own.threshold, own.version) == ("2/3", "1/4", "4/5", 1)
    assert own.label == "Modification des statuts (statuts de Smart)"
    entry = AuditEntry.objects.get(action="preset.created")
    assert entry.actor == staff and entry.after["statutes_article"] == "art. 32"
    assert [key for key, _text in presets.offered(org.be)] == [
        "be-sc-ordinary",
        "be-sc-statutes",
        "be-sc-object",
        "be-sc-board",
        "smart-statutes",
    ]
    # FR's assemblies are not offered BE's own preset.
    assert "smart-statutes" not in dict(presets.offered(org.fr))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"quorum_first": "1/3"},
            "quorum_first",
            "The quorum on first convocation (1/3) is below the law's minimum for this decision type "
            "(1/2, be-sc-statutes): the statutes may ask more than the law, never less.",
        ),
        (
            {"based_on": "fr-scic-sa-age", "quorum_second": "1/10"},
            "based_on",
            "Choose the decision type in the law of the cooperative's country.",
        ),
        ({"threshold": "2/3"}, "threshold", "The majority (2/3) is below the law's minimum"),
        ({"quorum_second": "2"}, "quorum_second", "A quorum is a share of the electorate, from 0 to 1."),
        ({"quorum_first": "beaucoup"}, "quorum_first", "Write a share such as 0, 1/5, 1/4 or 1/2."),
        ({"key": "be-smart"}, "key", "looks like a legal preset's"),
        ({"key": "Smart Statutes"}, "key", "lower-case letters, digits and dashes"),
        ({"statutes_article": "  "}, "statutes_article", "Name the article of the statutes"),
        ({"labels": {"fr": " "}}, "labels", "Describe the preset in at least one language."),
    ],
)
def test_a_preset_below_the_law_or_malformed_is_refused_on_its_field_and_nothing_is_saved(
    org, staff, changes, field, message
):
    with pytest.raises(InvalidPreset) as refused:
        presets.own_preset_create(cooperative=org.be, fields=SMART_STATUTES | changes, actor=staff)
    assert [p.field for p in refused.value.problems] == [field]
    assert message in refused.value.problems[0].message
    assert not CooperativePreset.objects.exists()
    assert not AuditEntry.objects.filter(action="preset.created").exists()


def test_two_presets_may_not_share_a_key_nor_both_be_the_default_of_a_kind_of_meeting(org, staff, own):
    with pytest.raises(InvalidPreset) as refused:
        presets.own_preset_create(cooperative=org.be, fields=SMART_STATUTES, actor=staff)
    assert {p.field for p in refused.value.problems} == {"key", "meeting_kind"}


def test_only_the_cooperatives_staff_may_change_its_presets_even_through_the_service(org):
    board = officer("board", org.be)
    fr_staff = officer("staff", org.fr)
    for actor in (board, fr_staff, "test-suite"):
        with pytest.raises(DecisionRefused, match="Only the cooperative's staff"):
            presets.own_preset_create(cooperative=org.be, fields=SMART_STATUTES, actor=actor)
    assert not CooperativePreset.objects.exists()


def test_a_change_counts_a_version_and_is_audited_with_before_and_after(org, staff, own):
    changed = presets.own_preset_update(
        preset=own, fields=SMART_STATUTES | {"quorum_first": "3/4"}, actor=staff
    )
    assert (changed.quorum_first, changed.version) == ("3/4", 2)
    entry = AuditEntry.objects.get(action="preset.updated")
    assert (entry.before["quorum_first"], entry.after["quorum_first"], entry.after["version"]) == (
        "2/3",
        "3/4",
        2,
    )
    with pytest.raises(InvalidPreset):
        presets.own_preset_update(preset=own, fields=SMART_STATUTES | {"threshold": "absolute"}, actor=staff)
    own.refresh_from_db()
    assert (own.threshold, own.version) == ("4/5", 2)


def test_the_default_of_a_kind_of_meeting_is_the_cooperatives_own_preset(org, own):
    assert presets.default_preset(org.be, "extraordinary") == "smart-statutes"
    assert presets.default_preset(org.be, "ordinary") == "be-sc-ordinary"
    assert presets.default_preset(org.fr, "extraordinary") == "fr-scic-sa-age"


# --- the snapshot at convocation ---------------------------------------------------------------------------


def test_a_convened_assembly_keeps_the_rule_it_was_convened_with_and_a_draft_follows_changes(org, staff, own):
    convened = assembly(org.be, title="AGE 2027", kind="extraordinary", preset="smart-statutes")
    item = motion(convened)
    draft = assembly(org.be, title="AGE 2028", kind="extraordinary", preset="smart-statutes")
    draft_item = motion(draft)
    convene(convened)
    convened.refresh_from_db()
    assert convened.presets_frozen["smart-statutes"]["quorum_first"] == "2/3"
    assert (
        AuditEntry.objects.get(action="assembly.convened").after["presets"]["smart-statutes"]["version"] == 1
    )

    presets.own_preset_update(preset=own, fields=SMART_STATUTES | {"quorum_first": "3/4"}, actor=staff)
    item.refresh_from_db()
    draft_item.refresh_from_db()
    assert (
        services.motion_rule(item, None).quorum
        == presets.meeting_preset(convened.presets_frozen["smart-statutes"]).quorum_first
    )
    assert str(services.motion_rule(item, None).quorum) == "2/3"
    assert str(services.motion_rule(draft_item, None).quorum) == "3/4"


def test_the_count_and_the_minutes_use_the_cooperatives_preset(org, staff, own):
    """Three members, two For and one Against: 2/3 of the votes cast, below Smart's four fifths (the law's
    three quarters would not adopt it either); the quorum 2/3 is reached (three of three)."""
    voters = members_in(org, org.be, 3)
    a = assembly(org.be, title="AGE 2027", kind="extraordinary", preset="smart-statutes")
    item = motion(a)
    convene(a)
    services.item_open(item=item, actor=staff)
    for m, choice in zip(voters, ["yes", "yes", "no"], strict=True):
        cast(item, a, m, choice)
    services.item_close(item=item, actor=staff)
    result = services.result_compute(item=item, actor=staff, seed="1")
    assert result.result["explanation"]["rule"] == {
        "name": "custom",
        "threshold": "4/5",
        "base": "cast",
        "quorum": "2/3",
    }
    assert result.quorum_reached is True and result.result["adopted"] is False
    assert result.participation["preset"]["key"] == "smart-statutes"
    assert result.participation["preset"]["statutes_article"] == "art. 32"
    services.result_publish(item=item, actor=staff)
    text = str(minutes_build(Assembly.objects.get(pk=a.pk), language="en"))
    assert "statutes, art. 32; at least be-sc-statutes" in text


def test_a_retired_preset_is_no_longer_offered_and_is_refused_while_a_draft_uses_it(org, staff, own):
    draft = assembly(org.be, title="AGE 2028", kind="extraordinary", preset="smart-statutes")
    motion(draft)
    with pytest.raises(DecisionRefused, match="AGE 2028"):
        presets.own_preset_retire(preset=own, actor=staff)
    Assembly.objects.filter(pk=draft.pk).update(preset="be-sc-statutes")
    presets.own_preset_retire(preset=own, actor=staff)
    assert "smart-statutes" not in dict(presets.offered(org.be))
    assert AuditEntry.objects.get(action="preset.retired").before == {"key": "smart-statutes", "version": 1}
    # A draft that still names it (set behind the pages' back) cannot be convened under it.
    Assembly.objects.filter(pk=draft.pk).update(preset="smart-statutes")
    with pytest.raises(DecisionRefused, match="is retired"):
        convene(Assembly.objects.get(pk=draft.pk))
    assert Assembly.objects.get(pk=draft.pk).status == "draft"


# --- the pages and who may use them ------------------------------------------------------------------------


def _users(org: Any) -> dict[str, Any]:
    (m,) = members_in(org, org.be, 1)
    return {
        "member": User.objects.create_user(email="member@example.org", person=m.person),
        "relay": officer("relay", org.be),
        "board": officer("board", org.be),
        "staff of another cooperative": officer("staff", org.fr),
    }


@pytest.mark.parametrize("who", ["anonymous", "member", "relay", "board", "staff of another cooperative"])
def test_only_the_cooperatives_staff_reach_its_presets(client, org, own, who):
    if who != "anonymous":
        client.force_login(_users(org)[who])
    base = "/assemblies/presets/BE/"
    responses = [
        client.get(base, **EN),
        client.post(base, form_data(SMART_STATUTES | {"key": "other", "meeting_kind": ""}), **EN),
        client.get(f"{base}smart-statutes/", **EN),
        client.post(f"{base}smart-statutes/", form_data(SMART_STATUTES | {"quorum_first": "1"}), **EN),
        client.post(f"{base}smart-statutes/retire/", **EN),
    ]
    if who == "anonymous":
        assert all(r.status_code == 302 and "/login" in r["Location"] for r in responses)
    else:
        assert [r.status_code for r in responses] == [403] * 5
    own.refresh_from_db()
    assert (CooperativePreset.objects.count(), own.quorum_first, own.retired_at) == (1, "2/3", None)


def test_staff_list_add_change_and_retire_presets_from_the_page(client, org, staff):
    client.force_login(staff)
    page = client.get("/assemblies/presets/BE/", **EN)
    assert page.status_code == 200
    body = page.content.decode()
    assert "CSA art. 6:85" in body and "None yet: assemblies use the law's presets." in body

    weak = client.post("/assemblies/presets/BE/", form_data(SMART_STATUTES | {"quorum_first": "1/3"}), **EN)
    assert weak.status_code == 400
    assert "below the law's minimum" in weak.context["form"].errors["quorum_first"][0]
    assert not CooperativePreset.objects.exists()

    created = client.post("/assemblies/presets/BE/", form_data(SMART_STATUTES), **EN)
    assert created.status_code == 302
    listed = client.get("/assemblies/presets/BE/", **EN).content.decode()
    assert "Statute amendment (Smart&#x27;s statutes)" in listed and "statutes, art. 32" in listed

    edit = client.get("/assemblies/presets/BE/smart-statutes/", **EN)
    assert edit.context["form"].initial["quorum_first"] == "2/3"
    changed = client.post(
        "/assemblies/presets/BE/smart-statutes/", form_data(SMART_STATUTES | {"quorum_first": "3/4"}), **EN
    )
    assert changed.status_code == 302
    assert CooperativePreset.objects.get().version == 2

    client.post("/assemblies/presets/BE/smart-statutes/retire/", **EN)
    assert CooperativePreset.objects.get().retired_at is not None
    assert client.get("/assemblies/presets/BE/smart-statutes/", **EN).status_code == 404


def test_the_convocation_form_offers_and_starts_from_the_cooperatives_preset(client, org, staff, own):
    client.force_login(staff)
    page = client.get("/assemblies/new/BE/?kind=extraordinary", **EN)
    form = page.context["form"]
    assert form.initial["preset"] == "smart-statutes"
    assert [v for v, _label in form.fields["preset"].choices][-1] == "smart-statutes"
    assert 'href="/assemblies/presets/BE/"' in page.content.decode()
    created = client.post(
        "/assemblies/new/BE/", convocation(org.be, kind="extraordinary", preset="smart-statutes"), **EN
    )
    assert created.status_code == 302
    a = Assembly.objects.get()
    assert a.preset == "smart-statutes"
    prepare = client.get(f"/assemblies/{a.pk}/prepare/", **EN).content.decode()
    assert "Statute amendment (Smart&#x27;s statutes) (statutes, art. 32)" in prepare
    # FR's form does not offer it, and the service refuses it on the field.
    fr_staff = officer("staff", org.fr)
    client.force_login(fr_staff)
    refused = client.post("/assemblies/new/FR/", convocation(org.fr, preset="smart-statutes"), **EN)
    assert "preset" in refused.context["form"].errors


def test_the_result_page_says_which_rule_of_the_statutes_decided(client, org, staff, own):
    voters = members_in(org, org.be, 2)
    a = assembly(
        org.be,
        title="AGE 2027",
        kind="extraordinary",
        preset="smart-statutes",
        second_convocation_at=timezone.now() + timedelta(days=35),
    )
    item = motion(a)
    convene(a)
    services.item_open(item=item, actor=staff)
    for m in voters:
        cast(item, a, m, "yes")
    services.item_close(item=item, actor=staff)
    services.result_compute(item=item, actor=staff, seed="1")
    services.result_publish(item=item, actor=staff)
    client.force_login(staff)
    page = client.get(f"/assemblies/{a.pk}/items/{item.pk}/result/", **EN).content.decode()
    assert (
        "Rule applied: Statute amendment (Smart&#x27;s statutes) (the cooperative's statutes, art. 32" in page
    )
    assert "Quorum 2/3 of the electorate (convocation 1); majority 4/5 of votes cast (abstentions" in page
    assert Result.objects.get(item=item).result["adopted"] is True


def test_the_api_lists_the_laws_and_the_cooperatives_presets_read_only(client, org, staff, own):
    client.force_login(staff)
    response = client.get("/api/v1/assemblies/presets?cooperative=BE", **EN)
    assert response.status_code == 200
    keys = [(p["key"], p["own"]) for p in response.json()]
    assert keys == [
        ("be-sc-ordinary", False),
        ("be-sc-statutes", False),
        ("be-sc-object", False),
        ("be-sc-board", False),
        ("smart-statutes", True),
    ]
    smart = response.json()[-1]
    assert (smart["quorum_first"], smart["statutes_article"], smart["based_on"]) == (
        "2/3",
        "art. 32",
        "be-sc-statutes",
    )


def test_the_presets_api_is_refused_to_someone_outside_the_cooperative(client, org, own):
    (fr_member,) = members_in(org, org.fr, 1)
    client.force_login(User.objects.create_user(email="fr@example.org", person=fr_member.person))
    assert client.get("/api/v1/assemblies/presets?cooperative=BE", **EN).status_code == 403
    assert client.get("/api/v1/assemblies/presets?cooperative=FR", **EN).status_code == 200
    assert client.get("/api/v1/assemblies/presets?cooperative=XX", **EN).status_code == 404


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_presets_pages_are_fully_translated(client, org, staff, own, language):
    from tests.test_i18n import _english_only, spoken_text

    untranslated = _english_only(language)
    client.force_login(staff)
    client.cookies["django_language"] = language
    leaks = {}
    for path in ("/assemblies/presets/BE/", "/assemblies/presets/BE/smart-statutes/"):
        html = client.get(path).content.decode()
        assert f'<html lang="{language}">' in html, path
        found = sorted({piece for piece in spoken_text(html) if piece.rstrip(":") in untranslated})
        if found:
            leaks[path] = found
    assert leaks == {}
