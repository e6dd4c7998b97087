from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PanelsConfig(AppConfig):
    name = "coopgov.panels"
    verbose_name = _("Member panels drawn by lot")

    def ready(self) -> None:
        # Permissions are declared on import.
        from coopgov.panels import notifications, rules  # noqa: F401
