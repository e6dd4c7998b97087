"""API shapes of provenance, shared by the orientations API and the proposals API of participation."""

from __future__ import annotations

from ninja import Schema


class SourceUnitOut(Schema):
    id: int
    code: str
    name: str


class SourceItemOut(Schema):
    kind: str  # "proposal" or "contribution"
    id: int
    title: str
    url: str


class ProvenanceOut(Schema):
    """One source of a rolled-up proposal: where it came from, what it was, and its live supports (each
    member counted once over the whole provenance)."""

    antenna: SourceUnitOut
    source: SourceItemOut
    supports: int
    supports_at_rollup: int | None = None
    meeting: str = ""
    via: int | None = None
    merged: bool = False
