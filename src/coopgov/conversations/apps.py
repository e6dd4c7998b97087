from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "coopgov.conversations"
    verbose_name = _("Opinion conversations")

    def ready(self) -> None:
        # Permissions are declared on import.
        from coopgov.conversations import rules  # noqa: F401
