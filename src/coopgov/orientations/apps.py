from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrientationsConfig(AppConfig):
    name = "coopgov.orientations"
    verbose_name = _("Rise of orientations")
