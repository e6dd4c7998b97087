"""Background work of the register: tasks load by id and call one function (Django Tasks API)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from coopgov.members.models import Membership


@task()
def notify_admission_decision(membership_id: int) -> str:
    """E-mail a candidate the board's decision in their language, with the reason for a refusal (CNC)."""
    membership = Membership.objects.select_related("person", "cooperative").get(pk=membership_id)
    person = membership.person
    if not person.email:
        return "no e-mail address"
    with translation.override(person.language):
        cooperative = membership.cooperative.display_name
        if membership.status == "admitted":
            subject = _("Welcome to %(cooperative)s") % {"cooperative": cooperative}
            body = _(
                "Your application has been accepted: you are member number %(number)d of %(cooperative)s, "
                "admitted on %(on)s."
            ) % {"number": membership.number, "cooperative": cooperative, "on": membership.admitted_on}
        else:
            subject = _("Your application to %(cooperative)s") % {"cooperative": cooperative}
            body = _(
                "Your application has not been accepted. The reason given: %(reason)s\n"
                "You may ask the board for its objective reasons and apply again."
            ) % {"reason": membership.refusal_reason}
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
    return person.email
