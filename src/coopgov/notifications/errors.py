"""Errors of the notifications app, each saying what went wrong in words a developer can act on."""

from __future__ import annotations


class UnknownKind(LookupError):
    """A notification was sent with a kind no app registered."""

    def __init__(self, kind: str) -> None:
        super().__init__(
            f"unknown notification kind {kind!r}: register it with coopgov.notifications.kinds.register() "
            "in the sending app's ready() or notifications.py"
        )
        self.kind = kind


class MissingParams(ValueError):
    """A notification's params do not fill its kind's text."""
