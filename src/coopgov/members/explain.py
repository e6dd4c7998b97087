"""Sentences for the reasons the rules give, in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coopgov.domain.governance.reasons import Reason
from coopgov.members.labels import STATUS_LABELS


def _service_name(code: str) -> str:
    from coopgov.members.models import Service

    service = Service.objects.filter(code=code).first()
    return service.display_name if service else code


def explain(reason: Reason) -> str:
    """One sentence saying what the rule found, addressed to the member."""
    p = reason.params
    code = reason.code
    if code == "no_policy_for_profiles":
        return _("No membership rule applies to your profiles, so nothing is reserved to members for you.")
    if code == "service_open_to_profile":
        return _("“%(service)s” is open to your profile without membership.") % {
            "service": _service_name(p["service"])
        }
    if code == "service_requires_membership":
        return _("For your profile, “%(service)s” is reserved to members of the cooperative.") % {
            "service": _service_name(p["service"])
        }
    if code == "is_admitted":
        return _("You are an admitted member.")
    if code == "not_admitted":
        status = STATUS_LABELS.get(p.get("status") or "", _("not a member"))
        return _("You are not an admitted member (your status: %(status)s).") % {"status": status}
    if code == "enough_shares":
        return (
            ngettext(
                "You hold %(held)d share; %(required)d is required.",
                "You hold %(held)d shares; %(required)d are required.",
                p["held"],
            )
            % p
        )
    if code == "not_enough_shares":
        if p.get("per_year"):
            return (
                _(
                    "You hold %(held)d share(s) but %(required)d are required: one share per year of use "
                    "(%(years)d year(s))."
                )
                % p
            )
        return _("You hold %(held)d share(s) but %(required)d are required.") % p
    if code == "negative_amount":
        return _("Quantities and amounts must be positive.")
    if code == "zero_quantity":
        return _("The number of shares must be at least one.")
    if code == "zero_amount":
        return _("The amount must be more than zero.")
    if code == "payment_exceeds_unpaid":
        return _("The payment of %(amount)s € exceeds the %(unpaid)s € still unpaid.") % p
    if code == "negative_holding":
        return _("Only %(held)d share(s) are held; %(quantity)d cannot be moved.") % p
    if code == "outside_resignation_window":
        return (
            _("Resignations are accepted only during the first %(months)d months of the financial year.") % p
        )
    if code == "partial_resignation_not_allowed":
        return _("The statutes require resigning with all %(held)d shares.") % p
    if code == "below_capital_floor":
        return _("The capital would fall to %(after)s €, below its floor of %(floor)s €.") % p
    if code == "repayment_exceeds_paid_in":
        return _("The repayment of %(amount)s € exceeds the %(paid)s € paid in.") % p
    if code == "effective_date_in_future":
        return _("The effective date cannot be in the future.")
    if code == "invalid_transition":
        return _("A membership cannot go from %(from)s to %(to)s.") % {
            "from": STATUS_LABELS.get(p["from"], p["from"]),
            "to": STATUS_LABELS.get(p["to"], p["to"]),
        }
    if code == "reason_required":
        return _("A reason is required.")
    if code == "not_a_member_of_cooperative":
        return _("The receiving person is not a member of this cooperative.")
    if code == "same_share_class":
        return _("Choose a different share class to convert to.")
    return _explain_application(reason) or code


def _explain_application(reason: Reason) -> str:
    """Sentences for the reasons an application for membership is not recorded (services_apply)."""
    from coopgov.members.models import Profile

    p = reason.params
    sentences = {
        "applications_closed": _("This cooperative does not take applications here yet."),
        "first_name_required": _("Give your first name."),
        "last_name_required": _("Give your last name."),
        "legal_name_required": _("Give the legal name of the organisation."),
        "representative_required": _("Give the name of the person who represents the organisation."),
        "invalid_email": _("Give a valid e-mail address, such as name@example.org."),
        "already_applied": _(
            "A person with this e-mail address is already a candidate or a member of this cooperative: "
            "no second application is recorded. Ask the cooperative-life staff if something is wrong."
        ),
        "invalid_language": _("Choose French, Dutch or English."),
        "antenna_required": _("Choose your home antenna."),
        "antenna_not_in_cooperative": _("This antenna does not belong to this cooperative."),
        "category_required": _("Choose a category."),
        "category_not_in_cooperative": _("This category does not belong to this cooperative."),
        "no_profile": _("Choose at least one profile."),
        "statutes_not_accepted": _("You must accept the statutes to apply."),
    }
    if reason.code in sentences:
        return str(sentences[reason.code])
    if reason.code == "profile_not_open":
        label = dict(Profile.choices).get(p["profile"], p["profile"])
        return _(
            "Under its membership policy, this cooperative does not take members of the profile "
            "“%(profile)s”."
        ) % {"profile": label}
    if reason.code == "below_minimum_shares":
        return (
            ngettext(
                "Your profile asks for at least %(required)d share.",
                "Your profile asks for at least %(required)d shares.",
                p["required"],
            )
            % p
        )
    return ""
