"""Forms of the account pages: they validate input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from coopgov.accounts.models import OFFICER_TOKEN_MAX_DAYS

# A member's token may live a year at most when made on the site; an officer's, OFFICER_TOKEN_MAX_DAYS.
MEMBER_TOKEN_MAX_DAYS = 365


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name (what the token is for)"),
        max_length=100,
        help_text=_("For example: the script that exports my antenna's register."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        initial=OFFICER_TOKEN_MAX_DAYS,
    )

    def __init__(self, *args: Any, officer: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_days = OFFICER_TOKEN_MAX_DAYS if officer else MEMBER_TOKEN_MAX_DAYS
        days = self.fields["days"]
        assert isinstance(days, forms.IntegerField)
        days.max_value = self.max_days
        days.validators.append(MaxValueValidator(self.max_days))
        days.widget.attrs["max"] = self.max_days
        days.help_text = _("At most %(days)d days.") % {"days": self.max_days}
