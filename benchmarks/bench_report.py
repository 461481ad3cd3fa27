"""Report rendering time and page size as the cohort grows (ratio against a 200-patient baseline).

Run: .venv/bin/python benchmarks/bench_report.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from lenall_genomics.model import (
    ALTERATION_COLUMNS,
    EVALUABILITY_COLUMNS,
    FREQUENCY_COLUMNS,
    Sample,
)
from lenall_genomics.report.render import render_report
from lenall_genomics.writers import write_tsv

ROWS = ("TP53", "TET2", "RB1", "CDKN2A/B", "CREBBP", "KRAS", "IKZF1", "IKZF2", "IKZF3",
        "CRLF2 fusion", "low hypodiploid", "KMT2A", "BCR::ABL1")


def cohort(folder: Path, patients: int) -> list[Sample]:
    ids = [f"P{i:05d}" for i in range(patients)]
    write_tsv(folder / "alterations.tsv", ALTERATION_COLUMNS, (
        {"patient": p, "sample": f"{p}T", "row": row, "gene": row.split()[0],
         "alteration": "p.R175H", "display_class": "missense", "source": "dna",
         "detail": "vaf=0.4"}
        for i, p in enumerate(ids) for j, row in enumerate(ROWS) if (i + j) % 5 == 0))
    write_tsv(folder / "evaluability.tsv", EVALUABILITY_COLUMNS, (
        {"patient": p, "row": row, "evaluated": (i + j) % 7 != 0, "basis": "panel"}
        for i, p in enumerate(ids) for j, row in enumerate(ROWS)))
    write_tsv(folder / "frequencies.tsv", FREQUENCY_COLUMNS, (
        {"row": row, "altered": 1, "evaluable": 2, "percent": 50.0, "label": "1/2"}
        for row in ROWS))
    return [Sample(p, f"{p}T", "B-ALL") for p in ids]


def measure(patients: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "samples").mkdir()
        samples = cohort(folder, patients)
        start = time.perf_counter()
        out = render_report(folder, folder / "samples", samples, "GRCh38")
        return time.perf_counter() - start, out.stat().st_size


def main() -> None:
    base_time, base_size = measure(200)
    print(f"baseline 200 patients: {base_time:.2f} s, {base_size / 1e6:.1f} MB")
    for patients in (2000, 10000):
        seconds, size = measure(patients)
        scale = patients / 200
        print(f"{patients} patients: time x{seconds / base_time:.1f} (linear would be x{scale:.0f}),"
              f" size x{size / base_size:.1f} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
