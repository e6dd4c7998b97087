"""API of invitations: staff open the account of a member of the register (ADR 0017).

Members are named as everywhere in the API, by cooperative code and register number. The permission
(``accounts.invite_member``: staff of the cooperative or above) is checked on the cooperative before
the number is looked up, so register numbers cannot be probed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema, Status
from ninja.errors import HttpError

from coopgov.accounts import services
from coopgov.api.errors import WRITE_ERRORS, ErrorOut
from coopgov.members.models import Membership
from coopgov.organisation.models import Unit

router = Router(tags=["accounts"])

CodePath = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9_-]{1,32}$", description="The cooperative's code (BE, FR…)")
]
NumberPath = Annotated[int, Path(ge=1, le=2_147_483_647, description="The register number")]


class InvitationOut(Schema):
    outcome: str  # created, linked, existing
    email: str
    account_since: datetime
    name: str


@router.post(
    "/cooperatives/{code}/members/{number}/invitation",
    response={200: InvitationOut, 201: InvitationOut, 409: ErrorOut, **WRITE_ERRORS},
    summary=(
        "Open the member's account and e-mail them how to sign in (staff); 201 when an account was "
        "created, 200 when they had one or an unowned account with their address was linked; audited"
    ),
)
def invite_member(request: HttpRequest, code: CodePath, number: NumberPath) -> Status[dict[str, object]]:
    cooperative = Unit.objects.filter(kind=Unit.Kind.COOPERATIVE, code=code).first()
    if cooperative is None:
        raise HttpError(404, _("No cooperative has the code %(code)s.") % {"code": code})
    if not request.user.has_perm("accounts.invite_member", cooperative):
        raise HttpError(403, _("You may not do this in cooperative %(code)s.") % {"code": code})
    membership = (
        Membership.objects.select_related("person").filter(cooperative=cooperative, number=number).first()
    )
    if membership is None:
        raise HttpError(
            404, _("Cooperative %(code)s has no member number %(number)d.") % {"code": code, "number": number}
        )
    try:
        invitation = services.account_invite(
            person=membership.person, actor=request.user, unit=cooperative, via="api"
        )
    except services.InvitationRefused as refused:
        error = HttpError(409, refused.message)
        error.errors = [{"code": refused.code, "text": refused.message, "field": None}]  # type: ignore[attr-defined]
        raise error from None
    user = invitation.user
    body = {
        "outcome": invitation.outcome,
        "email": user.email,
        "account_since": user.date_joined,
        "name": membership.person.display_name,
    }
    return Status(201 if invitation.outcome == "created" else 200, body)
