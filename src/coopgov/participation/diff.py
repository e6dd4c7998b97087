"""The word-level difference between a proposal's text and an amendment, for the page to show."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """Runs of ("same" | "removed" | "added", text) that turn ``before`` into ``after``, word by word
    (spaces kept), so the reader sees exactly which words an amendment changes."""
    a, b = TOKENS.findall(before), TOKENS.findall(after)
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(("same", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            runs.append(("removed", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(("added", "".join(b[j1:j2])))
    return runs
