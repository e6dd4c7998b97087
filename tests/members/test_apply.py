"""Applying for membership: the act (person, candidacy, what was asked, audit, confirmation), each refusal
leaving nothing behind, admission subscribing the requested shares, and the public and staff pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from coopgov.audit.models import AuditEntry
from coopgov.domain.governance.shares import MovementKind
from coopgov.members import services
from coopgov.members.errors import RuleViolation
from coopgov.members.models import (
    Membership,
    MembershipApplication,
    Person,
    PolicyRule,
    ShareMovement,
)
from coopgov.members.services_apply import Applicant, membership_application_submit
from coopgov.organisation.models import StatutesVersion
from tests.members.builders import ACTOR, Org, audit_count, days_ago, today

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    # The guard against floods counts in the cache; each test starts with a clean hour.
    cache.clear()
    yield
    cache.clear()


def applicant(org: Org, **changes: Any) -> Applicant:
    values: dict[str, Any] = {
        "kind": "natural",
        "first_name": "Amira",
        "last_name": "El Amrani",
        "email": "amira@test.example.org",
        "language": "nl",
        "address": "Rue Haute 1, 1000 Bruxelles",
        "home_antenna": org.antenna(org.be, "Bruxelles"),
        "profiles": ("entrepreneur",),
    }
    values.update(changes)
    return Applicant(**values)


def submit(org: Org, who: Applicant | None = None, **changes: Any) -> Membership:
    kwargs: dict[str, Any] = {
        "cooperative": org.be,
        "applicant": who or applicant(org),
        "category": org.category(org.be, "A"),
        "shares": 2,
        "accepted_statutes": True,
        "channel": "online",
        "actor": "online application",
    }
    kwargs.update(changes)
    return membership_application_submit(**kwargs)


def codes(violation: pytest.ExceptionInfo[RuleViolation]) -> set[str]:
    return {r.code for r in violation.value.reasons}


def nothing_written(before: tuple[int, int, int]) -> bool:
    return before == (Person.objects.count(), Membership.objects.count(), audit_count())


def counts() -> tuple[int, int, int]:
    return Person.objects.count(), Membership.objects.count(), audit_count()


# --- the act ---------------------------------------------------------------------------------------------


def test_an_application_creates_a_person_a_candidacy_and_keeps_the_shares_asked_for(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        m = submit(org)
    assert m.status == "candidate" and m.applied_on == today()
    assert m.person.display_name == "Amira El Amrani"
    assert m.person.profiles == ["entrepreneur"] and m.person.language == "nl"
    application = MembershipApplication.objects.get(membership=m)
    assert application.requested_shares == 2 and application.share_class == org.share_class(org.be)
    assert application.statutes == StatutesVersion.objects.get(cooperative=org.be)
    assert application.channel == "online" and application.entered_by is None
    # A candidate holds no share yet: the ledger is untouched until admission.
    assert not ShareMovement.objects.filter(membership=m).exists()
    # The confirmation goes out in the applicant's language (Dutch here).
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["amira@test.example.org"]
    assert "Smart België" in mail.outbox[0].subject


def test_an_application_is_audited_with_what_was_asked(org: Org) -> None:
    m = submit(org)
    entry = AuditEntry.objects.get(action="membership.applied", object_id=str(m.pk))
    assert entry.actor_label == "online application"
    assert entry.after["application"]["shares"] == 2
    assert entry.after["application"]["profiles"] == ["entrepreneur"]
    assert entry.after["application"]["channel"] == "online"


def test_a_legal_person_applies_with_its_representative(org: Org) -> None:
    who = applicant(
        org,
        kind="legal",
        first_name="",
        last_name="",
        legal_name="Urbike SC",
        representative="Jan Peeters",
        profiles=("partner",),
    )
    m = submit(org, who, category=org.category(org.be, "D"), shares=1)
    assert m.person.kind == "legal"
    assert m.person.display_name == "Urbike SC" and m.person.representative == "Jan Peeters"


def test_admission_subscribes_the_shares_asked_for_in_the_ledger(org: Org) -> None:
    m = submit(org, shares=3)
    services.membership_admit(membership=m, on=today(), actor=ACTOR, deciding_body="board")
    (line,) = ShareMovement.objects.filter(membership=m)
    assert (line.kind, line.shares_delta, line.effective_on) == (MovementKind.SUBSCRIPTION, 3, today())
    assert AuditEntry.objects.filter(action="shares.subscription", object_id=str(m.pk)).count() == 1


def test_a_refused_candidate_leaves_no_line_in_the_ledger(org: Org) -> None:
    m = submit(org)
    services.membership_refuse(membership=m, on=today(), actor=ACTOR, reason="Outside the purpose.")
    assert not ShareMovement.objects.filter(membership=m).exists()


def test_an_admitted_imported_candidate_without_an_application_gets_no_subscription(org: Org) -> None:
    from tests.members.builders import candidate

    m = candidate(org, org.be)
    services.membership_admit(membership=m, on=today(), actor=ACTOR)
    assert not ShareMovement.objects.filter(membership=m).exists()


# --- refusals: each with its reason, nothing written ------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"who": {"first_name": ""}}, "first_name_required"),
        ({"who": {"last_name": " "}}, "last_name_required"),
        ({"who": {"kind": "legal", "legal_name": ""}}, "legal_name_required"),
        ({"who": {"kind": "legal", "legal_name": "Urbike", "representative": ""}}, "representative_required"),
        ({"who": {"email": "not-an-address"}}, "invalid_email"),
        ({"who": {"language": "de"}}, "invalid_language"),
        ({"who": {"home_antenna": None}}, "antenna_required"),
        ({"who": {"profiles": ()}}, "no_profile"),
        ({"shares": 0}, "below_minimum_shares"),
        ({"category": None}, "category_required"),
        ({"accepted_statutes": False}, "statutes_not_accepted"),
        ({"applied_on": "tomorrow"}, "effective_date_in_future"),
    ],
)
def test_an_application_missing_something_is_refused_with_its_reason_and_writes_nothing(
    org: Org, changes: dict[str, Any], code: str
) -> None:
    who = applicant(org, **changes.pop("who", {}))
    if changes.get("applied_on") == "tomorrow":
        changes["applied_on"] = days_ago(-1)
    before = counts()
    with pytest.raises(RuleViolation) as refused:
        submit(org, who, **changes)
    assert code in codes(refused)
    assert nothing_written(before)


def test_an_antenna_or_category_of_another_cooperative_is_refused(org: Org) -> None:
    who = applicant(org, home_antenna=org.antenna(org.fr, "Paris"))
    before = counts()
    with pytest.raises(RuleViolation) as refused:
        submit(org, who, category=org.category(org.fr, "1"))
    assert codes(refused) == {"antenna_not_in_cooperative", "category_not_in_cooperative"}
    assert nothing_written(before)


def test_a_profile_the_policy_closes_is_refused_with_the_policys_reason(org: Org) -> None:
    PolicyRule.objects.filter(cooperative=org.be, profile="client", is_draft=False).update(
        requirement="not_allowed"
    )
    before = counts()
    with pytest.raises(RuleViolation) as refused:
        submit(org, applicant(org, profiles=("client",)))
    assert [(r.code, r.params) for r in refused.value.reasons] == [
        ("profile_not_open", {"profile": "client"})
    ]
    assert nothing_written(before)


def test_fewer_shares_than_the_profiles_floor_are_refused(org: Org) -> None:
    # Smart France asks three shares of an activity coordinator (DOMAIN.md §1.3).
    who = applicant(org, home_antenna=org.antenna(org.fr, "Paris"))
    with pytest.raises(RuleViolation) as refused:
        submit(org, who, cooperative=org.fr, category=org.category(org.fr, "1"), shares=2)
    assert [(r.code, r.params) for r in refused.value.reasons] == [
        ("below_minimum_shares", {"required": 3, "requested": 2})
    ]
    m = submit(org, who, cooperative=org.fr, category=org.category(org.fr, "1"), shares=3)
    assert m.application.requested_shares == 3


def test_every_problem_is_reported_at_once(org: Org) -> None:
    who = applicant(org, first_name="", email="nope", profiles=())
    with pytest.raises(RuleViolation) as refused:
        submit(org, who, accepted_statutes=False)
    assert codes(refused) >= {"first_name_required", "invalid_email", "no_profile", "statutes_not_accepted"}


@pytest.mark.parametrize("status", ["candidate", "admitted"])
def test_an_email_already_candidate_or_admitted_here_is_refused(org: Org, status: str) -> None:
    m = submit(org)
    if status == "admitted":
        services.membership_admit(membership=m, on=today(), actor=ACTOR)
    before = counts()
    with pytest.raises(RuleViolation) as refused:
        submit(org, applicant(org, email="AMIRA@test.example.org", first_name="Other"))
    assert codes(refused) == {"already_applied"}
    assert nothing_written(before)


def test_the_same_email_may_apply_again_after_a_refusal_and_to_another_cooperative(org: Org) -> None:
    m = submit(org)
    services.membership_refuse(membership=m, on=today(), actor=ACTOR, reason="Incomplete.")
    again = submit(org)
    assert again.person_id != m.person_id
    fr = submit(
        org,
        applicant(org, home_antenna=org.antenna(org.fr, "Paris")),
        cooperative=org.fr,
        category=org.category(org.fr, "1"),
        shares=3,
    )
    assert fr.cooperative == org.fr


def test_an_application_never_changes_a_person_already_in_the_register(org: Org) -> None:
    from tests.members.builders import new_person

    existing = new_person(["staff"], last_name="Original", email="amira@test.example.org")
    m = submit(org)
    existing.refresh_from_db()
    assert m.person_id != existing.pk and existing.last_name == "Original"


# --- the public page ----------------------------------------------------------------------------------------


def form_data(org: Org, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "natural",
        "first_name": "Amira",
        "last_name": "El Amrani",
        "email": "amira@test.example.org",
        "language": "fr",
        "address": "Rue Haute 1, 1000 Bruxelles",
        "antenna": org.antenna(org.be, "Bruxelles").pk,
        "profiles": ["entrepreneur"],
        "category": org.category(org.be, "A").pk,
        "shares": "2",
        "accept_statutes": "on",
        "website": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_anyone_sees_the_application_page_with_the_policys_terms(client: Client, org: Org) -> None:
    page = client.get("/join/BE/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Become a member of Smart Belgium" in text
    assert "Bruxelles" in text and "Statuts Smart Belgique" in text
    assert "30.00" in text  # nominal value and amount
    assert "Share class A" in text


def test_the_landing_and_sign_in_pages_link_to_the_application(client: Client, org: Org) -> None:
    for url in ("/", "/accounts/login/"):
        assert 'href="/join/"' in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    index = client.get("/join/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/join/BE/"' in index and 'href="/join/FR/"' in index


def test_a_visitor_applies_and_reads_what_happens_next(client: Client, org: Org) -> None:
    response = client.post("/join/BE/", form_data(org), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.redirect_chain[-1][0] == "/join/BE/sent/"
    text = response.content.decode()
    assert "The board of directors decides on your application" in text
    assert "amira@test.example.org" in text and "60.00" in text
    m = Membership.objects.get(person__email="amira@test.example.org")
    assert m.status == "candidate" and m.application.channel == "online"


def test_bad_input_is_shown_on_each_field_and_nothing_is_written(client: Client, org: Org) -> None:
    before = counts()
    response = client.post(
        "/join/BE/",
        form_data(org, first_name="", email="nope", profiles=None, shares="0", accept_statutes=None),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) >= {"first_name", "email", "profiles", "shares", "accept_statutes"}
    assert errors["first_name"] == ["Give your first name."]
    assert errors["accept_statutes"] == ["This field is required."]
    assert 'id="id_first_name_error"' in response.content.decode()
    assert nothing_written(before)


def test_a_closed_profile_sent_to_the_page_gets_the_policys_reason_on_its_field(
    client: Client, org: Org
) -> None:
    PolicyRule.objects.filter(cooperative=org.be, profile="client", is_draft=False).update(
        requirement="not_allowed"
    )
    page = client.get("/join/BE/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="client"' not in page  # not offered
    response = client.post("/join/BE/", form_data(org, profiles=["client"]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["form"].errors["profiles"] == [
        "Under its membership policy, this cooperative does not take members of the profile "
        "“Client (donneur d'ordre)”."
    ]


def test_a_second_application_with_the_same_email_is_refused_on_the_email_field(
    client: Client, org: Org
) -> None:
    client.post("/join/BE/", form_data(org))
    before = counts()
    response = client.post("/join/BE/", form_data(org, first_name="Twin"), HTTP_ACCEPT_LANGUAGE="en")
    assert "already a candidate or a member" in response.context["form"].errors["email"][0]
    assert nothing_written(before)


def test_a_robot_filling_the_hidden_field_is_shown_success_and_nothing_is_written(
    client: Client, org: Org
) -> None:
    before = counts()
    response = client.post("/join/BE/", form_data(org, website="http://spam.example"))
    assert response.status_code == 302 and response["Location"] == "/join/BE/sent/"
    assert nothing_written(before)


def test_too_many_tries_from_one_address_in_an_hour_are_refused(
    client: Client, org: Org, settings: Any
) -> None:
    settings.COOPGOV_APPLICATION_TRIES_PER_IP_PER_HOUR = 2
    for n in range(2):
        client.post("/join/BE/", form_data(org, email=f"p{n}@test.example.org"))
    before = counts()
    response = client.post(
        "/join/BE/", form_data(org, email="p3@test.example.org"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 429
    assert "Too many applications" in response.content.decode()
    assert nothing_written(before)
    # Another address may still apply.
    other = client.post("/join/BE/", form_data(org, email="p3@test.example.org"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_too_many_applications_for_one_email_in_an_hour_are_refused(
    client: Client, org: Org, settings: Any
) -> None:
    settings.COOPGOV_APPLICATIONS_PER_EMAIL_PER_HOUR = 1
    assert client.post("/join/BE/", form_data(org)).status_code == 302
    fr = form_data(
        org, antenna=org.antenna(org.fr, "Paris").pk, category=org.category(org.fr, "1").pk, shares="3"
    )
    response = client.post("/join/FR/", fr, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert not Membership.objects.filter(cooperative=org.fr, person__email="amira@test.example.org").exists()


def test_an_unknown_cooperative_has_no_application_page(client: Client, org: Org) -> None:
    assert client.get("/join/XX/").status_code == 404


# --- the staff's form and the queue -------------------------------------------------------------------------


def test_staff_enter_a_paper_application_in_their_name(
    staff_client: Client, staff_user: Any, org: Org
) -> None:
    data = form_data(org, applied_on=days_ago(5).isoformat())
    data.pop("website")
    response = staff_client.post("/register/BE/admissions/new/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == "/register/BE/admissions/"
    m = Membership.objects.get(person__email="amira@test.example.org")
    assert m.applied_on == days_ago(5)
    assert m.application.channel == "staff" and m.application.entered_by == staff_user
    entry = AuditEntry.objects.get(action="membership.applied", object_id=str(m.pk))
    assert entry.actor == staff_user


def test_the_staff_form_checks_the_same_rules(staff_client: Client, org: Org) -> None:
    before = counts()
    data = form_data(org, shares="0", applied_on=days_ago(-1).isoformat())
    response = staff_client.post("/register/BE/admissions/new/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert set(response.context["form"].errors) >= {"shares", "applied_on"}
    assert nothing_written(before)


def test_the_queue_shows_the_shares_and_profiles_asked_for(staff_client: Client, org: Org) -> None:
    submit(org, shares=4)
    page = staff_client.get("/register/BE/admissions/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Amira El Amrani" in page
    assert "4 × class A at 30.00 € = 120.00 €" in page
    assert "Worker-entrepreneur" in page
    assert 'href="/register/BE/admissions/new/"' in page


def test_the_demo_organisation_takes_applications(client: Client, org: Org) -> None:
    from coopgov.members.demo import generate

    generate(members=20, seed=1)
    assert client.post("/join/BE/", form_data(org)).status_code == 302


# --- concurrency (PostgreSQL) -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_applications_with_one_email_record_one_candidacy(org: Org) -> None:
    from django.db import connection

    from coopgov.audit.selectors import audit_first_broken_entry
    from tests.members.test_concurrency import at_once

    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises write transactions (BEGIN IMMEDIATE); row locks are tested on PostgreSQL"
        )

    def apply(i: int) -> str:
        try:
            submit(org, applicant(org, first_name=f"Twin {i}"))
        except RuleViolation as refused:
            return ",".join(r.code for r in refused.reasons)
        return "ok"

    results, failures = at_once(apply, 6)
    assert failures == []
    assert sorted(results) == ["already_applied"] * 5 + ["ok"]
    assert Membership.objects.filter(cooperative=org.be, person__email="amira@test.example.org").count() == 1
    assert audit_first_broken_entry() is None
