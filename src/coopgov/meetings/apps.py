from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "coopgov.meetings"
    verbose_name = _("Meetings and bilans participatifs")

    def ready(self) -> None:
        # Permissions and notification kinds are declared on import.
        from coopgov.meetings import notifications, rules  # noqa: F401
