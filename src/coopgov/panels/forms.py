"""The form a unit's staff fill in to draw a panel."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coopgov.panels.models import FEATURES, Draw


class DrawForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    purpose = forms.CharField(
        label=_("What the panel is for (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    panel_size = forms.IntegerField(label=_("Panel size"), min_value=1, max_value=100_000)
    features = forms.MultipleChoiceField(
        label=_("Features the panel must mirror"),
        choices=list(FEATURES.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    quotas = forms.CharField(
        label=_("Quotas, one a line: feature,value,minimum,maximum (leave empty for the pool's proportions)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    separate_households = forms.BooleanField(
        label=_("Never two members who live at the same address"), required=False
    )
    algorithm = forms.ChoiceField(label=_("Algorithm"), choices=Draw.Algorithm.choices, initial="leximin")
    seed = forms.IntegerField(
        label=_("Seed (optional: a number drawn at random is recorded otherwise)"),
        required=False,
        min_value=0,
        max_value=2**63 - 1,
    )
