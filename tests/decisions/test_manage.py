"""Staff pages that create, convene and run an assembly: the convocation form and its statutory checks,
the agenda, sites, documents, the acts from convening to publishing, and who may use them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coopgov.accounts.models import User
from coopgov.audit.models import AuditEntry
from coopgov.decisions import services_manage
from coopgov.decisions.models import Assembly, AssemblySite, Item, Option, Result
from coopgov.members.demo import DEMO_TOTP_SECRET
from coopgov.organisation.models import Unit
from coopgov.organisation.services import role_grant
from tests.decisions.builders import assembly, convene, members_in, motion
from tests.members.builders import ACTOR

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def officer(role: str, unit: Unit, email: str | None = None) -> User:
    user = User.objects.create_user(email=email or f"{role}.{unit.code.lower()}@example.org")
    role_grant(user=user, unit=unit, role=role, actor=ACTOR)
    TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def _local(days: int, hour: int = 18) -> str:
    at = timezone.localtime() + timedelta(days=days)
    return at.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def convocation(coop: Unit, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "ordinary",
        "title": "Assemblée générale ordinaire 2027",
        "description": "Comptes et élections.",
        "unit": coop.pk,
        "first_convocation_at": _local(30),
        "second_convocation_at": _local(45),
        "voting_opens_at": _local(25, 9),
        "voting_closes_at": _local(30, 20),
        "record_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "notice_days": 15,
        "preset": "be-sc-ordinary" if coop.code == "BE" else "fr-scic-sa-ago",
        "max_proxies_per_holder": 2,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def staff(org):
    return officer("staff", org.be)


def test_staff_create_an_assembly_that_is_saved_as_a_draft_and_audited(client, org, staff):
    client.force_login(staff)
    response = client.post("/assemblies/new/BE/", convocation(org.be), **EN)
    created = Assembly.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/assemblies/{created.pk}/prepare/"
    assert (created.status, created.preset, created.max_proxies_per_holder) == ("draft", "be-sc-ordinary", 2)
    assert created.created_by == staff
    entry = AuditEntry.objects.get(action="assembly.created")
    assert entry.actor == staff and entry.after["preset"] == "be-sc-ordinary"


def test_the_new_assembly_form_starts_from_the_statutory_preset_of_the_country_and_kind(client, org, staff):
    client.force_login(staff)
    page = client.get("/assemblies/new/FR/?kind=extraordinary", **EN)
    assert page.status_code == 403  # staff of BE only
    group_staff = officer("staff", org.group)
    client.force_login(group_staff)
    page = client.get("/assemblies/new/FR/?kind=extraordinary", **EN)
    form = page.context["form"]
    assert form.initial["preset"] == "fr-scic-sa-age"
    assert form.initial["notice_days"] == 15
    # Only the presets of France are offered, with their source in the law.
    offered = [value for value, _label in form.fields["preset"].choices]
    assert offered == ["", "fr-scic-sa-ago", "fr-scic-sa-age", "fr-sa-board"]
    assert "L225-96" in page.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"first_convocation_at": _local(10), "voting_opens_at": None, "voting_closes_at": None},
            "first_convocation_at",
            "The first convocation must be at least 15 days from today (statutory notice).",
        ),
        (
            {"notice_days": 8},
            "notice_days",
            "The law asks at least 15 days of notice for this kind of meeting.",
        ),
        (
            {"second_convocation_at": _local(29)},
            "second_convocation_at",
            "The second convocation must come after the first.",
        ),
        ({"voting_closes_at": _local(20)}, "voting_closes_at", "Online voting must close after it opens."),
        (
            {"voting_closes_at": None},
            "voting_closes_at",
            "Give both the opening and the closing of online voting, or neither.",
        ),
        (
            {"record_date": (timezone.localdate() + timedelta(days=2)).isoformat()},
            "record_date",
            "The record date cannot be in the future.",
        ),
        ({"preset": "fr-scic-sa-ago"}, "preset", "is not one of the available choices"),
        ({"kind": "local"}, "unit", "A local assembly is held by an antenna: choose it."),
        ({"first_convocation_at": "next tuesday"}, "first_convocation_at", "Enter a valid date/time."),
        ({"title": ""}, "title", "This field is required."),
    ],
)
def test_bad_convocation_input_is_refused_per_field_and_nothing_is_saved(
    client, org, staff, changes, field, message
):
    client.force_login(staff)
    response = client.post("/assemblies/new/BE/", convocation(org.be, **changes), **EN)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(message in text for text in errors[field]), errors[field]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Assembly.objects.exists()
    assert not AuditEntry.objects.filter(action="assembly.created").exists()


def test_a_local_assembly_is_held_by_an_antenna_and_a_general_one_is_not(client, org, staff):
    client.force_login(staff)
    antenna = Unit.objects.get(code="BE-BRUXELLES")
    refused = client.post("/assemblies/new/BE/", convocation(org.be, unit=antenna.pk), **EN)
    assert "Only a local or section assembly is held by an antenna." in refused.context["form"].errors["unit"]
    board_meeting = convocation(org.be, kind="local", unit=antenna.pk, preset="", notice_days=3)
    board_meeting["first_convocation_at"] = _local(5)
    board_meeting["voting_opens_at"] = _local(4, 9)
    board_meeting["voting_closes_at"] = _local(5, 20)
    board_meeting.pop("second_convocation_at")
    assert client.post("/assemblies/new/BE/", board_meeting, **EN).status_code == 302
    assert Assembly.objects.get().unit == antenna


def test_a_french_extraordinary_meeting_is_postponed_by_at_most_two_months(client, org):
    client.force_login(officer("staff", org.fr))
    data = convocation(
        org.fr, kind="extraordinary", preset="fr-scic-sa-age", second_convocation_at=_local(100)
    )
    response = client.post("/assemblies/new/FR/", data, **EN)
    assert response.context["form"].errors["second_convocation_at"] == [
        "An extraordinary meeting may be postponed by at most two months."
    ]


def test_a_section_assembly_elects_delegates_to_a_general_assembly_of_the_same_cooperative(
    client, org, staff
):
    client.force_login(staff)
    general = assembly(org.be, title="AG 2027")
    antenna = Unit.objects.get(code="BE-BRUXELLES")
    section = convocation(org.be, kind="section", unit=antenna.pk, preset="", title="Section Bruxelles")
    section["first_convocation_at"] = _local(18)
    for name in ("second_convocation_at", "voting_opens_at", "voting_closes_at"):
        section.pop(name)
    missing = client.post("/assemblies/new/BE/", section, **EN)
    assert missing.context["form"].errors["parent"] == [
        "Choose the general assembly this section sends delegates to."
    ]
    late = client.post(
        "/assemblies/new/BE/", {**section, "parent": general.pk, "first_convocation_at": _local(25)}, **EN
    )
    assert late.context["form"].errors["first_convocation_at"] == [
        "A section assembly meets before the general assembly it sends delegates to."
    ]
    other = assembly(org.fr, title="AG France")
    foreign = client.post("/assemblies/new/BE/", {**section, "parent": other.pk}, **EN)
    assert "parent" in foreign.context["form"].errors
    not_section = client.post("/assemblies/new/BE/", convocation(org.be, parent=general.pk), **EN)
    assert not_section.context["form"].errors["parent"] == [
        "Only a section assembly sends delegates to a general assembly."
    ]
    assert Assembly.objects.count() == 2
    assert client.post("/assemblies/new/BE/", {**section, "parent": general.pk}, **EN).status_code == 302
    created = Assembly.objects.get(kind="section")
    assert (created.parent, created.unit) == (general, antenna)


@pytest.fixture
def draft(org):
    return assembly(org.be, title="AG 2027")


def test_staff_add_a_motion_with_its_decision_type_and_an_election_with_its_candidates(
    client, org, staff, draft
):
    client.force_login(staff)
    url = f"/assemblies/{draft.pk}/prepare/items/"
    client.post(
        url,
        {
            "kind": "motion",
            "title": "Modification des statuts",
            "method": "motion",
            "preset": "be-sc-statutes",
            "secret": "on",
        },
        **EN,
    )
    client.post(
        url,
        {
            "kind": "election",
            "title": "Conseil d'administration",
            "method": "stv-scottish",
            "seats": 2,
            "college": "A",
            "options": "Amina Benali\nbruno | Bruno Lefèvre\nÉlise Fontaine",
        },
        **EN,
    )
    motion_item, election = Item.objects.filter(assembly=draft).order_by("order")
    assert (motion_item.order, motion_item.preset, motion_item.secret) == (1, "be-sc-statutes", True)
    assert (election.order, election.seats, election.college, election.secret) == (2, 2, "A", False)
    assert list(Option.objects.filter(item=election).values_list("key", "label")) == [
        ("amina-benali", "Amina Benali"),
        ("bruno", "Bruno Lefèvre"),
        ("elise-fontaine", "Élise Fontaine"),
    ]
    assert AuditEntry.objects.filter(action="item.added").count() == 2


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "motion", "method": "stv-scottish"}, "method", "A motion is counted by the motion method."),
        (
            {"kind": "election", "method": "stv-scottish", "options": "A\nB\nC"},
            "seats",
            "Say how many seats are to be filled.",
        ),
        (
            {"kind": "election", "method": "plurality", "seats": 1, "options": ""},
            "options",
            "Give the candidates, one per line.",
        ),
        (
            {"kind": "poll", "method": "approval", "options": "Alone"},
            "options",
            "Give at least two candidates or options, one per line.",
        ),
        (
            {"kind": "election", "method": "for-withhold", "seats": 2, "options": "A\nB"},
            "majority",
            "Give the share of For needed to be elected.",
        ),
        (
            {"kind": "election", "method": "for-withhold", "seats": 2, "options": "A\nB", "majority": "3/2"},
            "majority",
            "The share of For must be more than 0 and at most 1.",
        ),
        (
            {"kind": "election", "method": "for-withhold", "seats": 2, "options": "A", "majority": "half"},
            "majority",
            "Write the share of For as a fraction such as 1/2 or 2/3.",
        ),
        (
            {"kind": "poll", "method": "for-withhold", "options": "A\nB", "majority": "1/2"},
            "method",
            "For/Withhold decides elections only.",
        ),
        (
            {"kind": "motion", "method": "motion", "majority": "1/2"},
            "majority",
            "Only a For/Withhold election has a share of For.",
        ),
        (
            {"kind": "budget", "method": "plurality", "budget_eur": "1000", "options": "Vélos | 400"},
            "method",
            "A participatory budget is counted by greedy or equal-shares.",
        ),
        (
            {"kind": "budget", "method": "greedy", "options": "Vélos | 400"},
            "budget_eur",
            "Give the budget to share.",
        ),
        (
            {"kind": "budget", "method": "greedy", "budget_eur": "1000", "options": "Vélos\nJardin | 300"},
            "options",
            "Give each project with its cost, one per line: name | cost in euros.",
        ),
        (
            {"kind": "budget", "method": "greedy", "budget_eur": "1000", "options": "Vélos | quatre cents"},
            "options",
            "Line 1: the cost “quatre cents” is not an amount in euros.",
        ),
        (
            {"kind": "poll", "method": "approval", "budget_eur": "10", "options": "A\nB"},
            "budget_eur",
            "Only a participatory budget has a budget.",
        ),
        (
            {"kind": "poll", "method": "approval", "options": "Été\nete"},
            "options",
            "Two candidates or options have the same identifier.",
        ),
        (
            {"kind": "motion", "method": "motion", "preset": "fr-scic-sa-age"},
            "preset",
            "is not one of the available choices",
        ),
        ({"kind": "motion", "method": "motion", "seats": 0}, "seats", "greater than or equal to 1"),
        (
            {"kind": "motion", "method": "motion", "college": "Z"},
            "college",
            "is not one of the available choices",
        ),
    ],
)
def test_a_bad_item_is_refused_per_field_and_the_agenda_is_unchanged(
    client, org, staff, draft, data, field, message
):
    client.force_login(staff)
    response = client.post(f"/assemblies/{draft.pk}/prepare/items/", {"title": "Point", **data}, **EN)
    assert response.status_code == 400
    errors = response.context["item_form"].errors
    assert any(message in text for text in errors.get(field, [])), errors
    assert not Item.objects.exists() and not Option.objects.exists()


def test_staff_add_a_for_withhold_election_and_a_participatory_budget_with_its_costs(
    client, org, staff, draft
):
    client.force_login(staff)
    url = f"/assemblies/{draft.pk}/prepare/items/"
    client.post(
        url,
        {
            "kind": "election",
            "title": "Conseil d'administration",
            "method": "for-withhold",
            "seats": 3,
            "majority": "1/2",
            "options": "Amina Benali\nBruno Lefèvre",
        },
        **EN,
    )
    client.post(
        url,
        {
            "kind": "budget",
            "title": "Budget participatif des antennes",
            "method": "equal-shares",
            "budget_eur": "10000",
            "options": "velos | Vélos partagés | 4 000\nJardin collectif | 2500,50",
        },
        **EN,
    )
    election, budget = Item.objects.order_by("order")
    # Fewer candidates than seats: allowed, acclamation or For/Withhold decides.
    assert (election.method, election.majority, election.seats) == ("for-withhold", "1/2", 3)
    assert (budget.method, budget.budget_eur) == ("equal-shares", 10000)
    assert list(Option.objects.filter(item=budget).values_list("key", "label", "cost_eur")) == [
        ("velos", "Vélos partagés", 4000),
        ("jardin-collectif", "Jardin collectif", Decimal("2500.50")),
    ]


def test_the_agenda_and_convocation_no_longer_change_once_convened(client, org, staff, draft):
    item = motion(draft)
    members_in(org, org.be, 2)
    convene(draft)
    client.force_login(staff)
    client.post(
        f"/assemblies/{draft.pk}/prepare/items/",
        {"kind": "motion", "title": "Late", "method": "motion"},
        **EN,
    )
    client.post(f"/assemblies/{draft.pk}/prepare/items/{item.pk}/remove/", **EN)
    edit = client.post(
        f"/assemblies/{draft.pk}/prepare/convocation/", convocation(org.be, title="Changed"), **EN
    )
    assert list(Item.objects.values_list("title", flat=True)) == ["Motion 1"]
    draft.refresh_from_db()
    assert draft.title == "AG 2027"
    assert edit.status_code == 302


def test_staff_edit_a_draft_convocation_and_the_change_is_audited_with_before_and_after(
    client, org, staff, draft
):
    client.force_login(staff)
    response = client.post(
        f"/assemblies/{draft.pk}/prepare/convocation/", convocation(org.be, title="AG du printemps"), **EN
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "AG du printemps"
    entry = AuditEntry.objects.get(action="assembly.updated")
    assert entry.before["title"] == "AG 2027" and entry.after["title"] == "AG du printemps"


def test_staff_add_a_site_with_its_relay_and_a_wrong_relay_is_refused(client, org, staff, draft):
    client.force_login(staff)
    relay = User.objects.create_user(email="relay@example.org")
    antenna = Unit.objects.get(code="BE-BRUXELLES")
    url = f"/assemblies/{draft.pk}/prepare/sites/"
    bad = client.post(url, {"antenna": antenna.pk, "relay_email": "nobody@example.org"}, **EN)
    assert bad.context["site_form"].errors["relay_email"] == ["No account has this e-mail address."]
    assert not AssemblySite.objects.exists()
    client.post(
        url, {"antenna": antenna.pk, "place": "Rue Coenraets 72", "relay_email": "relay@example.org"}, **EN
    )
    site = AssemblySite.objects.get()
    assert (site.antenna, site.relay, site.place) == (antenna, relay, "Rue Coenraets 72")
    again = client.post(url, {"antenna": antenna.pk}, **EN)
    assert again.context["site_form"].errors["antenna"] == ["This antenna is already a site of the assembly."]
    paris = Unit.objects.get(code="FR-PARIS")
    other = client.post(url, {"antenna": paris.pk}, **EN)
    assert "antenna" in other.context["site_form"].errors
    assert AssemblySite.objects.count() == 1


def test_a_document_is_attached_audited_with_its_digest_and_members_download_it(
    client, org, staff, draft, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(staff)
    url = f"/assemblies/{draft.pk}/prepare/documents/"
    pdf = b"%PDF-1.4 comptes annuels"
    client.post(url, {"document": SimpleUploadedFile("Comptes 2026.pdf", pdf)}, **EN)
    assert services_manage.documents_of(draft) == ["Comptes_2026.pdf"]
    entry = AuditEntry.objects.get(action="assembly.document_attached")
    import hashlib

    assert entry.after["sha256"] == hashlib.sha256(pdf).hexdigest()
    refused = client.post(url, {"document": SimpleUploadedFile("script.exe", b"MZ")}, **EN)
    assert "Accepted files" in refused.context["document_form"].errors["document"][0]
    same = client.post(url, {"document": SimpleUploadedFile("Comptes 2026.pdf", b"%PDF other")}, **EN)
    assert same.context["document_form"].errors["document"] == [
        "A document with this name is already attached."
    ]
    assert services_manage.documents_of(draft) == ["Comptes_2026.pdf"]

    (voter,) = members_in(org, org.be, 1)
    member_user = User.objects.create_user(email="voter@example.org", person=voter.person)
    client.force_login(member_user)
    detail = client.get(f"/assemblies/{draft.pk}/", **EN).content.decode()
    assert f'href="/assemblies/{draft.pk}/documents/Comptes_2026.pdf"' in detail
    download = client.get(f"/assemblies/{draft.pk}/documents/Comptes_2026.pdf")
    assert b"".join(download.streaming_content) == pdf
    assert client.get(f"/assemblies/{draft.pk}/documents/..%2F..%2Fsettings.py").status_code == 404
    outsider = User.objects.create_user(email="outsider@example.org")
    client.force_login(outsider)
    assert client.get(f"/assemblies/{draft.pk}/documents/Comptes_2026.pdf").status_code == 403


def test_staff_convene_open_close_and_publish_from_the_page(
    client, org, staff, draft, mailoutbox, django_capture_on_commit_callbacks
):
    voters = members_in(org, org.be, 3)
    item = motion(draft)
    client.force_login(staff)
    act = f"/assemblies/{draft.pk}/prepare/act/"
    client.post(act, {"action": "open"}, **EN)  # not convened yet: refused
    assert Item.objects.get().status == "draft"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(act, {"action": "convene"}, **EN)
    draft.refresh_from_db()
    assert draft.status == "convened"
    assert len(mailoutbox) == 3
    client.post(act, {"action": "open"}, **EN)
    from tests.decisions.builders import cast

    for m, choice in zip(voters, ("yes", "yes", "no"), strict=True):
        cast(item, draft, m, choice)
    client.post(act, {"action": "close"}, **EN)
    assert Item.objects.get().status == "closed"
    page = client.post(act, {"action": "publish"}, follow=True, **EN).content.decode()
    assert "The results are counted and published." in page
    draft.refresh_from_db()
    result = Result.objects.get(item=item)
    assert draft.status == "published" and result.published_at is not None
    assert result.result["adopted"] is True
    actions = list(
        AuditEntry.objects.filter(
            action__in=[
                "assembly.convened",
                "item.opened",
                "item.closed",
                "result.computed",
                "result.published",
            ]
        )
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "assembly.convened",
        "item.opened",
        "item.closed",
        "result.computed",
        "result.published",
    ]


def test_the_prepare_page_shows_the_preset_agenda_and_the_acts_that_apply_now(client, org, staff):
    a = assembly(org.be, title="AG 2027", preset="be-sc-statutes")
    motion(a)
    client.force_login(staff)
    page = client.get(f"/assemblies/{a.pk}/prepare/", **EN).content.decode()
    assert "quorum 1/2 on first convocation, 0 on second; majority 3/4" in page
    assert "Convene: freeze the electorate and send the convocation" in page
    assert "Open voting on every item" not in page


# --- who may: staff or board of the cooperative (or above), nobody else ------------------------------------

ROLES = ("none", "relay", "moderator", "staff", "board")
PLACES = ("group", "BE", "BE-BRUXELLES", "FR")


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", ROLES)
def test_only_staff_or_board_of_the_cooperative_or_above_create_and_prepare_its_assemblies(
    client, org, role, place
):
    unit = Unit.objects.get(code="SMART" if place == "group" else place)
    user = officer(role, unit) if role != "none" else User.objects.create_user(email="none@example.org")
    client.force_login(user)
    a = assembly(org.be)
    may = role in ("staff", "board") and place in ("group", "BE")
    create = client.post("/assemblies/new/BE/", convocation(org.be), **EN)
    prepare = client.get(f"/assemblies/{a.pk}/prepare/", **EN)
    add = client.post(
        f"/assemblies/{a.pk}/prepare/items/", {"kind": "motion", "title": "M", "method": "motion"}, **EN
    )
    act = client.post(f"/assemblies/{a.pk}/prepare/act/", {"action": "convene"}, **EN)
    minutes = client.get(f"/assemblies/{a.pk}/minutes/", **EN)
    codes = [r.status_code for r in (create, prepare, add, act, minutes)]
    assert codes == ([302, 200, 302, 302, 200] if may else [403] * 5)
    assert Assembly.objects.count() == (2 if may else 1)


def test_a_member_cannot_reach_the_staff_pages(client, org, draft):
    (m,) = members_in(org, org.be, 1)
    client.force_login(User.objects.create_user(email="m@example.org", person=m.person))
    assert client.get(f"/assemblies/{draft.pk}/prepare/").status_code == 403
    assert client.post("/assemblies/new/BE/", convocation(org.be)).status_code == 403
    assert not AuditEntry.objects.filter(action="assembly.created").exists()


def test_the_assembly_list_offers_to_create_an_assembly_only_where_one_may(client, org, staff):
    client.force_login(staff)
    assert 'href="/assemblies/new/"' in client.get("/assemblies/", **EN).content.decode()
    page = client.get("/assemblies/new/", **EN).content.decode()
    assert "/assemblies/new/BE/?kind=ordinary" in page and "/assemblies/new/FR/" not in page


@pytest.mark.parametrize("hold_second", [False, True])
def test_a_statute_change_without_quorum_on_first_convocation_is_decided_on_the_second(
    client, org, staff, hold_second
):
    """Belgian statute amendment (be-sc-statutes): quorum 1/2 on first convocation, none on the second;
    3/4 of the votes cast. One For out of an electorate of four: 1/4 < 1/2, no quorum on the first."""
    voters = members_in(org, org.be, 4)
    a = assembly(
        org.be,
        title="AGE",
        preset="be-sc-statutes",
        second_convocation_at=timezone.now() + timedelta(days=35),
    )
    item = motion(a)
    convene(a)
    client.force_login(staff)
    act = f"/assemblies/{a.pk}/prepare/act/"
    client.post(act, {"action": "open"}, **EN)
    from tests.decisions.builders import cast

    cast(item, a, voters[0], "yes")
    if hold_second:
        page = client.post(act, {"action": "second"}, follow=True, **EN).content.decode()
        assert "The assembly is held on its second convocation: its quorum applies." in page
        again = client.post(act, {"action": "second"}, follow=True, **EN).content.decode()
        assert "The assembly is already held on its second convocation." in again
    client.post(act, {"action": "close"}, **EN)
    client.post(act, {"action": "publish"}, **EN)
    result = Result.objects.get(item=item)
    assert (result.quorum_reached, result.result["adopted"]) == (
        (True, True) if hold_second else (False, False)
    )
    assert AuditEntry.objects.filter(action="assembly.second_convocation").count() == int(hold_second)
    refused = client.post(act, {"action": "second"}, follow=True, **EN).content.decode()
    assert Assembly.objects.get().convocation == (2 if hold_second else 1)
    assert "already" in refused or "after convening and before closing" in refused


def test_the_prepare_page_reads_a_fixed_number_of_queries_whatever_the_agenda(
    client, org, staff, django_assert_num_queries
):
    a = assembly(org.be, title="AG 2027")
    for order in range(1, 4):
        motion(a, order=order)
    from tests.decisions.builders import election

    election(a, ["amina", "bruno", "claire"], order=4)
    AssemblySite.objects.create(assembly=a, antenna=Unit.objects.get(code="BE-BRUXELLES"))
    client.force_login(staff)
    client.get(f"/assemblies/{a.pk}/prepare/", **EN)  # warm the session and the caches
    with django_assert_num_queries(QUERIES_OF_THE_PREPARE_PAGE):
        assert client.get(f"/assemblies/{a.pk}/prepare/", **EN).status_code == 200
    election(a, ["dora", "emil"], order=5, seats=1)
    AssemblySite.objects.create(assembly=a, antenna=Unit.objects.get(code="BE-ANTWERPEN"))
    with django_assert_num_queries(QUERIES_OF_THE_PREPARE_PAGE):
        client.get(f"/assemblies/{a.pk}/prepare/", **EN)


# Session, user, roles, TOTP check, the assembly, its items, their options, sites, linked documents,
# categories, the cooperative's own presets and antennas (the forms), unread notices (the navigation).
QUERIES_OF_THE_PREPARE_PAGE = 13


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_staff_pages_and_the_minutes_are_fully_translated(client, org, staff, language):
    from tests.test_i18n import _english_only, spoken_text

    a = assembly(org.be, title="AG 2027", preset="be-sc-ordinary")
    motion(a)
    members_in(org, org.be, 2)
    convene(a)
    untranslated = _english_only(language)
    client.force_login(staff)
    client.cookies["django_language"] = language
    leaks = {}
    for path in (
        "/assemblies/new/",
        "/assemblies/new/BE/",
        f"/assemblies/{a.pk}/prepare/",
        f"/assemblies/{a.pk}/prepare/convocation/",
        f"/assemblies/{a.pk}/minutes/?language={language}",
    ):
        html = client.get(path).content.decode()
        assert f'<html lang="{language}">' in html, path
        # The minutes carry their own language; here it is the page's, so read them as well.
        html = html.replace(f'<article class="minutes" lang="{language}">', '<article class="minutes">')
        found = sorted({piece for piece in spoken_text(html) if piece.rstrip(":") in untranslated})
        if found:
            leaks[path] = found
    assert leaks == {}


def test_the_ballot_file_is_downloadable_once_published_by_whoever_may_see_the_assembly(client, org, staff):
    import json

    from coopgov.decisions import services
    from tests.decisions.builders import cast

    voters = members_in(org, org.be, 2)
    a = assembly(org.be)
    item = motion(a)
    convene(a)
    services.item_open(item=item, actor=ACTOR)
    receipt = cast(item, a, voters[0], "yes")
    services.item_close(item=item, actor=ACTOR)
    services.result_compute(item=item, actor=ACTOR, seed="1")
    member = User.objects.create_user(email="v@example.org", person=voters[1].person)
    client.force_login(member)
    url = f"/assemblies/{a.pk}/items/{item.pk}/ballots.json"
    assert client.get(url).status_code == 404  # counted, not yet published
    services.result_publish(item=item, actor=ACTOR)
    response = client.get(url)
    assert response["Content-Disposition"] == f'attachment; filename="ballots-item-{item.pk}.json"'
    assert [b["voter"] for b in json.loads(response.content)["ballots"]] == [receipt]
    client.force_login(User.objects.create_user(email="outsider@example.org"))
    assert client.get(url).status_code == 403
