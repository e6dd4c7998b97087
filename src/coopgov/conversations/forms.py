"""The forms of the opinion conversations: opening one, a statement, a reaction, a moderation decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coopgov.conversations.models import STATEMENT_MAX_LENGTH


class ConversationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    question = forms.CharField(
        label=_("The question put to the members"), widget=forms.Textarea(attrs={"rows": 2})
    )
    description = forms.CharField(
        label=_("Background (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    slug = forms.CharField(
        label=_("Address (optional: made from the title otherwise)"), max_length=80, required=False
    )
    members_may_submit = forms.BooleanField(
        label=_("Members may submit statements"), required=False, initial=True
    )
    moderate_first = forms.BooleanField(
        label=_("Members' statements are moderated before they are shown"), required=False, initial=True
    )
    seeds = forms.CharField(
        label=_("Seed statements, one a line (280 characters at most each)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )


class StatementForm(forms.Form):
    """A statement's text: the service strips it and checks it (empty, too long) so the page and the
    service give the same message."""

    text = forms.CharField(
        label=_("Your statement"),
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "maxlength": STATEMENT_MAX_LENGTH, "aria-describedby": "text-help"}
        ),
    )


class ReactionForm(forms.Form):
    statement = forms.IntegerField(min_value=1)
    vote = forms.ChoiceField(
        choices=[("agree", _("Agree")), ("disagree", _("Disagree")), ("pass", _("Pass / unsure"))]
    )


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("reject", _("Reject"))])
    reason = forms.CharField(
        label=_("Why it is rejected (the author reads it)"), required=False, max_length=500
    )
