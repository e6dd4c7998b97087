"""Forms of the staff pages that prepare an assembly: its convocation, its agenda, its sites, its documents.

Forms read and type the input; the rules (statutory notice, methods, seats…) are checked by the services,
whose per-field problems are put back on the form (`add_problems`), so nothing is saved on bad input.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopgov.accounts.models import User
from coopgov.decisions import presets
from coopgov.decisions.models import METHOD_KINDS, METHOD_LABELS, Assembly, Item
from coopgov.decisions.services_manage import OptionSpec, Problem
from coopgov.domain.voting.motion import PRESETS, THRESHOLDS, Base
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


def add_problems(form: forms.BaseForm, problems: Sequence[Problem | presets.Problem]) -> None:
    """Put the services' per-field problems on the form (unknown fields go to the form as a whole)."""
    for problem in problems:
        form.add_error(problem.field if problem.field in form.fields else None, problem.message)


def _preset_choices(cooperative: Unit) -> list[tuple[str, Any]]:
    """No preset, the law's presets of the cooperative's country, then its own (presets.offered)."""
    return [
        ("", gettext_lazy("None: simple majority of votes cast, no quorum")),
        *presets.offered(cooperative),
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
        preset_field.choices = _preset_choices(cooperative)
        preset_field.help_text = _(
            "The quorum on first and second convocation and the majority: the law of the country's, or "
            "the cooperative's own from its statutes."
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


# The model keeps a preset's key as text (a legal preset or one of the cooperative's own): the form offers
# the keys the cooperative may choose (set in __init__).
AssemblyForm.base_fields["preset"] = forms.ChoiceField(
    label=gettext_lazy("Quorum and majority preset"), required=False
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
        choices=[(m, f"{METHOD_LABELS[m]} ({m})") for m in METHOD_KINDS],
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
        preset_field.choices = [("", _("The assembly's preset")), *_preset_choices(cooperative)[1:]]
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


class LinkForm(forms.Form):
    """A document of the convocation published elsewhere: its title and web address."""

    title = forms.CharField(label=gettext_lazy("Title of the linked document"), max_length=200)
    url = forms.CharField(
        label=gettext_lazy("Web address"),
        max_length=500,
        help_text=gettext_lazy("A full address starting with http:// or https://."),
    )


class PresetForm(forms.Form):
    """A cooperative's own quorum and majority preset (its statutes): the service checks it against the
    law's preset it is based on and names the field at fault."""

    key = forms.CharField(
        label=gettext_lazy("Identifier"),
        max_length=32,
        help_text=gettext_lazy(
            "Lower-case letters, digits and dashes, such as statutes-art-25. It cannot change."
        ),
    )
    based_on = forms.ChoiceField(
        label=gettext_lazy("Decision type in law (the minimum)"),
        help_text=gettext_lazy("The legal preset this one may ask more than, never less."),
    )
    meeting_kind = forms.ChoiceField(
        label=gettext_lazy("Default for the kind of meeting"),
        required=False,
        help_text=gettext_lazy("Empty: offered beside the others, never chosen by default."),
    )
    quorum_first = forms.CharField(
        label=gettext_lazy("Quorum on first convocation"),
        max_length=12,
        help_text=gettext_lazy("A share of the electorate present or represented, such as 1/4; 0 for none."),
    )
    quorum_second = forms.CharField(
        label=gettext_lazy("Quorum on second convocation"),
        max_length=12,
        help_text=gettext_lazy("A share of the electorate present or represented, such as 1/5; 0 for none."),
    )
    college_quorum = forms.CharField(
        label=gettext_lazy("Quorum in each collège"),
        max_length=12,
        required=False,
        help_text=gettext_lazy(
            "Optional: a share of each collège's own electorate that every collège must reach, such as "
            "1/10; empty for none. Only for a cooperative that votes by collège."
        ),
    )
    threshold = forms.ChoiceField(label=gettext_lazy("Majority"))
    base = forms.ChoiceField(label=gettext_lazy("Majority of"))
    statutes_article = forms.CharField(
        label=gettext_lazy("Article of the statutes"),
        max_length=200,
        help_text=gettext_lazy("Where the statutes set this rule, such as “art. 25”."),
    )
    label_fr = forms.CharField(label=gettext_lazy("Description in French"), max_length=200, required=False)
    label_nl = forms.CharField(label=gettext_lazy("Description in Dutch"), max_length=200, required=False)
    label_en = forms.CharField(label=gettext_lazy("Description in English"), max_length=200, required=False)

    def __init__(self, *args: Any, cooperative: Unit, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        based_on = self.fields["based_on"]
        assert isinstance(based_on, forms.ChoiceField)
        based_on.choices = [
            (name, f"{PRESETS[name].description} — {PRESETS[name].source}")
            for name in presets.legal_presets_for(presets.country_of(cooperative))
        ]
        kind = self.fields["meeting_kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", _("None")), *Assembly.Kind.choices]
        threshold = self.fields["threshold"]
        assert isinstance(threshold, forms.ChoiceField)
        threshold.choices = [(name, presets.THRESHOLD_LABELS[name]) for name in THRESHOLDS]
        base = self.fields["base"]
        assert isinstance(base, forms.ChoiceField)
        base.choices = [(b.value, presets.BASE_LABELS[b]) for b in Base]
        if editing:
            del self.fields["key"]

    def fields_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["labels"] = {code: data.pop(f"label_{code}", "") for code in ("fr", "nl", "en")}
        return data


def preset_initial(own: Any) -> dict[str, Any]:
    """The form's values of a stored own preset."""
    return {
        "based_on": own.based_on,
        "meeting_kind": own.meeting_kind,
        "quorum_first": own.quorum_first,
        "quorum_second": own.quorum_second,
        "college_quorum": own.college_quorum,
        "threshold": own.threshold,
        "base": own.base,
        "statutes_article": own.statutes_article,
        **{f"label_{code}": own.labels.get(code, "") for code in ("fr", "nl", "en")},
    }


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
