"""Benchmark of the `lenall clonality` step at about 1,000 pairs.

The cohort of `bench_scale.py` (10,000 samples x 50 MAF calls, segments for the first 2,000; one
patient in ten has a myeloma and a later B-ALL sample): its per-sample results are made by
`lenall run` on the patients with two samples only (the clonality step reads no table of a
patient with one tumour sample), then, each in its own process and in the same run:

- a floor: one plain read of every table the step compares (each paired sample's variants.tsv,
  segments.tsv and cn_events.tsv, split into fields);
- `lenall clonality --cores 2` into an empty folder (every figure drawn);
- the same again into that folder (every figure already there: the comparisons alone).

Prints each time, its ratio to the floor, and the first against the target (<= 15 s at the full
size; smaller sizes print the same figures without judging them).

    python benchmarks/bench_clonality.py [--samples 10000] [--calls 50] [--segments 2000]
                                         [--keep DIR] [--data DIR]

`--keep DIR` keeps the data and results; `--data DIR` reuses a folder kept before (only the
clonality runs are timed again).
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scale import FULL_SAMPLES, cohort_arguments, generate  # noqa: E402

TARGET_S = 15
CORES = 2

FLOOR = """
import sys
from pathlib import Path
rows = 0
for path in sorted(Path(sys.argv[1]).rglob("*")):
    if path.name.endswith((".variants.tsv", ".segments.tsv", ".cn_events.tsv")):
        with open(path, encoding="utf-8") as handle:
            rows += sum(1 for line in handle if line.split("\\t"))
print(rows)
"""


def paired_sheet(sheet: Path) -> tuple[Path, int]:
    """The samplesheet's patients with two or more samples; returns it and the pair count."""
    with open(sheet, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["patient"]] = counts.get(row["patient"], 0) + 1
    kept = [row for row in rows if counts[row["patient"]] > 1]
    pairs = sum(n * (n - 1) // 2 for n in counts.values() if n > 1)
    target = sheet.with_name("pairs.csv")
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
    return target, pairs


def timed(*command: str) -> float:
    started = time.perf_counter()
    subprocess.run(list(command), check=True, capture_output=True)
    return time.perf_counter() - started


def prepare(folder: Path, samples: int, calls: int, segments: int) -> tuple[Path, int]:
    started = time.perf_counter()
    sheet, pairs = paired_sheet(generate(folder / "data", samples, calls, segments))
    seconds = timed(sys.executable, "-m", "lenall_genomics.cli", "run", "--samplesheet",
                    str(sheet), "--outdir", str(folder / "results"), "--cores", str(CORES),
                    "--quiet")
    print(f"{samples} samples x {calls} calls, segments for {segments}: {pairs} pairs, "
          f"per-sample results made in {time.perf_counter() - started:.1f} s "
          f"(lenall run {seconds:.1f} s)")
    return sheet, pairs


def main() -> None:
    parser = cohort_arguments(__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="a folder kept by --keep: reuse its results")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_clonality."))
    try:
        if args.data:
            base = args.data
            sheet = base / "data" / "pairs.csv"
            sheet, pairs = paired_sheet(sheet)
        else:
            base = tmp
            sheet, pairs = prepare(tmp, args.samples, args.calls, args.segments)
        judged = pairs >= FULL_SAMPLES // 11  # one patient in ten of 10,000 samples
        samples = base / "results" / "samples"
        floor = timed(sys.executable, "-c", FLOOR, str(samples))
        out = tmp / "clonality"
        command = (sys.executable, "-m", "lenall_genomics.cli", "clonality", "--samplesheet",
                   str(sheet), "--results", str(samples), "--outdir", str(out), "--cores",
                   str(CORES))
        cold = timed(*command)
        warm = timed(*command)
        qc = json.loads((out / "clonality.qc.json").read_text(encoding="utf-8"))
        figures = len(list((out / "clonality").glob("*.svg")))
        verdict = ("ok" if cold <= TARGET_S else "miss") if judged else "(not judged below " \
                                                                           "full size)"
        print(f"{qc['pairs']} pairs, {figures} figures, verdicts {qc['verdicts']}")
        print(f"floor (plain read of the compared tables) {floor:.2f} s")
        print(f"clonality, figures drawn {cold:.2f} s = {cold / floor:.1f} x floor "
              f"(target <= {TARGET_S} s) {verdict}")
        print(f"clonality, figures kept {warm:.2f} s = {warm / floor:.1f} x floor")
    finally:
        if args.keep and not args.data:
            if args.keep.exists():
                shutil.rmtree(args.keep)
            shutil.copytree(tmp, args.keep, ignore=shutil.ignore_patterns("clonality*"))
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
