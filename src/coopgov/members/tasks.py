"""Background work of the register: tasks load by id and call one function (Django Tasks API)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from coopgov.members.models import Membership
from coopgov.members.selectors import admission_by_assembly


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


@task()
def notify_application_received(membership_id: int) -> str:
    """E-mail an applicant, in their language, that their application is received and what happens next."""
    membership = Membership.objects.select_related("person", "cooperative", "application__share_class").get(
        pk=membership_id
    )
    person = membership.person
    if not person.email:
        return "no e-mail address"
    application = getattr(membership, "application", None)
    with translation.override(person.language):
        cooperative = membership.cooperative.display_name
        subject = _("Your application to %(cooperative)s is received") % {"cooperative": cooperative}
        lines = [
            _("We have received your application to become a member of %(cooperative)s.")
            % {"cooperative": cooperative}
        ]
        if application is not None:
            lines.append(
                _(
                    "You asked to subscribe %(shares)d share(s) of %(nominal)s € each: %(amount)s € in all. "
                    "The shares are subscribed once you are admitted."
                )
                % {
                    "shares": application.requested_shares,
                    "nominal": application.share_class.nominal_eur,
                    "amount": application.amount_eur,
                }
            )
        lines.append(
            _(
                "The general assembly of the cooperative decides on each application. You will receive its "
                "decision by e-mail; a refusal always gives its reason."
            )
            if admission_by_assembly(membership.cooperative)
            else _(
                "The board of directors decides on each application at one of its meetings. You will receive "
                "its decision by e-mail; a refusal always gives its reason."
            )
        )
    send_mail(subject, "\n\n".join(str(line) for line in lines), settings.DEFAULT_FROM_EMAIL, [person.email])
    return person.email
