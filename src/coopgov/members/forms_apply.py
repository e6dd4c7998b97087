"""The application form: the public page's and the staff's (paper applications). It validates input and
puts each rule's reason on its field; ``services_apply`` decides and writes."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopgov.members.explain import explain
from coopgov.members.models import Category, Person, Profile
from coopgov.members.selectors import ApplicationTerms
from coopgov.members.services_apply import APPLICATION_FIELDS, Applicant, application_problems
from coopgov.organisation.models import Unit

MAX_SHARES = 10_000


class ApplicationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("I apply as"),
        choices=[
            (Person.Kind.NATURAL, _("a person, in my own name")),
            (Person.Kind.LEGAL, _("an organisation (legal person), which I represent")),
        ],
        initial=Person.Kind.NATURAL,
        widget=forms.RadioSelect,
    )
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    legal_name = forms.CharField(label=_("Legal name of the organisation"), max_length=200, required=False)
    representative = forms.CharField(label=_("Name of its representative"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    language = forms.ChoiceField(label=_("Language for our messages"), choices=settings.LANGUAGES)
    address = forms.CharField(label=_("Postal address"), max_length=300)
    antenna = forms.ModelChoiceField(
        label=_("Home antenna"), queryset=Unit.objects.none(), empty_label=_("Choose…")
    )
    profiles = forms.MultipleChoiceField(
        label=_("How you work with the cooperative (one or more)"),
        choices=Profile.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    category = forms.ModelChoiceField(
        label=_("Category of members"), queryset=Category.objects.none(), empty_label=_("Choose…")
    )
    shares = forms.IntegerField(label=_("Number of shares"), min_value=1, max_value=MAX_SHARES, initial=1)
    accept_statutes = forms.BooleanField(label=_("I have read and accept the statutes"))
    # A field people never see nor reach: a robot filling every field fills this one too.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args: Any, terms: ApplicationTerms, staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.terms = terms
        antenna_field = cast(forms.ModelChoiceField, self.fields["antenna"])
        antenna_field.queryset = Unit.objects.filter(pk__in=[a.pk for a in terms.antennas]).order_by("name")
        antenna_field.required = bool(terms.antennas)
        category_field = cast(forms.ModelChoiceField, self.fields["category"])
        category_field.queryset = Category.objects.filter(pk__in=[c.pk for c in terms.categories]).order_by(
            "code"
        )
        if len(terms.categories) <= 1:
            # One category: every member is in it, nothing to choose.
            del self.fields["category"]
        # Every profile is accepted by the field, so that a closed one gets the policy's reason, not a
        # generic "not a valid choice"; only the open ones are offered.
        labels = dict(Profile.choices)
        profile_field = cast(forms.MultipleChoiceField, self.fields["profiles"])
        profile_field.widget.choices = [(p, labels[p]) for p in terms.open_profiles]
        if terms.share_class is not None:
            self.fields["shares"].help_text = _(
                "Share class %(code)s, %(nominal)s € per share. The shares are subscribed when you are "
                "admitted."
            ) % {"code": terms.share_class.code, "nominal": terms.share_class.nominal_eur}
        self.fields["language"].initial = _current_language()
        if staff:
            del self.fields["website"]
            self.fields["accept_statutes"].label = _(
                "The applicant has signed their acceptance of the statutes"
            )
            self.fields["applied_on"] = forms.DateField(
                label=_("Date of the application"),
                initial=timezone.localdate,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
        autocomplete = {
            "first_name": "given-name",
            "last_name": "family-name",
            "legal_name": "organization",
            "email": "email",
            "address": "street-address",
        }
        for name, token in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = token
        self.fields["shares"].widget.attrs["inputmode"] = "numeric"

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))

    def applicant(self) -> Applicant:
        data = self.cleaned_data
        return Applicant(
            kind=data.get("kind") or Person.Kind.NATURAL,
            email=data.get("email") or "",
            language=data.get("language") or "",
            first_name=data.get("first_name") or "",
            last_name=data.get("last_name") or "",
            legal_name=data.get("legal_name") or "",
            representative=data.get("representative") or "",
            address=data.get("address") or "",
            home_antenna=data.get("antenna"),
            profiles=tuple(data.get("profiles") or ()),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("applied_on") and data["applied_on"] > timezone.localdate():
            self.add_error("applied_on", _("The date cannot be in the future."))
        problems = application_problems(
            terms=self.terms,
            applicant=self.applicant(),
            category=data.get("category"),
            shares=data.get("shares") or 0,
            accepted_statutes=bool(data.get("accept_statutes")),
        )
        for reason in problems:
            self.add_reason(reason)
        return data

    def add_reason(self, reason: Any) -> None:
        """Show a rule's reason beside its field, unless that field already says what is wrong."""
        name = APPLICATION_FIELDS.get(reason.code) or None
        if name is not None and name not in self.fields:
            name = None
        if name is not None and name in self.errors:
            return
        self.add_error(name, explain(reason))

    @property
    def total_eur(self) -> Any:
        shares = self.cleaned_data.get("shares") if hasattr(self, "cleaned_data") else None
        if self.terms.share_class is None:
            return None
        return self.terms.share_class.nominal_eur * (shares or self.fields["shares"].initial or 1)


def _current_language() -> str:
    from django.utils import translation

    return (translation.get_language() or "fr")[:2]
