"""Sentences for the electorate's reason codes and the refusals of the decisions services, translated."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _


def _appointment(how: str) -> str:
    """How a director came to sit on the board, in the reader's language."""
    texts = {
        "elected": _("elected"),
        "coopted": _("co-opted, pending ratification"),
        "coopted_ratified": _("co-opted, since ratified"),
        "ex_officio": _("ex officio"),
    }
    return texts.get(how, how)


def _board_params(p: dict[str, Any]) -> dict[str, Any]:
    """A board seat's reason with its date written the reader's way and its appointment in words."""
    out = dict(p)
    if isinstance(p.get("since"), str):
        out["since"] = formats.date_format(date.fromisoformat(p["since"]), "DATE_FORMAT")
    if "how" in p:
        out["how"] = _appointment(str(p["how"]))
    return out


def reason_text(code: str, params: dict[str, Any] | None = None) -> str:
    """One sentence, addressed to the member, for a reason code stored with their electorate entry."""
    p = params or {}
    if code == "board_seat":
        p = _board_params(p)
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
        "board_seat": _(
            "You sit on the board of directors since %(since)s (%(how)s): at this board meeting you have "
            "one vote."
        ),
        "no_board_seat": _(
            "Only the directors in office on the record date (%(date)s) vote at a board meeting, and you "
            "held no mandate on the board that day."
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


def seat_text(row: dict[str, Any]) -> str:
    """How a director sits on the board, for the list of who votes at a board meeting."""
    p = _board_params(row)
    return _("on the board since %(since)s (%(how)s)") % p
