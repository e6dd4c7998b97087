"""Forms of meetings: they check the input and say what is wrong and where; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from coopgov.meetings.models import Contribution

# What minutes may carry: documents and pictures of the boards, nothing executable.
ATTACHMENT_TYPES = ("pdf", "odt", "docx", "txt", "md", "png", "jpg", "jpeg")


class MeetingForm(forms.Form):
    antenna = forms.ChoiceField(label=_("Antenna"))
    title = forms.CharField(label=_("Title"), max_length=200)
    language = forms.ChoiceField(label=_("Language of the title"), choices=settings.LANGUAGES)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("Place (address)"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(label=_("Capacity (seats)"), min_value=1, required=False)
    agenda = forms.CharField(
        label=_("Agenda (one item per line)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args: Any, antennas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["antenna"]).choices = antennas

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("place") and not data.get("online_url"):
            self.add_error("place", _("Give a place or an online link."))
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        return data


class GuestRegistrationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your e-mail address"))
    language = forms.ChoiceField(label=_("Language of the confirmation e-mail"), choices=settings.LANGUAGES)


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("Name of a person present without registration"), max_length=200)


class ContributionForm(forms.Form):
    on_behalf = forms.ChoiceField(label=_("On behalf of"), choices=Contribution.For.choices)
    attendance = forms.TypedChoiceField(label=_("Participant"), coerce=int, required=False, empty_value=None)
    agenda_item = forms.TypedChoiceField(label=_("Agenda item"), coerce=int, required=False, empty_value=None)
    text = forms.CharField(label=_("Contribution"), widget=forms.Textarea(attrs={"rows": 4}))
    language = forms.ChoiceField(label=_("Language of the text"), choices=settings.LANGUAGES)

    def __init__(
        self,
        *args: Any,
        participants: list[tuple[int, str]],
        agenda: list[tuple[int, str]],
        on_behalf: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["attendance"]).choices = [("", "—"), *participants]
        cast(forms.ChoiceField, self.fields["agenda_item"]).choices = [("", _("General")), *agenda]
        if not on_behalf:
            cast(forms.ChoiceField, self.fields["on_behalf"]).choices = [
                (Contribution.For.SELF, Contribution.For.SELF.label)
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("on_behalf") == Contribution.For.PARTICIPANT and not data.get("attendance"):
            self.add_error("attendance", _("Choose the participant this contribution is entered for."))
        return data


class MinutesForm(forms.Form):
    text = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 10}))
    language = forms.ChoiceField(label=_("Language of the minutes"), choices=settings.LANGUAGES)
    attachment_title = forms.CharField(label=_("Title of the attachment"), max_length=200, required=False)
    attachment = forms.FileField(label=_("Attachment (PDF, image, text; 10 MB at most)"), required=False)

    def clean_attachment(self) -> Any:
        file = self.cleaned_data.get("attachment")
        if file is None:
            return file
        if file.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The attachment is larger than 10 MB."))
        suffix = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
        if suffix not in ATTACHMENT_TYPES:
            raise forms.ValidationError(
                _("Attach a file of one of these types: %(types)s.") % {"types": ", ".join(ATTACHMENT_TYPES)}
            )
        return file
