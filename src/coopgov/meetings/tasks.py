"""Background work of meetings: tasks load by id and do one thing (Django Tasks API)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from coopgov.meetings.models import Registration


@task()
def send_registration_confirmation(registration_id: int, base_url: str = "") -> str:
    """E-mail the confirmation of a registration in the registrant's language, with the cancellation link
    (the registration's secret token); ``base_url`` is the site's address ("https://…/")."""
    registration = Registration.objects.select_related("meeting").get(pk=registration_id)
    meeting = registration.meeting
    cancel_url = base_url.rstrip("/") + reverse("meetings:cancel", args=[registration.token])
    with translation.override(registration.language):
        where = meeting.place or meeting.online_url
        subject = _("Registration confirmed: %(meeting)s") % {"meeting": meeting.title}
        body = _(
            "Hello %(name)s,\n\nYou are registered for “%(meeting)s” on %(when)s (%(where)s).\n\n"
            "If you cannot come, cancel your registration here so that someone else can have the seat:\n"
            "%(cancel_url)s\n"
        ) % {
            "name": registration.name,
            "meeting": meeting.title,
            "when": formats.date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT"),
            "where": where,
            "cancel_url": cancel_url,
        }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [registration.email])
    return registration.email
