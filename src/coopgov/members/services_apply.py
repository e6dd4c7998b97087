"""Applying for membership: one act creates the person and the candidacy, keeps what was asked, audits it.

The same act serves the public application page, the staff's form for paper applications and the API
(ADR 0019). It never creates an account: accounts are opened for admitted members elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from coopgov.domain.governance.application import application_check
from coopgov.domain.governance.reasons import Reason
from coopgov.members.errors import RuleViolation
from coopgov.members.models import Category, Membership, MembershipApplication, OperationCounter, Person
from coopgov.members.selectors import ApplicationTerms, application_terms, has_open_candidacy
from coopgov.members.services import membership_apply
from coopgov.organisation.models import Unit

LANGUAGES = ("fr", "nl", "en")

# Which field of the form (and of the API's body) each reason of an application is about.
APPLICATION_FIELDS = {
    "first_name_required": "first_name",
    "last_name_required": "last_name",
    "legal_name_required": "legal_name",
    "representative_required": "representative",
    "invalid_email": "email",
    "already_applied": "email",
    "invalid_language": "language",
    "antenna_required": "antenna",
    "antenna_not_in_cooperative": "antenna",
    "category_required": "category",
    "category_not_in_cooperative": "category",
    "no_profile": "profiles",
    "profile_not_open": "profiles",
    "below_minimum_shares": "shares",
    "statutes_not_accepted": "accept_statutes",
    "effective_date_in_future": "applied_on",
    "applications_closed": "",
}


@dataclass(frozen=True)
class Applicant:
    """Who applies, as they gave it: a natural person, or a legal person with its representative."""

    kind: str
    email: str
    language: str
    first_name: str = ""
    last_name: str = ""
    legal_name: str = ""
    representative: str = ""
    address: str = ""
    home_antenna: Unit | None = None
    profiles: tuple[str, ...] = field(default_factory=tuple)


def application_problems(
    *,
    terms: ApplicationTerms,
    applicant: Applicant,
    category: Category | None,
    shares: int,
    accepted_statutes: bool,
) -> list[Reason]:
    """Every reason the application cannot be recorded as it stands (empty: it can).

    Read by the forms (each reason shown on its field) and re-checked by the act itself.
    """
    broken: list[Reason] = []
    if not terms.is_open:
        return [Reason("applications_closed", False, {})]
    if applicant.kind == Person.Kind.LEGAL:
        if not applicant.legal_name.strip():
            broken.append(Reason("legal_name_required", False, {}))
        if not applicant.representative.strip():
            broken.append(Reason("representative_required", False, {}))
    else:
        if not applicant.first_name.strip():
            broken.append(Reason("first_name_required", False, {}))
        if not applicant.last_name.strip():
            broken.append(Reason("last_name_required", False, {}))
    try:
        validate_email(applicant.email.strip())
    except ValidationError:
        broken.append(Reason("invalid_email", False, {}))
    else:
        if has_open_candidacy(terms.cooperative, applicant.email):
            broken.append(Reason("already_applied", False, {}))
    if applicant.language not in LANGUAGES:
        broken.append(Reason("invalid_language", False, {}))
    antenna_ids = {a.pk for a in terms.antennas}
    if applicant.home_antenna is None:
        if antenna_ids:
            broken.append(Reason("antenna_required", False, {}))
    elif applicant.home_antenna.pk not in antenna_ids:
        broken.append(Reason("antenna_not_in_cooperative", False, {}))
    if category is None:
        if len(terms.categories) > 1:
            broken.append(Reason("category_required", False, {}))
    elif category.pk not in {c.pk for c in terms.categories}:
        broken.append(Reason("category_not_in_cooperative", False, {}))
    broken.extend(application_check(terms.policy, applicant.profiles, shares))
    if not accepted_statutes:
        broken.append(Reason("statutes_not_accepted", False, {}))
    return broken


@transaction.atomic
def membership_application_submit(
    *,
    cooperative: Unit,
    applicant: Applicant,
    category: Category | None,
    shares: int,
    accepted_statutes: bool,
    channel: str,
    actor: Any,
    applied_on: date | None = None,
) -> Membership:
    """Record an application: a new person, their candidacy (next register number) and what they asked.

    The cooperative's counter row is locked first, so two applications with the same e-mail cannot both
    pass the "no second candidacy" check. A new person is always created: an application never changes a
    person already in the register (an anonymous form must not rewrite someone's record). The requested
    shares are kept with the candidacy and enter the ledger at admission. Audited as ``membership.applied``;
    the applicant is e-mailed a confirmation in their language after the commit.
    """
    OperationCounter.objects.select_for_update().get_or_create(cooperative=cooperative)
    terms = application_terms(cooperative)
    applied_on = applied_on or timezone.localdate()
    broken = application_problems(
        terms=terms,
        applicant=applicant,
        category=category,
        shares=shares,
        accepted_statutes=accepted_statutes,
    )
    if applied_on > timezone.localdate():
        broken.append(Reason("effective_date_in_future", False, {}))
    if broken:
        raise RuleViolation(broken)
    assert terms.share_class is not None  # is_open
    category = category or terms.categories[0]
    legal = applicant.kind == Person.Kind.LEGAL
    person = Person.objects.create(
        kind=Person.Kind.LEGAL if legal else Person.Kind.NATURAL,
        first_name="" if legal else applicant.first_name.strip(),
        last_name="" if legal else applicant.last_name.strip(),
        legal_name=applicant.legal_name.strip() if legal else "",
        representative=applicant.representative.strip() if legal else "",
        email=applicant.email.strip(),
        language=applicant.language,
        address=applicant.address.strip(),
        home_antenna=applicant.home_antenna,
        profiles=sorted(set(applicant.profiles)),
    )
    membership = membership_apply(
        person=person,
        cooperative=cooperative,
        category=category,
        applied_on=applied_on,
        actor=actor,
        application={
            "channel": channel,
            "profiles": sorted(set(applicant.profiles)),
            "share_class": terms.share_class.code,
            "shares": shares,
            "amount_eur": terms.share_class.nominal_eur * shares,
            "statutes": str(terms.statutes) if terms.statutes else "",
        },
    )
    MembershipApplication.objects.create(
        membership=membership,
        channel=channel,
        share_class=terms.share_class,
        requested_shares=shares,
        statutes=terms.statutes,
        entered_by=actor if getattr(actor, "pk", None) and hasattr(actor, "email") else None,
    )
    from coopgov.members.tasks import notify_application_received

    membership_id = membership.pk
    transaction.on_commit(lambda: notify_application_received.enqueue(membership_id))
    return membership
