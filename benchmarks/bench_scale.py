"""Benchmark of `lenall run` on a wide cohort: many samples with few calls each.

Generates `--samples` tumour samples (default 10,000) with `--calls` somatic calls each (50) in
per-sample MAFs, plus CNVkit segments for the first `--segments` of them (2,000); one patient in
ten has a myeloma and a later B-ALL sample (clonality pairs). Then runs `lenall run --cores 2`
twice and prints, from the run's trace (pipeline_info/trace.tsv):

- runner overhead per task: (wall - sum of task times / cores) / tasks (target <= 50 ms);
- the cohort steps' total time (target <= 60 s);
- the second, identical run's wall time, every task cached (target <= 5 s).

The targets are for the full size; `--samples 2000 --segments 400` (a few minutes less) prints
the same figures without judging them.

`--steps DIR` runs the cohort steps again, one at a time, against a folder kept with `--keep`
(the report without its cached fragments), and prints each one's wall and CPU time and peak
memory: the quick way to measure a change to one step.

    python benchmarks/bench_scale.py [--samples 10000] [--calls 50] [--segments 2000]
                                     [--keep DIR]
    python benchmarks/bench_scale.py --steps DIR [--repeat 1]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OVERHEAD_TARGET_MS = 50
COHORT_TARGET_S = 60
CACHED_TARGET_S = 5
FULL_SAMPLES = 10_000
CORES = 2
COHORT_STEPS = ("cohort", "oncoprint", "clonality", "export", "report")

MAF_HEADER = ("Hugo_Symbol", "Chromosome", "Start_Position", "End_Position", "Strand",
              "Variant_Classification", "Variant_Type", "Reference_Allele", "Tumor_Seq_Allele1",
              "Tumor_Seq_Allele2", "Tumor_Sample_Barcode", "HGVSc", "HGVSp", "HGVSp_Short",
              "Transcript_ID", "t_depth", "t_ref_count", "t_alt_count", "Consequence", "IMPACT",
              "FILTER")
BASES = "ACGT"
AMINO = ("Ala", "Arg", "Asn", "Asp", "Cys", "Gln", "Glu", "Gly", "His", "Ile", "Leu", "Lys",
         "Met", "Phe", "Pro", "Ser", "Thr", "Trp", "Tyr", "Val")
ONE = "ARNDCQEGHILKMFPSTWYV"


def _assets() -> tuple[list[tuple[str, str, int, int]], list[tuple[str, int]]]:
    from lenall_genomics.assets import asset

    def rows(name: str) -> list[dict[str, str]]:
        with open(asset(name), encoding="utf-8") as handle:
            return list(csv.DictReader((line for line in handle if not line.startswith("#")),
                                       delimiter="\t"))

    genes = [(r["gene"], r["chrom"], int(r["start"]), int(r["end"]))
             for r in rows("genes_GRCh38.tsv") if r["gene"] != "IGH"]
    chroms = [(r["chrom"], int(r["length"])) for r in rows("chromosomes_GRCh38.tsv")]
    return genes, chroms


def _maf(path: Path, sample: str, calls: int, genes, rng: random.Random) -> None:
    lines = ["#version 2.4", "\t".join(MAF_HEADER)]
    picked = sorted((rng.choice(genes) for _ in range(calls)), key=lambda g: (g[1], g[2]))
    for gene, chrom, start, end in picked:
        pos = rng.randint(start, end)
        ref = rng.choice(BASES)
        alt = rng.choice([b for b in BASES if b != ref])
        codon = rng.randint(1, 600)
        a, b = rng.sample(range(20), 2)
        depth = rng.randint(80, 600)
        alt_count = max(8, int(depth * rng.uniform(0.1, 0.5)))
        lines.append("\t".join((
            gene, chrom, str(pos), str(pos), "+", "Missense_Mutation", "SNP", ref, ref, alt,
            sample, f"c.{codon * 3}{ref}>{alt}", f"p.{AMINO[a]}{codon}{AMINO[b]}",
            f"p.{ONE[a]}{codon}{ONE[b]}", "ENST00000000001", str(depth),
            str(depth - alt_count), str(alt_count), "missense_variant", "MODERATE", "PASS")))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _cns(path: Path, chroms, rng: random.Random) -> None:
    lines = ["chromosome\tstart\tend\tgene\tlog2\tcn\tdepth\tprobes\tweight"]
    for chrom, length in chroms:
        if chrom == "Y":
            continue
        middle = length // 2
        for start, end in ((1, middle), (middle + 1, length)):
            loss = rng.random() < 0.05
            log2, cn = ("-1", "1") if loss else ("0", "2")
            lines.append(f"chr{chrom}\t{start}\t{end}\t-\t{log2}\t{cn}\t500\t100\t90")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def generate(folder: Path, samples: int, calls: int, segments: int) -> Path:
    """Per-sample MAFs and segments and their samplesheet; returns the samplesheet."""
    genes, chroms = _assets()
    rng = random.Random(15)
    (folder / "maf").mkdir(parents=True)
    (folder / "cn").mkdir()
    rows = []
    patient = 0
    while len(rows) < samples:
        patient += 1
        pid = f"S{patient:05d}"
        kinds = ("MM", "B-ALL") if patient % 10 == 0 and len(rows) + 1 < samples else ("B-ALL",)
        for kind in kinds:
            sample = f"{pid}_{'MM' if kind == 'MM' else 'BALL'}"
            maf = folder / "maf" / f"{sample}.maf"
            _maf(maf, sample, calls, genes, rng)
            row = {"patient": pid, "sample": sample, "diagnosis": kind, "sex": "female",
                   "maf": f"maf/{sample}.maf", "segments": "", "purity": "0.8"}
            if len(rows) < segments:
                cns = folder / "cn" / f"{sample}.cns"
                _cns(cns, chroms, rng)
                row["segments"] = f"cn/{sample}.cns"
            rows.append(row)
    sheet = folder / "samplesheet.csv"
    with open(sheet, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return sheet


def run(sheet: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "lenall_genomics.cli", "run", "--samplesheet",
                    str(sheet), "--outdir", str(out), "--cores", str(CORES), "--quiet"],
                   check=True, capture_output=True)
    return time.perf_counter() - started


STEP_ARGUMENTS = {"cohort": ["cohort"], "export": ["export", "all"], "report": ["report"]}


def rerun_steps(folder: Path, repeat: int) -> None:
    """Each of cohort, export all and report (cold) run alone on a kept folder."""
    sheet, out = folder / "data" / "samplesheet.csv", folder / "results"
    common = ["--samplesheet", str(sheet), "--results", str(out / "samples"), "--outdir",
              str(out / "cohort"), "--genome", "GRCh38"]
    for _ in range(repeat):
        for step, words in STEP_ARGUMENTS.items():
            if step == "report":
                shutil.rmtree(out / "cohort" / ".report-fragments", ignore_errors=True)
            started = time.perf_counter()
            child = subprocess.Popen([sys.executable, "-m", "lenall_genomics.cli", *words,
                                      *common], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
            _pid, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - started
            if os.waitstatus_to_exitcode(status):
                raise SystemExit(f"{step} failed")
            print(f"{step}: {wall:.2f} s wall, {usage.ru_utime + usage.ru_stime:.2f} s CPU, "
                  f"peak RSS {usage.ru_maxrss / 1024:.0f} MB", flush=True)


def trace(out: Path) -> list[dict[str, str]]:
    with open(out / "pipeline_info" / "trace.tsv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def verdict(value: float, target: float, judged: bool) -> str:
    if not judged:
        return "(not judged below full size)"
    return "ok" if value <= target else "miss"


def cohort_arguments(description: str) -> argparse.ArgumentParser:
    """The options that size the generated cohort (shared with bench_clonality.py)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--samples", type=int, default=FULL_SAMPLES)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--segments", type=int, default=2_000)
    parser.add_argument("--keep", type=Path, help="keep the data and results in this folder")
    return parser


def main() -> None:
    parser = cohort_arguments(__doc__.splitlines()[0])
    parser.add_argument("--steps", type=Path,
                        help="run the cohort steps again on a folder kept with --keep")
    parser.add_argument("--repeat", type=int, default=1, help="with --steps: runs of each")
    args = parser.parse_args()
    if args.steps:
        rerun_steps(args.steps, args.repeat)
        return
    judged = args.samples >= FULL_SAMPLES
    tmp = Path(tempfile.mkdtemp(prefix="bench_scale."))
    try:
        started = time.perf_counter()
        sheet = generate(tmp / "data", args.samples, args.calls, args.segments)
        print(f"{args.samples} samples x {args.calls} calls, segments for {args.segments}: "
              f"generated in {time.perf_counter() - started:.1f} s")
        out = tmp / "results"
        wall = run(sheet, out)
        tasks = trace(out)
        ran = [t for t in tasks if t["state"] == "ran"]
        busy = sum(float(t["seconds"]) for t in ran)
        overhead_ms = max(0.0, wall - busy / CORES) / len(ran) * 1000
        cohort = sum(float(t["seconds"]) for t in ran if t["task"] in COHORT_STEPS)
        per_step = ", ".join(f"{t['task']} {float(t['seconds']):.1f} s" for t in ran
                             if t["task"] in COHORT_STEPS)
        cached = run(sheet, out)
        again = trace(out)
        print(f"first run: {wall:.1f} s wall, {len(ran)} tasks, {busy:.1f} s in tasks")
        print(f"runner overhead per task {overhead_ms:.1f} ms (target <= {OVERHEAD_TARGET_MS}) "
              f"{verdict(overhead_ms, OVERHEAD_TARGET_MS, judged)}")
        print(f"cohort steps {cohort:.1f} s (target <= {COHORT_TARGET_S}) "
              f"{verdict(cohort, COHORT_TARGET_S, judged)}: {per_step}")
        all_cached = all(t["state"] == "cached" for t in again)
        print(f"second identical run {cached:.2f} s (target <= {CACHED_TARGET_S}) "
              f"{verdict(cached, CACHED_TARGET_S, judged)}"
              f"{'' if all_cached else ' (NOT all cached)'}")
    finally:
        if args.keep:
            if args.keep.exists():
                shutil.rmtree(args.keep)
            shutil.move(str(tmp), args.keep)
        else:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
