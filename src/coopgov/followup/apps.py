from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "coopgov.followup"
    verbose_name = _("Recommendations and follow-up")

    def ready(self) -> None:
        # Permissions and notification kinds are declared on import.
        from coopgov.followup import notifications, rules  # noqa: F401
