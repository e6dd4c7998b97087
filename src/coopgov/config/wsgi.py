"""WSGI entry point (gunicorn coopgov.config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopgov.config.settings")
application = get_wsgi_application()
