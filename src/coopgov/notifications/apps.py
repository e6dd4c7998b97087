from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "coopgov.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # The registry and this app's own kinds; other apps register theirs in their own ready().
        from coopgov.notifications import kinds  # noqa: F401
