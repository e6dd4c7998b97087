"""Writes on accounts: creating and revoking personal API tokens; inviting persons of the register."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopgov.accounts.mfa import is_officer
from coopgov.accounts.models import OFFICER_TOKEN_MAX_DAYS, ApiToken, User, hash_token
from coopgov.audit.services import audit_record
from coopgov.members.models import Person


class TokenRefused(Exception):
    """A token the rules do not allow; the message says why, for the person who asked."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str = "",
    expires_at: datetime | None = None,
    actor: Any = None,
    via: Literal["site", "command"] = "site",
) -> str:
    """Create a personal API token for ``user`` and return it (it is not stored in clear).

    An officer's token always expires, at most OFFICER_TOKEN_MAX_DAYS from now (that is also its
    default); whoever creates it — the officer on the site after their second factor, or an operator at
    the server (``via="command"``) — is the actor of the audit entry.
    """
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise TokenRefused("expiry_in_past", _("The expiry date must be in the future."))
    if is_officer(user):
        longest = now + timedelta(days=OFFICER_TOKEN_MAX_DAYS)
        if expires_at is None:
            expires_at = longest
        elif expires_at > longest:
            raise TokenRefused(
                "officer_expiry_too_far",
                _("A token of staff or board lives at most %(days)d days.")
                % {"days": OFFICER_TOKEN_MAX_DAYS},
            )
    raw = ApiToken.new_raw()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:8], digest=hash_token(raw), expires_at=expires_at
    )
    audit_record(
        actor=actor if actor is not None else user,
        action="api_token.created",
        obj=token,
        after={
            "user": user.email,
            "prefix": token.prefix,
            "name": name,
            "expires_at": expires_at,
            "via": via,
        },
    )
    return raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Any) -> ApiToken:
    """Revoke a personal API token: it stops authenticating at once; the row stays, for the record."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="api_token.revoked",
            obj=locked,
            before={"user": locked.user.email, "prefix": locked.prefix},
            after={"revoked_at": locked.revoked_at},
        )
    return locked


# --- Invitations: an account for a person of the register (docs/adr/0017-accounts-for-register-members.md)


class InvitationRefused(Exception):
    """A person who cannot be given an account; the message says why, for the staff who asked."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code  # "no_email", "email_in_use", "email_unconfirmed"
        self.message = message


InvitationOutcome = Literal["created", "linked", "existing"]


@dataclass(frozen=True)
class Invitation:
    """What ``account_invite`` did: created an account, linked an existing one, or found one already."""

    user: User
    outcome: InvitationOutcome

    @property
    def changed(self) -> bool:
        return self.outcome != "existing"


def _verified_address(user: User, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@transaction.atomic
def account_invite(
    *,
    person: Person,
    actor: Any,
    unit: Any = None,
    via: Literal["site", "api", "admission", "bulk", "command"] = "site",
) -> Invitation:
    """Give a person of the register an account to sign in with, and e-mail them how (their language).

    The account has no usable password: its owner signs in with a code sent to the register's e-mail
    address, which is therefore recorded as verified. Idempotent: a person who has an account keeps it
    (nothing is written, nothing sent). An account that already uses the address and belongs to nobody
    is linked to the person if its address was confirmed; an address used by another person's account,
    or an unconfirmed one, is refused. The person's row is locked for the act, so two staff (or a staff
    member and an admission) inviting the same person at once make one account; the unique constraints
    on the account's person and e-mail stand behind the lock.
    """
    locked = Person.objects.select_for_update().get(pk=person.pk)
    existing = User.objects.filter(person=locked).first()
    if existing is not None:
        return Invitation(existing, "existing")
    email = locked.email.strip().lower()
    if not email:
        raise InvitationRefused(
            "no_email",
            _("%(name)s has no e-mail address in the register: add one first.")
            % {"name": locked.display_name},
        )
    holder = User.objects.filter(email__iexact=email).first()
    if holder is None:
        holder_id = EmailAddress.objects.filter(email__iexact=email).values_list("user_id", flat=True).first()
        holder = User.objects.filter(pk=holder_id).first() if holder_id is not None else None
    if holder is not None:
        if holder.person_id is not None:
            raise InvitationRefused(
                "email_in_use",
                _("The e-mail address %(email)s is already used by the account of another person.")
                % {"email": email},
            )
        if not _verified_address(holder, email):
            raise InvitationRefused(
                "email_unconfirmed",
                _(
                    "An account with the e-mail address %(email)s exists but its owner never confirmed "
                    "the address: it can be linked only once they have."
                )
                % {"email": email},
            )
        holder = User.objects.select_for_update().get(pk=holder.pk)
        holder.person = locked
        holder.save(update_fields=["person"])
        return _invited(holder, "linked", locked, actor=actor, unit=unit, via=via)
    try:
        # A savepoint: a concurrent act that took the address between our check and this insert makes
        # the insert fail; the person is then refused, and the caller's transaction stays usable.
        with transaction.atomic():
            user = User(email=email, person=locked)
            user.set_unusable_password()
            user.save()
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    except IntegrityError:
        raise InvitationRefused(
            "email_in_use",
            _("The e-mail address %(email)s is already used by the account of another person.")
            % {"email": email},
        ) from None
    return _invited(user, "created", locked, actor=actor, unit=unit, via=via)


def _invited(
    user: User, outcome: InvitationOutcome, person: Person, *, actor: Any, unit: Any, via: str
) -> Invitation:
    audit_record(
        actor=actor,
        action="account.invited" if outcome == "created" else "account.linked",
        obj=user,
        unit=unit,
        after={"email": user.email, "person": person.pk, "name": person.display_name, "via": via},
    )
    from coopgov.accounts.tasks import send_invitation

    user_id = user.pk
    transaction.on_commit(lambda: send_invitation.enqueue(user_id))
    return Invitation(user, outcome)


@dataclass
class BatchReport:
    """What a batch of invitations did; ``refused`` names each person turned down and why."""

    created: int = 0
    linked: int = 0
    existing: int = 0
    refused: list[tuple[int, str, str]] = field(default_factory=list)  # (person id, code, message)

    def add(self, other: BatchReport) -> None:
        self.created += other.created
        self.linked += other.linked
        self.existing += other.existing
        self.refused.extend(other.refused)


def accounts_invite_batch(
    *, person_ids: Iterable[int], actor: Any, unit: Any = None, via: Literal["bulk", "command"] = "bulk"
) -> BatchReport:
    """Invite each person in turn, one transaction each: one refusal does not undo the others."""
    report = BatchReport()
    for person in Person.objects.filter(pk__in=list(person_ids)).order_by("pk"):
        try:
            outcome = account_invite(person=person, actor=actor, unit=unit, via=via).outcome
        except InvitationRefused as refused:
            report.refused.append((person.pk, refused.code, refused.message))
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report
