"""Forms of the participation pages: they check shape and length; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from coopgov.participation import services
from coopgov.participation.models import Audience, Comment, Phase, Report
from coopgov.participation.texts import reader_language

LANGUAGE_CHOICES = list(settings.LANGUAGES)


class LanguageField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Language you write in"))
        super().__init__(choices=LANGUAGE_CHOICES, **kwargs)


class RefusalMixin:
    """Show a service's refusal beside the field it is about (or above the form)."""

    def add_refusal(self, refused: services.ParticipationRefused) -> None:
        field = refused.field if refused.field in self.fields else None  # type: ignore[attr-defined]
        self.add_error(field, refused.message)  # type: ignore[attr-defined]


class ProposalForm(RefusalMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=services.TITLE_MAX)
    body = forms.CharField(
        label=_("Your proposal"), max_length=services.BODY_MAX, widget=forms.Textarea(attrs={"rows": 8})
    )
    language = LanguageField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = reader_language()


class ProposalForRelayForm(ProposalForm):
    """A relay or staff may type a proposal someone made in a meeting or on paper."""

    on_behalf_name = forms.CharField(
        label=_("On behalf of (name of the person who made it)"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to propose in your own name. The page will say “entered by you for them”."),
    )


class ProposalEditForm(RefusalMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=services.TITLE_MAX)
    body = forms.CharField(
        label=_("Your proposal"), max_length=services.BODY_MAX, widget=forms.Textarea(attrs={"rows": 8})
    )


class CommentForm(RefusalMixin, forms.Form):
    stance = forms.ChoiceField(
        label=_("Your stance"),
        choices=[
            ("for", _("For")),
            ("against", _("Against")),
            ("question", _("Question")),
            ("", _("No stance")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Your comment"), max_length=services.COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    language = LanguageField()
    parent = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=2_147_483_647
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = reader_language()
        self.fields["stance"].initial = ""

    def clean_stance(self) -> str:
        stance = self.cleaned_data.get("stance") or ""
        return stance if stance in Comment.Stance.values else ""


class ReplyForm(CommentForm):
    """A reply has no stance of its own (it answers a comment, not the proposal)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["stance"]
        self.fields["body"].label = _("Your reply")


class AmendmentForm(RefusalMixin, forms.Form):
    body = forms.CharField(
        label=_("The text as you would amend it"),
        max_length=services.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    rationale = forms.CharField(
        label=_("Why"),
        max_length=services.COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    language = LanguageField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = reader_language()


class AttachmentForm(RefusalMixin, forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG, JPEG, ODT, DOCX or plain text; at most 5 MB."),
    )


class ReportForm(RefusalMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Why do you report this?"), choices=Report.Reason.choices)
    details = forms.CharField(
        label=_("Details (required for “Other”)"),
        max_length=services.REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HideForm(RefusalMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason shown to the author"),
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TranslationForm(RefusalMixin, forms.Form):
    language = forms.ChoiceField(label=_("Translation into"), choices=LANGUAGE_CHOICES)
    title = forms.CharField(label=_("Title"), max_length=services.TITLE_MAX, required=False)
    body = forms.CharField(
        label=_("Text"), max_length=services.BODY_MAX, widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(
        self, *args: Any, with_title: bool = True, original_language: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [(c, n) for c, n in LANGUAGE_CHOICES if c != original_language]
        if with_title:
            self.fields["title"].required = True
        else:
            del self.fields["title"]


class PhaseSwitchForm(forms.Form):
    phase = forms.TypedChoiceField(label=_("Phase in force"), coerce=int)

    def __init__(self, *args: Any, phases: list[Phase], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        phase = self.fields["phase"]
        assert isinstance(phase, forms.ChoiceField)
        phase.choices = [(p.pk, f"{p.position}. {p.display_title}") for p in phases]


PHASE_KIND_CHOICES = list(Phase.Kind.choices)
AUDIENCE_HELP = _(
    "Everyone with an account may read the process; the unit's staff, relays, moderators and board take "
    "part whatever you choose."
)


class ProcessForm(RefusalMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=services.TITLE_MAX)
    slug = forms.SlugField(
        label=_("Short name in addresses"),
        max_length=80,
        required=False,
        help_text=_("Letters, digits and hyphens; left empty, it is made from the title."),
    )
    language = LanguageField()
    description = forms.CharField(
        label=_("Description"),
        max_length=services.BODY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    phases = forms.MultipleChoiceField(
        label=_("Phases, in this order"),
        choices=PHASE_KIND_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=["information", "contribution", "deliberation", "decision", "follow_up"],
    )
    meetings = forms.BooleanField(label=_("This process also holds meetings"), required=False)
    audience = forms.ChoiceField(
        label=_("Who may propose, support and comment"),
        choices=Audience.choices,
        initial=Audience.MEMBERS,
        required=False,
        widget=forms.RadioSelect,
        help_text=AUDIENCE_HELP,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = reader_language()

    def clean_audience(self) -> str:
        # Left unchosen, a process is for the unit's admitted members, as every process was before.
        return self.cleaned_data.get("audience") or Audience.MEMBERS


class AudienceForm(RefusalMixin, forms.Form):
    """Staff change who may take part in a process (on the process page)."""

    audience = forms.ChoiceField(
        label=_("Who may propose, support and comment"),
        choices=Audience.choices,
        widget=forms.RadioSelect,
        help_text=AUDIENCE_HELP,
    )


FEATURE_LABELS = {
    "proposing": _("Members may propose"),
    "supporting": _("Members may support proposals"),
    "commenting": _("Members may comment"),
    "amending": _("Members may propose amendments"),
}


class CalendarForm(forms.Form):
    """The calendar of a process: for each phase its place in the order, its dates and its features.

    Fields are named ``p<phase id>-<field>``; ``rows`` gives each phase with its bound fields, so the page
    shows one group per phase. The form checks each value's shape; the service checks the calendar."""

    FIELDS = ("position", "starts_on", "ends_on", "proposing", "supporting", "commenting", "amending")

    def __init__(self, *args: Any, phases: list[Phase], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.phases = phases
        count = len(phases)
        for phase in phases:
            prefix = f"p{phase.pk}-"
            self.fields[prefix + "position"] = forms.IntegerField(
                label=_("Place in the order"),
                min_value=1,
                max_value=count,
                initial=phase.position,
            )
            for name, label in (("starts_on", _("Starts on")), ("ends_on", _("Ends on"))):
                self.fields[prefix + name] = forms.DateField(
                    label=label,
                    required=False,
                    initial=getattr(phase, name),
                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                    input_formats=["%Y-%m-%d"],
                    error_messages={"invalid": _("Enter a date as year-month-day, e.g. 2027-03-31.")},
                )
            self.fields[prefix + "ends_on"].help_text = _(
                "Left empty, the phase lasts until staff put another phase in force."
            )
            for feature, label in FEATURE_LABELS.items():
                self.fields[prefix + feature] = forms.BooleanField(
                    label=label, required=False, initial=getattr(phase, feature)
                )

    @property
    def rows(self) -> list[tuple[Phase, list[forms.BoundField]]]:
        return [(phase, [self[f"p{phase.pk}-{name}"] for name in self.FIELDS]) for phase in self.phases]

    def plan(self) -> list[services.PhaseDates]:
        """What the staff member asked for, one row per phase (call after ``is_valid()``)."""
        data = self.cleaned_data
        return [
            services.PhaseDates(
                phase_id=phase.pk,
                position=data[f"p{phase.pk}-position"],
                starts_on=data[f"p{phase.pk}-starts_on"],
                ends_on=data[f"p{phase.pk}-ends_on"],
                features=frozenset(f for f in FEATURE_LABELS if data[f"p{phase.pk}-{f}"]),
            )
            for phase in self.phases
        ]

    def add_refusals(self, refused: services.ParticipationRefused) -> None:
        """Each mistake of the calendar beside its field; a refusal of the whole form above it."""
        errors = getattr(refused, "errors", None)
        if not errors:
            self.add_error(None, refused.message)
            return
        for phase_id, field, message in errors:
            name = f"p{phase_id}-{field}"
            self.add_error(name if name in self.fields else None, message)
