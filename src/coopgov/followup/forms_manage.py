"""Forms of the staff running a Smart in Progress cycle: the cycle, its themes and local groups, draft
recommendations, handing one in; and the members' comments and their moderation (ADR 0021)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopgov.followup.models import Cycle, LocalGroup, Theme
from coopgov.i18n_text import SUPPORTED
from coopgov.organisation.models import Body, Unit

LANGUAGES = [("fr", "Français"), ("nl", "Nederlands"), ("en", "English")]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _set_queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # narrows the type for mypy
    field.queryset = queryset


class InLanguages(forms.Form):
    """A text given in French, Dutch and/or English (at least one): ``texts(name)`` returns them by language
    and the first given, in that order, which the models keep as the default."""

    required_texts: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.required_texts:
            if not any((data.get(f"{name}_{lang}") or "").strip() for lang in SUPPORTED):
                self.add_error(f"{name}_fr", _("Give it in at least one language."))
        return data

    def texts(self, name: str) -> tuple[str, dict[str, str]]:
        given = {
            lang: self.cleaned_data[f"{name}_{lang}"].strip()
            for lang in SUPPORTED
            if (self.cleaned_data.get(f"{name}_{lang}") or "").strip()
        }
        return next(iter(given.values()), ""), given


class CycleForm(InLanguages):
    unit = forms.ModelChoiceField(label=_("Unit running the cycle"), queryset=Unit.objects.none())
    slug = forms.SlugField(
        label=_("Short name in the address"),
        max_length=60,
        help_text=_("Letters, digits and hyphens, e.g. smart-in-progress-2027."),
    )
    title_fr = forms.CharField(label=_("Title in French"), max_length=200, required=False)
    title_nl = forms.CharField(label=_("Title in Dutch"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    description_fr = forms.CharField(
        label=_("Description in French"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    description_nl = forms.CharField(
        label=_("Description in Dutch"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    description_en = forms.CharField(
        label=_("Description in English"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    starts_on = forms.DateField(label=_("Starts on"), initial=timezone.localdate, widget=DATE)
    ends_on = forms.DateField(label=_("Ends on (optional)"), required=False, widget=DATE)

    required_texts = ("title",)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "unit", units)


class ThemeForm(InLanguages):
    code = forms.SlugField(
        label=_("Code of the theme"), max_length=40, help_text=_("Letters, digits and hyphens, e.g. economy.")
    )
    title_fr = forms.CharField(label=_("Theme in French"), max_length=200, required=False)
    title_nl = forms.CharField(label=_("Theme in Dutch"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Theme in English"), max_length=200, required=False)

    required_texts = ("title",)


class LocalGroupForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Antenna or community"), queryset=Unit.objects.none())
    theme = forms.ModelChoiceField(
        label=_("Theme of the group"), queryset=Theme.objects.none(), required=False
    )
    name = forms.CharField(label=_("Name of the group"), max_length=200)
    secretary = forms.CharField(label=_("Secretary"), max_length=200, required=False)
    facilitator = forms.CharField(label=_("Facilitator or relay"), max_length=200, required=False)

    def __init__(self, *args: Any, cycle: Cycle, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "unit", units)
        _set_queryset(self, "theme", cycle.themes.order_by("order", "pk"))


class DraftForm(forms.Form):
    """A draft recommendation, written by staff of the unit running the cycle."""

    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.none())
    group = forms.ModelChoiceField(label=_("Local group"), queryset=LocalGroup.objects.none(), required=False)
    addressed_to = forms.ModelChoiceField(label=_("Addressed to"), queryset=Body.objects.none())
    title = forms.CharField(label=_("Title"), max_length=300)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000)
    language = forms.ChoiceField(label=_("Language of the text"), choices=LANGUAGES)

    def __init__(self, *args: Any, cycle: Cycle, bodies: QuerySet[Body], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "theme", cycle.themes.order_by("order", "pk"))
        _set_queryset(self, "group", cycle.groups.order_by("name"))
        _set_queryset(self, "addressed_to", bodies)


class HandInForm(forms.Form):
    on = forms.DateField(label=_("Handed in on"), initial=timezone.localdate, widget=DATE)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    language = forms.ChoiceField(label=_("Language you write in"), choices=LANGUAGES)


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason shown to the author"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
