"""Notifications in the app and by e-mail (immediate, daily or weekly digest), sent by background tasks."""
