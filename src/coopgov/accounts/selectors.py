"""Reads on accounts: who a personal API token stands for, one's own tokens, whom to invite."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from allauth.mfa.models import Authenticator
from django.db.models import BooleanField, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils import timezone

from coopgov.accounts.models import OFFICER_TOKEN_MAX_DAYS, ApiToken, User, hash_token
from coopgov.members.models import Person
from coopgov.organisation.models import RoleAssignment, Unit

OFFICER_ROLES = ("staff", "board")

# The two facts the rule needs, as EXISTS subqueries on the token's user. Written once as SQL: the ORM's
# Exists(OuterRef) costs about 0.7 ms of query building per API call, the SQL itself tens of µs
# (benchmarks/bench_token_check.py).
_OFFICER_ROLE = RawSQL(
    f"EXISTS (SELECT 1 FROM {RoleAssignment._meta.db_table} r "
    f"WHERE r.user_id = {ApiToken._meta.db_table}.user_id AND r.role IN (%s, %s))",
    OFFICER_ROLES,
    output_field=BooleanField(),
)
_HAS_TOTP = RawSQL(
    f"EXISTS (SELECT 1 FROM {Authenticator._meta.db_table} a "
    f"WHERE a.user_id = {ApiToken._meta.db_table}.user_id AND a.type = %s)",
    (Authenticator.Type.TOTP.value,),
    output_field=BooleanField(),
)


@dataclass(frozen=True)
class TokenCheck:
    """The outcome of presenting a token: its user, or why it was refused (``refusal`` is a code)."""

    user: User | None
    refusal: str = ""  # "", "unknown", "revoked", "expired", "officer_without_mfa"
    expired_at: datetime | None = None


def user_for_api_token(raw: str) -> User | None:
    """The active user owning this token if it may be used now, or None; marks the token as used."""
    return api_token_check(raw).user


LAST_USED_RESOLUTION = timedelta(minutes=1)


def api_token_check(raw: str, *, now: datetime | None = None) -> TokenCheck:
    """Whether ``raw`` authenticates someone now (docs/adr/0014-officer-tokens.md); marks it as used.

    An officer (staff or board anywhere, or a Django staff account) is let in only while they have a
    TOTP authenticator and within OFFICER_TOKEN_MAX_DAYS of the token's creation. Both facts are read in
    the same query as the token, so checking them costs no query of its own.
    """
    now = now or timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=hash_token(raw), user__is_active=True)
        .annotate(officer_role=_OFFICER_ROLE, has_totp=_HAS_TOTP)
        .first()
    )
    if token is None:
        return TokenCheck(None, "unknown")
    if token.revoked_at is not None:
        return TokenCheck(None, "revoked")
    user = token.user
    officer = bool(user.is_staff or user.is_superuser or token.officer_role)
    expires_at = token.expires_at
    if officer:
        longest = token.created_at + timedelta(days=OFFICER_TOKEN_MAX_DAYS)
        expires_at = min(expires_at, longest) if expires_at is not None else longest
    if expires_at is not None and expires_at <= now:
        return TokenCheck(None, "expired", expires_at)
    if officer and not token.has_totp:
        return TokenCheck(None, "officer_without_mfa")
    # The time of use is kept to the minute: a token that casts, reads and casts again in the same minute
    # costs one write, not one per request (docs/adr/0006-casting-under-load.md).
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return TokenCheck(user)


def api_tokens_of(user: Any) -> QuerySet[ApiToken]:
    """The user's tokens, newest first (revoked and expired ones stay listed, for the record)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def api_token_in_force(token: ApiToken, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return token.revoked_at is None and (token.expires_at is None or token.expires_at > now)


@dataclass(frozen=True)
class InvitationCounts:
    """The admitted members of a cooperative, as the bulk invitation sees them."""

    to_invite: int  # an e-mail address no account uses, and no account
    without_email: int  # no account, and no e-mail address to send one to
    email_in_use: int  # no account, but another account already uses their address
    with_account: int  # already able to sign in


def _admitted_in(cooperative: Unit) -> QuerySet[Person]:
    # (cooperative, person) is unique: each person appears once.
    return Person.objects.filter(memberships__cooperative=cooperative, memberships__status="admitted")


def _address_taken() -> Exists:
    # Accounts' addresses are stored in lower case (the manager and account_invite lower them), so the
    # comparison uses the unique index on the account's e-mail.
    return Exists(User.objects.filter(email=Lower(OuterRef("email"))))


def invitation_counts(cooperative: Unit) -> InvitationCounts:
    """How many admitted members the bulk invitation would invite, and how many it cannot, and why."""
    no_account = Q(account__isnull=True)
    row = (
        _admitted_in(cooperative)
        .annotate(taken=_address_taken())
        .aggregate(
            to_invite=Count("pk", filter=no_account & ~Q(email="") & Q(taken=False)),
            without_email=Count("pk", filter=no_account & Q(email="")),
            email_in_use=Count("pk", filter=no_account & ~Q(email="") & Q(taken=True)),
            with_account=Count("pk", filter=Q(account__isnull=False)),
        )
    )
    return InvitationCounts(**{k: int(v or 0) for k, v in row.items()})


def persons_to_invite(cooperative: Unit) -> QuerySet[Person]:
    """The admitted members of the cooperative with an e-mail address and no account, by id (those whose
    address another account uses are in: ``account_invite`` links or refuses them, one by one)."""
    return _admitted_in(cooperative).filter(account__isnull=True).exclude(email="").order_by("pk")
