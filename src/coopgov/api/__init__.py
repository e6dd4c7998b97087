"""The REST API (django-ninja) mounted at /api/v1, one router per app."""
