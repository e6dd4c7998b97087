"""A guard against floods of applications: so many tries per address (IP) and so many applications per
e-mail in an hour.

Every form sent from an address counts (so the "already a candidate" answer cannot be used to probe the
register e-mail after e-mail); only recorded applications count for an e-mail (so an address cannot be
flooded with confirmations). Counted in Django's cache (Redis in production, local memory in tests and on
one machine): a limit that forgets after an hour, not a record (ADR 0019).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 3600


def _limits() -> tuple[int, int]:
    per_ip = getattr(settings, "COOPGOV_APPLICATION_TRIES_PER_IP_PER_HOUR", 10)
    per_email = getattr(settings, "COOPGOV_APPLICATIONS_PER_EMAIL_PER_HOUR", 3)
    return int(per_ip), int(per_email)


def _ip_key(ip: str) -> str:
    return f"coopgov:apply:ip:{ip}"


def _email_key(email: str) -> str:
    # The cache holds no e-mail address in clear.
    return "coopgov:apply:email:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def application_allowed(*, ip: str, email: str) -> bool:
    """May one more application be tried from this address, and recorded for this e-mail, this hour?"""
    per_ip, per_email = _limits()
    return int(cache.get(_ip_key(ip), 0)) < per_ip and int(cache.get(_email_key(email), 0)) < per_email


def _count(key: str) -> None:
    # add() starts the hour's window only if none is running; incr() never moves it.
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.set(key, 1, WINDOW_SECONDS)


def try_counted(*, ip: str) -> None:
    """Count one application form sent from this address."""
    _count(_ip_key(ip))


def application_counted(*, email: str) -> None:
    """Count one application recorded for this e-mail."""
    _count(_email_key(email))
