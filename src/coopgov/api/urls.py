"""The API: /api/v1 with its OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

from ninja import NinjaAPI

from coopgov.api.auth import api_auth
from coopgov.members.api import router as members_router

api = NinjaAPI(
    title="coopgov API",
    version="1",
    description="The register of members and shares, and the democratic life of the cooperative.",
    auth=api_auth,
    urls_namespace="api-v1",
)
api.add_router("/", members_router)
