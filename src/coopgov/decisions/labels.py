"""Sentences for the electorate's reason codes and the refusals of the decisions services, translated."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def reason_text(code: str, params: dict[str, Any] | None = None) -> str:
    """One sentence, addressed to the member, for a reason code stored with their electorate entry."""
    p = params or {}
    texts = {
        "admitted_on_record_date": _("You were an admitted member on the record date (%(date)s)."),
        "not_admitted_on_record_date": _("You were not an admitted member on the record date (%(date)s)."),
        "left_before_record_date": _("Your membership had ended before the record date (%(date)s)."),
        "shares_paid": _("Your shares were paid in on the record date."),
        "no_paid_shares": _(
            "The statutes require paid-in shares to vote, and none were paid in on the record date."
        ),
        "in_college": _("You vote in the category or collège “%(college)s”."),
        "outside_unit": _("Your home antenna is not part of %(unit)s, whose members make up this assembly."),
        "not_in_register": _("You have no membership of this cooperative in the register."),
        "delegate": _(
            "You are a delegate of the section assembly “%(section)s”: your vote weighs the %(represents)s "
            "members you represent."
        ),
        "votes_through_section": _(
            "This general assembly gathers the delegates of the section assemblies: you vote through your "
            "section's delegates."
        ),
    }
    text = texts.get(code, code)
    try:
        return text % p
    except (KeyError, TypeError, ValueError):
        return text
