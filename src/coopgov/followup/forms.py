"""Forms of the follow-up: the public filters, and the body's answer to a recommendation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopgov.followup.models import ANSWERS, Cycle, LocalGroup, Status, Theme
from coopgov.organisation.models import Body


class FilterForm(forms.Form):
    """Filters of the public follow-up page (GET); an unknown value is an error that names the filter."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    body = forms.TypedChoiceField(label=_("Addressed to"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, cycle: Cycle, bodies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        choices: dict[str, list[tuple[str, Any]]] = {
            "status": everything + list(Status.choices),
            "theme": everything + [(t.code, t.display_title) for t in cycle.themes.all()],
            "body": everything + [(str(b.pk), b.name) for b in bodies],
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # narrows the type for mypy
            field.choices = options


class AnswerForm(forms.Form):
    """The body's answer: a status among the five, the response, the date it was given."""

    status = forms.ChoiceField(label=_("New status"), choices=[(s.value, s.label) for s in ANSWERS])
    response = forms.CharField(
        label=_("Response of the body"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    on = forms.DateField(
        label=_("Date of the answer"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    due_on = forms.DateField(
        label=_("Due on (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class MonthsForm(forms.Form):
    months = forms.IntegerField(label=_("Months shown"), min_value=1, max_value=36, required=False)


class RecommendationForm(forms.Form):
    """A recommendation handed in by a local group, recorded by staff of the unit running the cycle."""

    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.none())
    group = forms.ModelChoiceField(label=_("Local group"), queryset=LocalGroup.objects.none(), required=False)
    addressed_to = forms.ModelChoiceField(label=_("Addressed to"), queryset=Body.objects.none())
    title = forms.CharField(label=_("Title"), max_length=300)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000)
    language = forms.ChoiceField(
        label=_("Language of the text"), choices=[("fr", "Français"), ("nl", "Nederlands"), ("en", "English")]
    )
    submitted_on = forms.DateField(
        label=_("Handed in on"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_on = forms.DateField(
        label=_("Due on (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, cycle: Cycle, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        querysets = {
            "theme": cycle.themes.order_by("order", "pk"),
            "group": cycle.groups.order_by("name"),
            "addressed_to": bodies,
        }
        for name, queryset in querysets.items():
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)  # narrows the type for mypy
            field.queryset = queryset
