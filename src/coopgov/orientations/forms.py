"""Forms of the rise of orientations: they check the input and say what is wrong and where."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class RollupForm(forms.Form):
    proposals = forms.TypedMultipleChoiceField(
        label=_("Local proposals"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    contributions = forms.TypedMultipleChoiceField(
        label=_("Meeting contributions"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    into = forms.TypedChoiceField(
        label=_("Add to an existing orientation"), coerce=int, required=False, empty_value=None
    )
    process = forms.TypedChoiceField(
        label=_("…or create a new orientation in the process"), coerce=int, required=False, empty_value=None
    )
    title = forms.CharField(label=_("Title of the new orientation"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Text of the new orientation"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    language = forms.ChoiceField(label=_("Language of the new orientation"), choices=settings.LANGUAGES)

    def __init__(
        self,
        *args: Any,
        proposals: list[tuple[int, str]],
        contributions: list[tuple[int, str]],
        orientations: list[tuple[int, str]],
        processes: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["proposals"]).choices = proposals
        cast(forms.ChoiceField, self.fields["contributions"]).choices = contributions
        cast(forms.ChoiceField, self.fields["into"]).choices = [("", "—"), *orientations]
        cast(forms.ChoiceField, self.fields["process"]).choices = [("", "—"), *processes]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("proposals") and not data.get("contributions"):
            raise forms.ValidationError(_("Choose at least one proposal or contribution to roll up."))
        if bool(data.get("into")) == bool(data.get("process")):
            raise forms.ValidationError(
                _("Choose either an existing orientation or a process for a new one.")
            )
        if data.get("process") and not (data.get("title", "").strip() and data.get("body", "").strip()):
            self.add_error("title", _("Give the new orientation a title and a text."))
        return data


class MergeForm(forms.Form):
    kept = forms.IntegerField(widget=forms.HiddenInput)
    merged = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.FloatField(widget=forms.HiddenInput, required=False)
