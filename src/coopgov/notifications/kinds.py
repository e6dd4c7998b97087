"""The registry of notification kinds: each app registers a dotted kind with a lazy, translatable text.

A kind's text is a ``gettext_lazy`` string with ``%(name)s`` placeholders filled from the notification's
``params``; it is rendered when the notification is shown or e-mailed, in the *recipient's* language, so
the stored row holds no language at all. The kind's group (the part before the first dot, e.g.
``participation`` for ``participation.comment_added``) is what a member's delivery preference applies to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from coopgov.notifications.errors import UnknownKind

if TYPE_CHECKING:  # the stubs name the lazy string type; at run time it is Django's Promise
    from django.utils.functional import _StrPromise as Promise
else:
    from django.utils.functional import Promise


@dataclass(frozen=True)
class Kind:
    name: str
    text: Promise | str

    @property
    def group(self) -> str:
        return group_of(self.name)


_REGISTRY: dict[str, Kind] = {}

# The groups a member can set a delivery for; an app's kinds fall in the group named after its prefix.
GROUP_LABELS: dict[str, Promise] = {
    "participation": _("Processes, proposals and comments"),
    "meetings": _("Meetings"),
    "orientations": _("Orientations rising to the parent level"),
    "followup": _("Recommendations and follow-up"),
    "panels": _("Member panels drawn by lot"),
    "notifications": _("Other notices"),
}


def group_of(kind: str) -> str:
    return kind.split(".", 1)[0]


def register(kind: str, text: Promise | str) -> Kind:
    """Declare a kind (call it from the sending app's ``ready()`` or ``notifications.py``). Registering a kind
    again replaces its text: apps may be imported twice in tests, and the text is only read when shown."""
    if "." not in kind or not all(part for part in kind.split(".")):
        raise ValueError(
            f"a notification kind is a dotted name such as 'participation.comment_added', not {kind!r}"
        )
    _REGISTRY[kind] = Kind(kind, text)
    return _REGISTRY[kind]


def get(kind: str) -> Kind:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise UnknownKind(kind) from None


def all_kinds() -> list[Kind]:
    return sorted(_REGISTRY.values(), key=lambda k: k.name)


def render(kind: str, params: dict[str, Any] | None) -> str:
    """The kind's text in the active language, placeholders filled. A missing parameter or an unregistered
    kind (an app removed since) never breaks a page: the text falls back to something readable."""
    found = _REGISTRY.get(kind)
    if found is None:
        return str(_("Notice (%(kind)s)")) % {"kind": kind}
    text = str(found.text)
    try:
        return text % (params or {})
    except (KeyError, TypeError, ValueError):
        return text


# The notifications app's own kind: a test message a member may send to check their delivery settings.
register("notifications.test", _("This is a test notice: your delivery settings work."))
