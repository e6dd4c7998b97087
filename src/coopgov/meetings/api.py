"""API of meetings: each endpoint authorises with a django-rules permission, then calls one selector or
service.
"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["meetings"])
