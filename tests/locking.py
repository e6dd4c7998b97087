"""Test helper: a transaction held open on another thread's database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connections, transaction


@contextmanager
def held_by_another_connection(act: Callable[[], object]) -> Iterator[None]:
    """Run ``act`` in a transaction on another thread and keep that transaction open (with the row locks
    ``act`` took) until the block ends; then it commits and the thread is joined."""
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                act()
                taken.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert taken.wait(10), "the other connection did not get to hold its transaction"
        yield
    finally:
        release.set()
        holder.join()
