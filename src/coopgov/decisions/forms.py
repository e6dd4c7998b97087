"""Reading a vote from a submitted form into the ballot format's ``vote`` (checked by the service)."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopgov.decisions.models import DEFAULT_GRADES, Item
from coopgov.decisions.services import DecisionRefused

MOTION_CHOICES = [
    ("yes", gettext_lazy("For")),
    ("no", gettext_lazy("Against")),
    ("abstain", gettext_lazy("Abstain")),
    ("blank", gettext_lazy("Blank vote")),
]


def _numbers(post: QueryDict, item: Item, what: str) -> dict[str, str]:
    return {o.key: post.get(f"{what}-{o.key}", "").strip() for o in item.options.all()}


def vote_from_post(item: Item, post: QueryDict) -> Any:
    """The vote a member filled in, or DecisionRefused saying which field is wrong."""
    kind = item.ballot_kind
    if kind == "motion":
        choice = post.get("choice", "")
        if choice not in {value for value, _label in MOTION_CHOICES}:
            raise DecisionRefused("choose", _("Choose For, Against, Abstain or Blank vote."))
        return choice
    if kind == "plurality":
        choice = post.get("choice", "")
        return None if choice in ("", "blank") else choice
    if kind == "approval":
        return post.getlist("choice")
    if kind == "score":
        scores: dict[str, float] = {}
        for key, text in _numbers(post, item, "score").items():
            if text:
                try:
                    scores[key] = float(text)
                except ValueError:
                    raise DecisionRefused(
                        "score", _("The score of %(option)s is not a number.") % {"option": key}
                    ) from None
        return scores
    if kind == "grades":
        grades = item.grades or DEFAULT_GRADES
        out = {key: text for key, text in _numbers(post, item, "grade").items() if text}
        if any(g not in grades for g in out.values()):
            raise DecisionRefused("grade", _("Choose a grade from the list for each option."))
        return out
    # Ranked: a rank number per candidate; equal numbers are a tie, empty means not ranked.
    ranks: dict[int, list[str]] = {}
    for key, text in _numbers(post, item, "rank").items():
        if not text:
            continue
        if not text.isdigit() or int(text) < 1:
            raise DecisionRefused(
                "rank", _("The rank of %(option)s must be a whole number from 1.") % {"option": key}
            )
        ranks.setdefault(int(text), []).append(key)
    return [tier[0] if len(tier) == 1 else sorted(tier) for _rank, tier in sorted(ranks.items())]
