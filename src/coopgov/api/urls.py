"""The API: /api/v1 with its OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

from ninja import NinjaAPI

from coopgov.accounts.api import router as accounts_router
from coopgov.api.audit import router as audit_router
from coopgov.api.auth import api_auth
from coopgov.api.errors import install_error_handlers
from coopgov.conversations.api import router as conversations_router
from coopgov.decisions.api import router as decisions_router
from coopgov.followup.api import router as followup_router
from coopgov.meetings.api import router as meetings_router
from coopgov.members.api import router as members_router
from coopgov.members.api_policy import router as policy_router
from coopgov.notifications.api import router as notifications_router
from coopgov.organisation.api import router as organisation_router
from coopgov.organisation.api_roles import router as roles_router
from coopgov.orientations.api import router as orientations_router
from coopgov.panels.api import router as panels_router
from coopgov.participation.api import router as participation_router

api = NinjaAPI(
    title="coopgov API",
    version="1",
    description=(
        "The register of members and shares, and the democratic life of the cooperative. Authenticate with "
        "the site's session or a personal token ('Authorization: Bearer …', see `coopgov create_token`). "
        "Every error body is {detail, errors: [{code, text, field}]}; texts follow Accept-Language."
    ),
    auth=api_auth,
    urls_namespace="api-v1",
)
install_error_handlers(api)
api.add_router("/", members_router)
api.add_router("/", organisation_router)
api.add_router("/", roles_router)
api.add_router("/", policy_router)
api.add_router("/", audit_router)
api.add_router("/", decisions_router)
api.add_router("/", participation_router)
api.add_router("/", notifications_router)
api.add_router("/", meetings_router)
api.add_router("/", orientations_router)
api.add_router("/", followup_router)
api.add_router("/", panels_router)
api.add_router("/", conversations_router)
api.add_router("/", accounts_router)
