"""Benchmark of an incremental `lenall run`: the 32-patient demo, then the same run after one
patient is added to the samplesheet (a copy of patient 04, a myeloma and a later B-ALL).

Prints the second run's wall time as a fraction of the first (target <= 0.2): per-sample steps
of the old samples are cached by the runner, and the cohort steps redo only the new patient's
part where they can (clonality draws one new figure). Also prints a third, identical run (all
cached), and the tasks the second run ran with their times (pipeline_info/trace.tsv): the new
samples' steps, then the cohort steps, most of which are one after the other.

    python benchmarks/bench_incremental.py [--cores 2]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = 0.2
COPIED, NEW = "04", "99"


def lenall(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "lenall_genomics.cli", *args], check=True,
                   capture_output=True)
    return time.perf_counter() - started


def add_patient(sheet: Path) -> None:
    """Append a copy of patient COPIED as patient NEW: its rows, and its input files with the
    sample names (VCF columns) renamed."""
    import pysam

    with open(sheet, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    columns = list(rows[0])
    added = []
    for row in rows:
        if row["patient"] != COPIED:
            continue
        new = {k: v.replace(f"P{COPIED}_", f"P{NEW}_") for k, v in row.items()}
        new["patient"] = NEW
        for field in ("vcf", "fusions", "segments", "clonotypes"):
            if not row[field]:
                continue
            source, target = sheet.parent / row[field], sheet.parent / new[field]
            if source.name.endswith(".vcf.gz"):
                with gzip.open(source, "rt", encoding="utf-8") as handle:
                    text = handle.read().replace(f"P{COPIED}_", f"P{NEW}_")
                plain = target.with_suffix("")
                plain.write_text(text, encoding="utf-8")
                pysam.tabix_compress(str(plain), str(target), force=True)
                plain.unlink()
            else:
                target.write_bytes(source.read_bytes())
        added.append(new)
    with open(sheet, "a", newline="", encoding="utf-8") as handle:
        csv.DictWriter(handle, columns, lineterminator="\n").writerows(added)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", default="2")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_incremental.") as tmp:
        data, out = Path(tmp) / "data", Path(tmp) / "results"
        lenall("demo", "--outdir", str(data))
        sheet = data / "samplesheet.csv"
        run = ("run", "--samplesheet", str(sheet), "--outdir", str(out), "--cores", args.cores,
               "--quiet")
        full = lenall(*run)
        add_patient(sheet)
        again = lenall(*run)
        with open(out / "pipeline_info" / "trace.tsv", encoding="utf-8") as handle:
            ran = [row for row in csv.DictReader(handle, delimiter="\t")
                   if row["state"] == "ran"]
        cached = lenall(*run)
        ratio = again / full
        print(f"full run {full:.2f} s | one patient added {again:.2f} s | ratio {ratio:.2f} "
              f"(target <= {TARGET:g}) {'ok' if ratio <= TARGET else 'miss'} | "
              f"all cached {cached:.2f} s")
        print("ran when one patient was added: " + ", ".join(
            f"{row['task']} {float(row['seconds']):.2f}" for row in ran))


if __name__ == "__main__":
    main()
