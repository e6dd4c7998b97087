"""Translatable labels for the domain's codes (statuses, requirements, movement kinds, reasons)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

STATUS_LABELS = {
    "candidate": _("Candidate"),
    "admitted": _("Admitted"),
    "refused": _("Refused"),
    "resigned": _("Resigned"),
    "excluded": _("Excluded"),
    "deceased": _("Deceased"),
}

REQUIREMENT_LABELS = {
    "mandatory": _("Membership mandatory"),
    "optional": _("Membership optional"),
    "not_allowed": _("Membership not open"),
}

MOVEMENT_LABELS = {
    "subscription": _("Subscription"),
    "payment": _("Payment"),
    "transfer": _("Transfer"),
    "redemption": _("Redemption"),
    "repayment": _("Repayment"),
    "conversion": _("Conversion"),
}

SIMULATION_CLASS_LABELS = {
    "compliant": _("compliant"),
    "must_join": _("must join"),
    "must_top_up": _("must subscribe more shares"),
    "not_allowed": _("may not be a member"),
}
