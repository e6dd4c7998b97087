"""Background work of accounts: the invitation e-mail, bulk invitations, the invitation on admission.

Tasks load by id and call one service (Django Tasks API, ADR 0002); services enqueue them on commit.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from coopgov.accounts import selectors, services
from coopgov.accounts.models import User
from coopgov.members.models import Membership
from coopgov.organisation.models import Unit

logger = logging.getLogger(__name__)

# Persons invited per task of a bulk invitation: each is its own transaction and audit entry, and a
# batch stays well within a worker's time limit.
BATCH_SIZE = 200


def _actor(actor_id: int | None, actor_label: str) -> Any:
    """The account that asked (by id), or the label of the command or act that did."""
    user = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
    return user if user is not None else (actor_label or "system")


def sign_in_url() -> str:
    """The page where one asks for a sign-in code, as an absolute link for an e-mail."""
    return settings.COOPGOV_BASE_URL.rstrip("/") + reverse("account_request_login_code")


@task()
def send_invitation(user_id: int) -> str:
    """E-mail a newly invited member, in their language: where to sign in, how, and what it gives them."""
    user = User.objects.select_related("person").get(pk=user_id)
    person = user.person
    language = (person.language if person is not None else "") or user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        name = person.display_name if person is not None else user.email
        subject = _("Your coopgov account is ready")
        body = _(
            "Hello %(name)s,\n\n"
            "An account on coopgov, the platform of the democratic life of the cooperative, is ready for "
            "you. It is tied to this e-mail address: %(email)s\n\n"
            "To sign in, open %(url)s, enter this address, and type the code we then e-mail you. "
            "You need no password.\n\n"
            "With your account you see your membership, your shares and the services they give you "
            "access to; you take part in the processes, meetings and conversations of your cooperative "
            "and your antenna; and you vote in the general assemblies you are called to.\n\n"
            "If you did not expect this message, you may ignore it: nobody can sign in without the "
            "codes sent to this address."
        ) % {"name": name, "email": user.email, "url": sign_in_url()}
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return user.email


@task()
def invite_batch(person_ids: list[int], cooperative_id: int, actor_id: int | None, actor_label: str) -> str:
    """Invite a batch of persons of a cooperative's register (one transaction and audit entry each)."""
    cooperative = Unit.objects.get(pk=cooperative_id)
    report = services.accounts_invite_batch(
        person_ids=person_ids, actor=_actor(actor_id, actor_label), unit=cooperative, via="bulk"
    )
    for person_id, code, message in report.refused:
        logger.warning("invitation of person %s refused (%s): %s", person_id, code, message)
    return f"created {report.created}, linked {report.linked}, refused {len(report.refused)}"


@task()
def invite_members(cooperative_id: int, actor_id: int | None = None, actor_label: str = "") -> int:
    """Invite every admitted member of a cooperative who has an e-mail address and no account: queue one
    ``invite_batch`` per BATCH_SIZE persons; returns how many persons were queued."""
    cooperative = Unit.objects.get(pk=cooperative_id)
    ids = list(selectors.persons_to_invite(cooperative).values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH_SIZE):
        invite_batch.enqueue(ids[start : start + BATCH_SIZE], cooperative_id, actor_id, actor_label)
    return len(ids)


@task()
def invite_admitted_member(membership_id: int, actor_id: int | None = None, actor_label: str = "") -> str:
    """On admission (COOPGOV_INVITE_ON_ADMISSION): a new member with an e-mail and no account is invited.

    A refusal (the address belongs to another person's account…) never undoes the admission: it is
    logged, and staff see the member without an account on the register page."""
    membership = Membership.objects.select_related("person", "cooperative").get(pk=membership_id)
    if membership.status != "admitted" or not membership.person.email:
        return "not invited"
    try:
        invitation = services.account_invite(
            person=membership.person,
            actor=_actor(actor_id, actor_label),
            unit=membership.cooperative,
            via="admission",
        )
    except services.InvitationRefused as refused:
        logger.warning("invitation on admission of membership %s refused: %s", membership_id, refused)
        return refused.code
    return invitation.outcome
