"""The hash chain of the audit log: each entry's hash covers its content and the previous hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

GENESIS = "0" * 64


def canonical(payload: Mapping[str, Any]) -> str:
    """A stable text for a payload: sorted keys, no spaces, non-JSON values as strings."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(previous: str, payload: Mapping[str, Any]) -> str:
    """SHA-256 over the previous entry's hash and this entry's canonical payload."""
    return hashlib.sha256((previous + "\n" + canonical(payload)).encode()).hexdigest()


def first_broken(entries: Iterable[tuple[int, str, str, Mapping[str, Any]]]) -> int | None:
    """The sequence number of the first entry whose stored hashes do not match, or None if all do.

    Each item is (sequence, stored previous hash, stored hash, payload), in sequence order.
    """
    previous = GENESIS
    for seq, stored_prev, stored_hash, payload in entries:
        if stored_prev != previous or entry_hash(previous, payload) != stored_hash:
            return seq
        previous = stored_hash
    return None
