"""Forms of the register pages: they validate input; the services decide and write."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopgov.members.labels import MOVEMENT_LABELS, REQUIREMENT_LABELS, STATUS_LABELS
from coopgov.members.models import Membership, Profile, Service, ShareClass
from coopgov.organisation.models import Unit


class RegisterFilterForm(forms.Form):
    q = forms.CharField(label=_("Search (name, e-mail or number)"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    antenna = forms.ChoiceField(label=_("Antenna"), required=False)
    profile = forms.ChoiceField(label=_("Profile"), required=False)

    def __init__(self, *args: Any, cooperative: Unit, antennas: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anyone: list[tuple[str, Any]] = [("", _("All"))]
        choices: dict[str, list[tuple[str, Any]]] = {
            "status": list(STATUS_LABELS.items()),
            "category": [(c.code, str(c)) for c in cooperative.categories.all()],
            "antenna": [(a.code, a.display_name) for a in antennas],
            "profile": list(Profile.choices),
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = anyone + options


class AdmissionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("admit", _("Admit")), ("refuse", _("Refuse"))]
    )
    on = forms.DateField(
        label=_("Date of the decision"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    deciding_body = forms.CharField(label=_("Deciding body"), required=False, initial=_("Board of directors"))
    reason = forms.CharField(
        label=_("Reason (required for a refusal; shown to the candidate)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "refuse" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("A refusal must give its reason."))
        if data.get("on") and data["on"] > timezone.localdate():
            self.add_error("on", _("The date cannot be in the future."))
        return data


class ShareMovementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Operation"), choices=list(MOVEMENT_LABELS.items()))
    share_class = forms.ModelChoiceField(label=_("Share class"), queryset=ShareClass.objects.none())
    quantity = forms.IntegerField(label=_("Number of shares"), min_value=0, required=False, initial=0)
    amount_eur = forms.DecimalField(
        label=_("Amount (€)"), min_value=0, max_digits=12, decimal_places=2, required=False, initial=0
    )
    counterparty = forms.IntegerField(label=_("Receiving member's number (transfer)"), required=False)
    to_class = forms.ModelChoiceField(
        label=_("Convert to class"), queryset=ShareClass.objects.none(), required=False
    )
    cause = forms.ChoiceField(
        label=_("Cause (redemption)"),
        choices=[
            ("resignation", _("Resignation")),
            ("exclusion", _("Exclusion")),
            ("death", _("Death")),
            ("other", _("Other")),
        ],
        required=False,
    )
    on = forms.DateField(
        label=_("Effective date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, cooperative: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cooperative = cooperative
        classes = ShareClass.objects.filter(cooperative=cooperative)
        cast(forms.ModelChoiceField, self.fields["share_class"]).queryset = classes
        cast(forms.ModelChoiceField, self.fields["to_class"]).queryset = classes

    def clean_counterparty(self) -> Membership | None:
        number = self.cleaned_data.get("counterparty")
        if number is None:
            return None
        member = Membership.objects.filter(cooperative=self.cooperative, number=number).first()
        if member is None:
            raise forms.ValidationError(_("No member with this number in this cooperative."))
        return member

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == "transfer" and not data.get("counterparty"):
            self.add_error("counterparty", _("A transfer needs the receiving member."))
        if data.get("kind") == "conversion" and not data.get("to_class"):
            self.add_error("to_class", _("A conversion needs the class to convert to."))
        return data


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(
        label=_("New status"),
        choices=[(s, STATUS_LABELS[s]) for s in ("resigned", "excluded", "deceased")],
    )
    on = forms.DateField(
        label=_("Date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    deciding_body = forms.CharField(label=_("Deciding body"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PolicyRuleForm(forms.Form):
    requirement = forms.ChoiceField(label=_("Membership"), choices=list(REQUIREMENT_LABELS.items()))
    min_shares = forms.IntegerField(label=_("Minimum shares"), min_value=0, max_value=10000)
    shares_per_year_of_use = forms.BooleanField(label=_("At least one share per year of use"), required=False)
    services = forms.ModelMultipleChoiceField(
        label=_("Services reserved to members"),
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, cooperative: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        services = Service.objects.filter(cooperative=cooperative).order_by("code")
        cast(forms.ModelMultipleChoiceField, self.fields["services"]).queryset = services
