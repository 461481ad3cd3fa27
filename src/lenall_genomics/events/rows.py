"""Event vocabulary and row shape shared by fusion and copy-number events (model.EVENT_COLUMNS)."""

from __future__ import annotations

from typing import Any

from ..model import EVENT_COLUMNS

EVENT_TYPES = ("fusion", "rearrangement", "deep_deletion", "loss", "intragenic_deletion", "gain",
               "amplification")
DELETION_TYPES = ("deep_deletion", "loss", "intragenic_deletion")
CONFIDENCE_RANK = {"high": 3, "medium": 2, "low": 1, "": 0}


def event_rows(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events restricted to model.EVENT_COLUMNS, in their given order."""
    return [{c: e.get(c, "") for c in EVENT_COLUMNS} for e in events]


def skipped_records(skipped: list[tuple[int, str]]) -> list[dict[str, Any]]:
    """The first 1000 skipped input records of a reader, for the QC json."""
    return [{"line": n, "reason": r} for n, r in skipped[:1000]]
