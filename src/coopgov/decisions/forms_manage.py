"""Forms of the staff pages that prepare an assembly: its convocation, its agenda, its sites, its documents.

Forms read and type the input; the rules (statutory notice, methods, seats…) are checked by the services,
whose per-field problems are put back on the form (`add_problems`), so nothing is saved on bad input.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopgov.accounts.models import User
from coopgov.decisions.models import METHOD_KINDS, Assembly, Item
from coopgov.decisions.services_manage import OptionSpec, Problem, presets_for
from coopgov.domain.voting.motion import PRESETS
from coopgov.members.models import Category
from coopgov.organisation.models import Unit


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def add_problems(form: forms.BaseForm, problems: list[Problem]) -> None:
    """Put the services' per-field problems on the form (unknown fields go to the form as a whole)."""
    for problem in problems:
        form.add_error(problem.field if problem.field in form.fields else None, problem.message)


def _preset_choices(country: str) -> list[tuple[str, Any]]:
    return [("", gettext_lazy("None: simple majority of votes cast, no quorum"))] + [
        (name, f"{PRESETS[name].description} — {PRESETS[name].source}") for name in presets_for(country)
    ]


class UnitChoiceField(forms.ModelChoiceField):
    """Units by their name in the reader's language."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


ASSEMBLY_FORM_FIELDS = [
    "kind",
    "title",
    "description",
    "unit",
    "first_convocation_at",
    "second_convocation_at",
    "voting_opens_at",
    "voting_closes_at",
    "record_date",
    "notice_days",
    "preset",
    "requires_paid_shares",
    "max_proxies_per_holder",
    "proxies_same_college",
    "allow_delegation_to_relays",
    "parent",
]


class AssemblyForm(forms.Form):
    """The convocation of an assembly: kind, unit, dates, record date, notice, preset, proxy rules.

    A plain form over the model's fields (not a ModelForm): the rules between fields are the service's,
    which names the field at fault, rather than the database constraint's message for the whole form.
    """

    def __init__(self, *args: Any, cooperative: Unit, country: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(pk=cooperative.pk) | Unit.objects.filter(
            kind=Unit.Kind.ANTENNA, path__startswith=cooperative.path
        )
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units.order_by("path")
        unit_field.empty_label = None
        unit_field.help_text = _("The cooperative, or the antenna holding a local assembly.")
        preset_field = self.fields["preset"]
        assert isinstance(preset_field, forms.ChoiceField)
        preset_field.choices = _preset_choices(country)
        preset_field.help_text = _(
            "The quorum on first and second convocation and the majority, from the law of the country."
        )
        for name in ("first_convocation_at", "second_convocation_at", "voting_opens_at", "voting_closes_at"):
            field = self.fields[name]
            assert isinstance(field, forms.DateTimeField)
            field.input_formats = DATETIME_FORMATS
        parent_field = self.fields["parent"]
        assert isinstance(parent_field, forms.ModelChoiceField)
        parent_field.queryset = Assembly.objects.filter(
            cooperative=cooperative,
            kind__in=[Assembly.Kind.ORDINARY, Assembly.Kind.EXTRAORDINARY],
            status=Assembly.Status.DRAFT,
        ).order_by("first_convocation_at")
        parent_field.help_text = _(
            "Only for a section assembly: the general assembly it elects delegates to."
        )
        self.fields["notice_days"].help_text = _(
            "Days between the convocation and the meeting: at least what the law and the statutes ask."
        )


AssemblyForm.base_fields = fields_for_model(
    Assembly,
    fields=ASSEMBLY_FORM_FIELDS,
    field_classes={"unit": UnitChoiceField},
    widgets={
        "first_convocation_at": DateTimeInput(),
        "second_convocation_at": DateTimeInput(),
        "voting_opens_at": DateTimeInput(),
        "voting_closes_at": DateTimeInput(),
        "record_date": DateInput(),
        "description": forms.Textarea(attrs={"rows": 4}),
    },
)


class ItemForm(forms.Form):
    """One item of the agenda: a motion with its decision type, or an election or poll with its options."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Item.Kind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    method = forms.ChoiceField(
        label=gettext_lazy("Counting method"),
        choices=[(m, m) for m in METHOD_KINDS],
        help_text=gettext_lazy(
            "motion for a motion; an election or poll method otherwise (see coopgov tally)."
        ),
    )
    seats = forms.IntegerField(label=gettext_lazy("Seats"), required=False, min_value=1, max_value=100)
    preset = forms.ChoiceField(
        label=gettext_lazy("Decision type (threshold and quorum)"),
        required=False,
        help_text=gettext_lazy("Empty: the assembly's preset."),
    )
    college = forms.ChoiceField(
        label=gettext_lazy("Only for the category / collège"),
        required=False,
        help_text=gettext_lazy("Empty: the whole electorate votes."),
    )
    secret = forms.BooleanField(label=gettext_lazy("Secret ballot"), required=False, initial=True)
    majority = forms.CharField(
        label=gettext_lazy("Share of For needed to be elected (For/Withhold)"),
        required=False,
        max_length=12,
        help_text=gettext_lazy("A fraction of For + Withhold, such as 1/2 or 2/3."),
    )
    budget_eur = forms.DecimalField(
        label=gettext_lazy("Budget to share in euros (participatory budget)"),
        required=False,
        max_digits=14,
        decimal_places=2,
    )
    options = forms.CharField(
        label=gettext_lazy("Candidates, options or projects"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "One per line: a name, or an identifier and a name separated by “|”; a project of a "
            "participatory budget ends with “| its cost in euros”."
        ),
    )

    def __init__(self, *args: Any, cooperative: Unit, country: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        preset_field = self.fields["preset"]
        assert isinstance(preset_field, forms.ChoiceField)
        preset_field.choices = [("", _("The assembly's preset")), *_preset_choices(country)[1:]]
        college_field = self.fields["college"]
        assert isinstance(college_field, forms.ChoiceField)
        college_field.choices = [("", _("Everyone"))] + [
            (c.code, f"{c.code} — {c.display_name}")
            for c in Category.objects.filter(cooperative=cooperative).order_by("code")
        ]

    def clean_options(self) -> list[OptionSpec]:
        """Lines as (identifier, label, cost): the identifier is made from the label when not given; a
        budget project's line ends with its cost."""
        budget = self.cleaned_data.get("kind") == Item.Kind.BUDGET
        out = []
        for number, line in enumerate(self.cleaned_data["options"].splitlines(), start=1):
            parts = [p.strip() for p in line.split("|")]
            if not any(parts):
                continue
            cost = None
            if budget and len(parts) >= 2:
                try:
                    cost = Decimal(parts[-1].replace(",", ".").replace(" ", ""))
                except InvalidOperation:
                    raise forms.ValidationError(
                        _("Line %(line)d: the cost “%(cost)s” is not an amount in euros.")
                        % {"line": number, "cost": parts[-1]}
                    ) from None
                parts = parts[:-1]
            if len(parts) > 2:
                raise forms.ValidationError(
                    _("Line %(line)d: at most an identifier and a name, separated by “|”.") % {"line": number}
                )
            key, label = (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])
            label = label or key
            key = _slug(key or label)
            if not key:
                raise forms.ValidationError(
                    _("Line %(line)d: give a name with at least one letter or digit.") % {"line": number}
                )
            out.append(OptionSpec(key=key, label=label[:200], cost_eur=cost))
        return out


def _slug(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:40]


class SiteForm(forms.Form):
    """A place where the assembly meets (an antenna) and the relay who records presence there."""

    antenna = UnitChoiceField(label=gettext_lazy("Antenna"), queryset=Unit.objects.none())
    place = forms.CharField(label=gettext_lazy("Address"), max_length=300, required=False)
    relay_email = forms.EmailField(
        label=gettext_lazy("E-mail of the relay"),
        required=False,
        help_text=gettext_lazy("The account that records presence and votes in the room."),
    )

    def __init__(self, *args: Any, assembly: Assembly, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        antenna = self.fields["antenna"]
        assert isinstance(antenna, forms.ModelChoiceField)
        antenna.queryset = Unit.objects.filter(
            kind=Unit.Kind.ANTENNA, path__startswith=assembly.unit.path
        ).order_by("name")

    def clean_relay_email(self) -> User | None:
        email = self.cleaned_data["relay_email"]
        if not email:
            return None
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(_("No account has this e-mail address."))
        return user


class DocumentForm(forms.Form):
    document = forms.FileField(
        label=gettext_lazy("Document"),
        help_text=gettext_lazy("Accounts, reports, candidacies… (PDF or OpenDocument, at most 20 MB)."),
    )


class LanguageSelect(forms.Select):
    """Each language named in itself, and marked so (``lang``) for screen readers."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        option["attrs"]["lang"] = str(value)
        return option


class MinutesForm(forms.Form):
    """The language of the minutes, chosen by staff (the assembly's language)."""

    language = forms.ChoiceField(
        label=gettext_lazy("Language of the minutes"),
        choices=[("fr", "Français"), ("nl", "Nederlands"), ("en", "English")],
        widget=LanguageSelect,
    )
