"""Per-sample tables that the cohort tests write by hand."""

from __future__ import annotations

import csv
from pathlib import Path

from lenall_genomics.model import EVENT_COLUMNS


def write_tsv(path: Path, columns, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, columns, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def event(gene, event_type, partner=".", label=".", source="rna", confidence=".",
          **fields) -> dict[str, str]:
    """One events.tsv row; unnamed columns are '.'."""
    row = dict.fromkeys(EVENT_COLUMNS, ".")
    row.update(gene=gene, event_type=event_type, partner=partner, label=label, source=source,
               confidence=confidence, **fields)
    return row
