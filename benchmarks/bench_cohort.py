"""Benchmark of the cohort steps on one hypermutated tumour-only sample.

Builds a results folder for one B-ALL sample whose per-sample files hold about 3 rows per somatic
call (variants.tsv) and `--somatic` somatic rows (variants.tsv and <sample>.maf), then times each
cohort step (`lenall cohort`, `oncoprint`, `clonality`, `export all`, `report`) and a floor in
the same run: pandas reading the same variants.tsv and MAF once, plus one group-by per output
table. Prints the steps' total against the floor (target <= 4x) and the peak RSS of every step
(target <= 500 MB, and not growing with the row count: `--small` and `--large`, ten times the
judged size, are measured too).

The per-sample files are the variants step's own output on a generated Mutect2 + VEP VCF
(benchmarks/bench_variants.py), tiled: each row is repeated at the next positions, somatic rows
more often, so the files have the real columns and value forms at any size in a few seconds.
Each measurement runs in its own process (resource.getrusage reports its peak).

Last, the whole `lenall run` (variants step and every cohort step) on a generated VCF of
`--vcf-records` records (target <= 40 s on the 2-core development machine; 0 skips it).

    python benchmarks/bench_cohort.py [--somatic 333000] [--small 33300] [--large 3330000]
                                      [--vcf-records 1000000]
                                      [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_variants import generate  # noqa: E402

SAMPLE = "BENCH-T"
PATIENT = "BP1"
SEED_RECORDS = 100_000
NON_SOMATIC_PER_SOMATIC = 2  # variants.tsv holds ~3 rows per somatic row (the 1M / 333k)
STEP_TARGET = 4.0
RSS_TARGET_MB = 500
WHOLE_RUN_TARGET_S = 40
STEPS = ("cohort", "oncoprint", "clonality", "export", "report")

CHILD = r"""
import json, resource, sys, time
start = time.perf_counter()
mode, *args = sys.argv[1:]
if mode == "floor":
    import pandas as pd
    variants_tsv, maf = args
    v = pd.read_csv(variants_tsv, sep="\t", dtype=str, keep_default_na=False, comment=None)
    m = pd.read_csv(maf, sep="\t", dtype=str, keep_default_na=False, skiprows=1)
    somatic = v[v["status"] == "somatic"]
    tables = [somatic.groupby("gene").size(),                        # alterations.tsv
              v.groupby("status").size(),                            # report: per-sample counts
              somatic.groupby("chrom").size(),                       # clonality: somatic sites
              m.groupby("Tumor_Sample_Barcode").size(),              # cohort.maf
              m.groupby("Hugo_Symbol").size()]                       # data_mutations.txt
    rows = len(v) + len(m)
else:
    from lenall_genomics.cli import cli
    cli.main(args, prog_name="lenall", standalone_mode=False)
    rows = 0
print(json.dumps({"seconds": time.perf_counter() - start, "rows": rows,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def seed_results(folder: Path) -> Path:
    """The variants step's output on a generated VCF: the rows to tile."""
    vcf = folder / "seed.vcf.gz"
    generate(vcf, SEED_RECORDS)
    out = folder / "seed"
    subprocess.run([sys.executable, "-m", "lenall_genomics.cli", "variants", "--sample", SAMPLE,
                    "--vcf", str(vcf), "--outdir", str(out), "--purity", "0.7"],
                   check=True, capture_output=True)
    vcf.unlink()
    return out


def _data_lines(path: Path) -> tuple[list[str], list[str]]:
    with open(path, encoding="utf-8") as handle:
        lines = handle.readlines()
    head = 1 + next(i for i, line in enumerate(lines) if not line.startswith("#"))
    return lines[:head], lines[head:]


def _shifted(line: str, column: int, offset: int, end_column: int | None = None) -> str:
    if not offset:
        return line
    fields = line.split("\t")
    fields[column] = str(int(fields[column]) + offset)
    if end_column is not None and fields[end_column].isdigit():
        fields[end_column] = str(int(fields[end_column]) + offset)
    return "\t".join(fields)


def tile(seed: Path, results: Path, somatic: int) -> dict[str, int]:
    """<results>/<sample>/ with about `somatic` somatic rows, each seed row repeated at the next
    positions (somatic rows `copies` times, others fewer), same columns, same order."""
    head, body = _data_lines(seed / f"{SAMPLE}.variants.tsv")
    status = head[-1].rstrip("\n").split("\t").index("status")
    seed_somatic = sum(1 for line in body if line.split("\t")[status] == "somatic")
    copies = max(1, round(somatic / seed_somatic))
    others = max(1, round(copies * NON_SOMATIC_PER_SOMATIC * seed_somatic
                          / max(len(body) - seed_somatic, 1)))
    sample_dir = results / SAMPLE
    sample_dir.mkdir(parents=True)
    counts = {"variants_rows": 0, "maf_rows": 0}
    with open(sample_dir / f"{SAMPLE}.variants.tsv", "w", encoding="utf-8") as out:
        out.writelines(head)
        for line in body:
            n = copies if line.split("\t")[status] == "somatic" else others
            out.writelines(_shifted(line, 1, k) for k in range(n))
            counts["variants_rows"] += n
    head, body = _data_lines(seed / f"{SAMPLE}.maf")
    columns = head[-1].rstrip("\n").split("\t")
    start, end = columns.index("Start_Position"), columns.index("End_Position")
    with open(sample_dir / f"{SAMPLE}.maf", "w", encoding="utf-8") as out:
        out.writelines(head)
        for line in body:
            out.writelines(_shifted(line, start, k, end) for k in range(copies))
            counts["maf_rows"] += copies
    shutil.copy(seed / f"{SAMPLE}.variants.qc.json", sample_dir)
    return counts


def write_samplesheet(path: Path) -> None:
    path.write_text("patient,sample,diagnosis,timepoint,sex,dna_panel,vcf,purity\n"
                    f"{PATIENT},{SAMPLE},B-ALL,diagnosis,female,MSK-IMPACT-Heme,"
                    f"{SAMPLE}.vcf.gz,0.7\n", encoding="utf-8")


def step_arguments(step: str, samplesheet: Path, results: Path, cohort: Path) -> list[str]:
    common = ["--samplesheet", str(samplesheet), "--results", str(results), "--outdir",
              str(cohort), "--genome", "GRCh38"]
    if step == "oncoprint":
        return ["oncoprint", "--cohort-dir", str(cohort), "--samplesheet", str(samplesheet),
                "--outdir", str(cohort)]
    if step == "export":
        return ["export", "all", *common]
    return [step, *common]


def measure(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(args[:2])} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_size(folder: Path, seed: Path, somatic: int, judged: bool) -> dict:
    results, cohort = folder / "samples", folder / "cohort"
    started = time.perf_counter()
    counts = tile(seed, results, somatic)
    samplesheet = folder / "samplesheet.csv"
    write_samplesheet(samplesheet)
    print(f"built {counts['maf_rows']:,} somatic rows ({counts['variants_rows']:,} variants.tsv "
          f"rows) in {time.perf_counter() - started:.1f} s", flush=True)
    sample_dir = results / SAMPLE
    floor = measure("floor", str(sample_dir / f"{SAMPLE}.variants.tsv"),
                    str(sample_dir / f"{SAMPLE}.maf"))
    steps = {step: measure("lenall", *step_arguments(step, samplesheet, results, cohort))
             for step in STEPS}
    total = sum(s["seconds"] for s in steps.values())
    peak = max(s["peak_rss_mb"] for s in steps.values())
    for step, m in steps.items():
        print(f"  {step:<10} {m['seconds']:7.2f} s  peak RSS {m['peak_rss_mb']:6.0f} MB  "
              f"({m['seconds'] / floor['seconds']:.2f} x floor)", flush=True)
    ratio = total / floor["seconds"]
    print(f"  floor      {floor['seconds']:7.2f} s  peak RSS {floor['peak_rss_mb']:6.0f} MB  "
          f"(pandas read of variants.tsv + MAF, 5 group-bys)")
    verdict = (f"(target <= {STEP_TARGET:g}) {'ok' if ratio <= STEP_TARGET else 'miss'}"
               if judged else "(the time ratio is judged at --somatic; this size is for memory)")
    print(f"{counts['maf_rows']:>9,} somatic rows | cohort steps {total:.2f} s | ratio "
          f"{ratio:.2f} {verdict} | largest step peak RSS {peak:.0f} MB (target <= "
          f"{RSS_TARGET_MB}) {'ok' if peak <= RSS_TARGET_MB else 'miss'}", flush=True)
    return {"rows": counts["maf_rows"], "peaks": {s: m["peak_rss_mb"] for s, m in steps.items()}}


def whole_run(folder: Path, records: int) -> None:
    folder.mkdir(parents=True)
    vcf = folder / f"{SAMPLE}.vcf.gz"
    started = time.perf_counter()
    generate(vcf, records)
    print(f"generated {records:,} records in {time.perf_counter() - started:.1f} s", flush=True)
    sheet = folder / "samplesheet.csv"
    write_samplesheet(sheet)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "lenall_genomics.cli", "run", "--samplesheet",
                    str(sheet), "--outdir", str(folder / "out"), "--cores", "2", "--quiet"],
                   check=True)
    seconds = time.perf_counter() - started
    rows = sum(1 for _ in open(folder / "out" / "cohort" / "cohort.maf", encoding="utf-8")) - 2
    print(f"lenall run on {records:,} records ({rows:,} somatic rows): {seconds:.1f} s (target "
          f"<= {WHOLE_RUN_TARGET_S} s) {'ok' if seconds <= WHOLE_RUN_TARGET_S else 'miss'}",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--somatic", type=int, default=333_000)
    parser.add_argument("--small", type=int, default=33_300,
                        help="also measure this size, to compare peak memory (0: skip)")
    parser.add_argument("--large", type=int, default=3_330_000,
                        help="also measure this size, to compare peak memory (0: skip)")
    parser.add_argument("--vcf-records", type=int, default=1_000_000,
                        help="records of the VCF for the whole `lenall run` (0: skip)")
    parser.add_argument("--keep", type=Path, help="copy the largest results folder here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_cohort.") as tmp:
        tmp_path = Path(tmp)
        seed = seed_results(tmp_path)
        sizes = [n for n in (args.small, args.somatic, args.large) if n]
        measured = []
        for n in sizes:
            folder = tmp_path / f"rows_{n}"
            measured.append(run_size(folder, seed, n, judged=n == args.somatic))
            if args.keep and n == args.somatic:
                shutil.copytree(folder, args.keep, dirs_exist_ok=True)
            shutil.rmtree(folder)
        if len(measured) >= 2:
            small, large = measured[0], measured[-1]
            growth = {s: large["peaks"][s] - small["peaks"][s] for s in STEPS}
            worst = max(growth, key=growth.get)
            grows = growth[worst] > 0.1 * small["peaks"][worst] + 20
            print(f"peak RSS growth {small['rows']:,} -> {large['rows']:,} rows: largest "
                  f"{growth[worst]:+.0f} MB ({worst}); flat: {'miss' if grows else 'ok'}")
        if args.vcf_records:
            whole_run(tmp_path / "whole", args.vcf_records)


if __name__ == "__main__":
    main()
