from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrientationsConfig(AppConfig):
    name = "coopgov.orientations"
    verbose_name = _("Rise of orientations")

    def ready(self) -> None:
        # Permissions and notification kinds are declared on import.
        from coopgov.orientations import notifications, rules  # noqa: F401
