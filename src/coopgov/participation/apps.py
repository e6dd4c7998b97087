from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "coopgov.participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        # Permissions and notification kinds are declared on import.
        from coopgov.participation import notifications, rules  # noqa: F401
