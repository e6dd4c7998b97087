"""Forms of notifications: a member's delivery choices, in general and per group of notices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopgov.notifications import kinds
from coopgov.notifications.models import Delivery


class PreferencesForm(forms.Form):
    """One choice for every notice, then an optional different choice per group."""

    general = forms.ChoiceField(
        label=_("E-mails about my notices"), choices=Delivery.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        same = [("", _("as above"))]
        for group, label in kinds.GROUP_LABELS.items():
            self.fields[f"group_{group}"] = forms.ChoiceField(
                label=label, choices=same + list(Delivery.choices), required=False
            )

    def choices_by_group(self) -> dict[str, str]:
        """'' → the general delivery; each group → its delivery, or '' to follow the general one."""
        data = {"": self.cleaned_data["general"]}
        for group in kinds.GROUP_LABELS:
            data[group] = self.cleaned_data.get(f"group_{group}", "")
        return data
