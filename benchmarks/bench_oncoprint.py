"""Oncoprint drawing at scale, and against PyOncoPrint on the same matrix.

1. Synthetic cohorts (8% of cells altered, 4 alteration classes, 10% of cells not evaluated),
   1,000 and 10,000 patients x 50 rows, drawn by `lenall oncoprint --maf ... --evaluability ...`
   to PNG and SVG: whole-process time and peak memory, and how they grow (10x patients should
   cost no more than ~10x).
2. The same matrix drawn by PyOncoPrint (installed into its own venv,
   benchmarks/.venv-pyoncoprint) and by lenall, whole process each: ratio ours / theirs
   (target <= 0.3), at 10,000 x 50 (issue target) and 1,000 x 30 (the earlier comparison).

Run: python benchmarks/bench_oncoprint.py [--quick]   (--quick: 1,000 patients only)
"""

from __future__ import annotations

import argparse
import csv
import random
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

from lenall_genomics.cohort import ROW_COLUMNS, load_rows

HERE = Path(__file__).resolve().parent
PYONCOPRINT_VENV = HERE / ".venv-pyoncoprint"
CLASSES = ("Missense_Mutation", "Nonsense_Mutation", "In_Frame_Del", "Splice_Site")
PYONCOPRINT_NAMES = {"Missense_Mutation": "Missense", "Nonsense_Mutation": "Truncating",
                     "In_Frame_Del": "Inframe", "Splice_Site": "Splice"}
DENSITY = 0.08
NOT_EVALUATED = 0.10
TARGET_RATIO = 0.3

MEASURE = """
import resource, sys, time
start = time.perf_counter()
{body}
print("MAXRSS_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""

LENALL_BODY = """
from lenall_genomics.cli import main
try:
    main(sys.argv[1:])
except SystemExit as done:
    if done.code:
        raise
"""

PYONCOPRINT_BODY = """
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from pyoncoprint import OncoPrint
matrix = pd.read_csv(sys.argv[1], sep="\\t", index_col=0, keep_default_na=False)
markers = {
    "Missense": {"marker": "fill", "color": "#008000", "height": 0.5},
    "Truncating": {"marker": "fill", "color": "#000000", "height": 0.5},
    "Inframe": {"marker": "fill", "color": "#993404", "height": 0.5},
    "Splice": {"marker": "fill", "color": "#e5802b", "height": 0.5},
}
fig, axes = OncoPrint(matrix).oncoprint(markers, figsize=[16, 6])
fig.savefig(sys.argv[2], dpi=300)
"""


def synthetic(n_patients: int, n_rows: int, folder: Path, seed: int = 7):
    """Write MAF, evaluability TSV, rows file and a PyOncoPrint matrix for one cohort."""
    rng = random.Random(seed)
    genes = [f"GENE{i:03d}" for i in range(1, n_rows + 1)]
    patients = [f"P{i:05d}" for i in range(1, n_patients + 1)]
    maf = folder / f"cohort_{n_patients}x{n_rows}.maf"
    evaluability = folder / f"evaluability_{n_patients}x{n_rows}.tsv"
    rows = folder / f"rows_{n_rows}.tsv"
    matrix = folder / f"matrix_{n_patients}x{n_rows}.tsv"
    cells = {}
    for gene in genes:
        for patient in patients:
            if rng.random() < DENSITY:
                cells[gene, patient] = rng.choice(CLASSES)
    with open(maf, "w", newline="") as handle:
        out = csv.writer(handle, delimiter="\t", lineterminator="\n")
        out.writerow(["Hugo_Symbol", "Variant_Classification", "Tumor_Sample_Barcode"])
        for (gene, patient), cls in cells.items():
            out.writerow([gene, cls, patient])
    with open(evaluability, "w", newline="") as handle:
        out = csv.writer(handle, delimiter="\t", lineterminator="\n")
        out.writerow(["patient", "row", "evaluated", "basis"])
        for gene in genes:
            for patient in patients:
                evaluated = rng.random() >= NOT_EVALUATED
                out.writerow([patient, gene, "yes" if evaluated else "no", "synthetic"])
    row_values = {"kind": "gene_mutation", "match": ".", "evaluable_by": "dna_panel"}
    with open(rows, "w", newline="") as handle:  # the rows file of `lenall cohort`, checked below
        handle.write("\t".join(ROW_COLUMNS) + "\n")
        for gene in genes:
            values = {"row": gene, "display": gene, "genes": gene, **row_values}
            handle.write("\t".join(values[c] for c in ROW_COLUMNS) + "\n")
    assert [r.row for r in load_rows(rows)] == genes
    with open(matrix, "w", newline="") as handle:
        out = csv.writer(handle, delimiter="\t", lineterminator="\n")
        out.writerow(["gene"] + patients)
        for gene in genes:
            out.writerow([gene] + [PYONCOPRINT_NAMES.get(cells.get((gene, p), ""), "")
                                   for p in patients])
    return maf, evaluability, rows, matrix


def run_measured(python: str, body: str, args: list[str]) -> tuple[float, float]:
    """Whole-process wall time (s) and peak RSS (MB) of `python -c body args`."""
    start = time.perf_counter()
    done = subprocess.run([python, "-c", MEASURE.format(body=body), *args],
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    kb = next(int(line.split()[1]) for line in done.stderr.splitlines()
              if line.startswith("MAXRSS_KB"))
    return elapsed, kb / 1024


def lenall_draw(maf, evaluability, rows, outdir: Path, formats: str):
    return run_measured(sys.executable, LENALL_BODY, [
        "oncoprint", "--maf", str(maf), "--evaluability", str(evaluability), "--rows",
        str(rows), "--outdir", str(outdir), "--formats", formats])


def pyoncoprint_python() -> str | None:
    python = PYONCOPRINT_VENV / "bin" / "python"
    if python.exists():
        check = subprocess.run([str(python), "-c", "import pyoncoprint"], capture_output=True)
        if check.returncode == 0:
            return str(python)
    try:
        print(f"creating {PYONCOPRINT_VENV} and installing pyoncoprint ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(PYONCOPRINT_VENV)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "pyoncoprint"],
                       check=True, timeout=900)
        return str(python)
    except (OSError, subprocess.SubprocessError) as error:
        print(f"SKIP PyOncoPrint comparison: could not install pyoncoprint ({error})")
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 patients only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lenall-bench-") as tmp:
        folder = Path(tmp)
        print("== scale: N patients x 50 rows, PNG + SVG (whole process)")
        results = {}
        for n in (1000,) if args.quick else (1000, 10000):
            maf, evaluability, rows, _ = synthetic(n, 50, folder)
            for fmt in ("png", "svg"):
                seconds, mb = lenall_draw(maf, evaluability, rows, folder / f"out{n}", fmt)
                size = (folder / f"out{n}" / f"oncoprint.{fmt}").stat().st_size / 1e6
                results[n, fmt] = (seconds, mb)
                print(f"{n:>6} patients {fmt}: {seconds:6.2f} s  peak {mb:7.1f} MB  "
                      f"file {size:6.2f} MB")
        if not args.quick:
            for fmt in ("png", "svg"):
                (t1, m1), (t10, m10) = results[1000, fmt], results[10000, fmt]
                verdict = "ok" if t10 / t1 <= 10 and m10 / m1 <= 10 else "miss"
                print(f"growth 1k -> 10k ({fmt}): time x{t10 / t1:.2f}, memory x{m10 / m1:.2f} "
                      f"(target <= x10): {verdict}")

        sizes = ((1000, 30),) if args.quick else ((10000, 50), (1000, 30))
        for n_patients, n_rows in sizes:
            if not versus_pyoncoprint(folder, n_patients, n_rows):
                return


def versus_pyoncoprint(folder: Path, n_patients: int, n_rows: int) -> bool:
    """Print lenall / PyOncoPrint on one matrix (PNG, 300 dpi, whole process); False: skipped."""
    print(f"== versus PyOncoPrint: {n_patients:,} patients x {n_rows} rows, PNG 300 dpi "
          "(whole process)")
    maf, evaluability, rows, matrix = synthetic(n_patients, n_rows, folder)
    ours, ours_mb = lenall_draw(maf, evaluability, rows, folder / "ours", "png")
    print(f"lenall:      {ours:6.2f} s  peak {ours_mb:7.1f} MB")
    python = pyoncoprint_python()
    if python is None:
        return False
    try:
        theirs, theirs_mb = run_measured(python, PYONCOPRINT_BODY,
                                         [str(matrix), str(folder / "theirs.png")])
    except RuntimeError as error:
        print(f"SKIP PyOncoPrint comparison: PyOncoPrint failed: {error}")
        return False
    print(f"PyOncoPrint: {theirs:6.2f} s  peak {theirs_mb:7.1f} MB")
    ratio = ours / theirs
    print(f"ratio lenall / PyOncoPrint at {n_patients:,} x {n_rows} = {ratio:.2f} "
          f"(target <= {TARGET_RATIO}): {'ok' if ratio <= TARGET_RATIO else 'miss'}")
    return True


if __name__ == "__main__":
    main()
