"""The HTML report as the cohort grows: render time, peak memory, page size and the time a
headless Chromium takes to the page's ready signal, at 200 (baseline), 2,000 and 10,000
one-sample patients.

Each patient has a variants.tsv of `--calls` rows (default 50) and a variants QC file, the cohort
tables have 13 oncoprint rows, a subtype per patient and some karyotype-only cells; one patient in
ten also has a compared myeloma / B-ALL pair: a clonality.tsv row, 86 clonality_evidence.tsv rows
(all 26 columns) and a 13 kB clonality/<patient>.svg (about 1,000 patients and 86,000 evidence
rows at 10,000, as `lenall run` gives at that size). The report is
rendered in a child process (cold: no cached fragments, then again with them), then opened in
headless Chromium (`/usr/bin/chromium`, Debian package `chromium`), which dumps the page once it
has loaded; the page sets `data-ready-ms` (milliseconds from navigation to the oncoprint drawn
and the tables set up) on <body>. Figures at 10,000 patients are judged:

- load (to the ready signal) <= 3 s;
- page size <= 40 MB (the clonality figures, 17 MB of it, are embedded up to 24 MB);
- render (cold) <= 12 s: the report's share of the 60 s the five cohort steps may take at
  10,000 samples x 50 calls;
- peak RSS of the render <= 500 MB;
- time and size grow no faster than the cohort (ratio to the baseline <= the cohort's ratio).

Run: .venv/bin/python benchmarks/bench_report.py [--calls 50] [--loads 3]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lenall_genomics.clonality import CLONALITY_COLUMNS, EVIDENCE_COLUMNS
from lenall_genomics.model import (
    ALTERATION_COLUMNS,
    EVALUABILITY_COLUMNS,
    FREQUENCY_COLUMNS,
    VARIANT_COLUMNS,
)
from lenall_genomics.writers import write_json, write_tsv

ROWS = ("TP53", "TET2", "RB1", "CDKN2A/B", "CREBBP", "KRAS", "IKZF1", "IKZF2", "IKZF3",
        "CRLF2 fusion", "low hypodiploid", "KMT2A", "BCR::ABL1")
GENES = ("TP53", "TET2", "RB1", "CDKN2A", "CREBBP", "KRAS", "IKZF1", "IKZF2", "IKZF3", "NRAS",
         "PAX5", "ETV6", "SETD2", "NF1", "PTPN11", "FLT3", "JAK2", "CRLF2", "EP300", "ATM")
SUBTYPES = ("Ph-like", "low hypodiploid", "KMT2A-rearranged", "other")
BASELINE = 200
SIZES = (2_000, 10_000)
LOAD_TARGET_S = 3.0
PAGE_TARGET_MB = 40
CLONALITY_EVERY = 10
EVIDENCE_ROWS = 86
RENDER_TARGET_S = 12.0
RSS_TARGET_MB = 500
CHROMIUM = ("chromium", "/usr/bin/chromium")


def cohort(folder: Path, patients: int, calls: int) -> list[dict[str, str]]:
    """Cohort tables and per-sample results; returns the samples (as plain fields)."""
    ids = [f"P{i:05d}" for i in range(patients)]
    cohort_dir, results = folder / "cohort", folder / "samples"
    write_tsv(cohort_dir / "alterations.tsv", ALTERATION_COLUMNS, (
        {"patient": p, "sample": f"{p}T", "row": row, "gene": row.split()[0],
         "alteration": "p.R175H" if j < 9 else row, "display_class": "missense" if j < 9
         else ("karyotype" if row == "low hypodiploid" else "fusion"),
         "source": "karyotype" if row == "low hypodiploid" else "dna", "detail": "vaf=0.4"}
        for i, p in enumerate(ids) for j, row in enumerate(ROWS) if (i + j) % 5 == 0))
    write_tsv(cohort_dir / "evaluability.tsv", EVALUABILITY_COLUMNS, (
        {"patient": p, "row": row, "evaluated": (i + j) % 7 != 0, "basis": "panel"}
        for i, p in enumerate(ids) for j, row in enumerate(ROWS)))
    write_tsv(cohort_dir / "frequencies.tsv", FREQUENCY_COLUMNS, (
        {"row": row, "altered": 1, "evaluable": 2, "percent": 50.0, "label": "1/2"}
        for row in ROWS))
    write_tsv(cohort_dir / "subtypes.tsv", ("patient", "subtype"), (
        {"patient": p, "subtype": SUBTYPES[i % len(SUBTYPES)]} for i, p in enumerate(ids)))
    for i, p in enumerate(ids):
        sample = f"{p}T"
        write_tsv(results / sample / f"{sample}.variants.tsv", VARIANT_COLUMNS, (
            _variant(GENES[(i + k) % len(GENES)], k, "somatic" if k % 3 else "germline")
            for k in range(calls)))
        write_json(results / sample / f"{sample}.variants.qc.json", {
            "sample": sample, "records_read": calls, "status_counts": {"somatic": calls - calls // 3},
            "thresholds": {"max_population_af": 0.01}})
    clonality(cohort_dir, ids[3::CLONALITY_EVERY])
    return [{"patient": p, "sample": f"{p}T", "diagnosis": "B-ALL"} for p in ids]


def clonality(cohort_dir: Path, patients: list[str]) -> None:
    """clonality.tsv, clonality_evidence.tsv and a figure per patient (about 13 kB of SVG)."""
    verdicts = ("related", "unrelated", "indeterminate")
    write_tsv(cohort_dir / "clonality.tsv", CLONALITY_COLUMNS, (
        {"patient": p, "earlier_sample": f"{p}M", "later_sample": f"{p}T", "identity": "same",
         "identity_sites": 40, "shared": i % 7, "private_earlier": 40, "private_later": 38,
         "lr_statistic": 1.5, "p_value": 0.2, "cn_breakpoints_shared": 0, "igh_shared": "no",
         "verdict": verdicts[i % 3],
         "evidence": f"rule R{i % 12}; shared mutations: {i % 7}; private: 40 in {p}M, 38 in {p}T"}
        for i, p in enumerate(patients)))
    write_tsv(cohort_dir / "clonality_evidence.tsv", EVIDENCE_COLUMNS, (
        {"patient": p, "earlier_sample": f"{p}M", "later_sample": f"{p}T",
         "kind": "mutation" if k else "verdict", "chrom": str(1 + k % 22), "pos": 1_000_000 + 997 * k + i,
         "ref": "C", "alt": "T", "gene": GENES[k % len(GENES)], "hgvsp": f"p.Gly{100 + k}Asp",
         "status": ("shared", "private_earlier", "private_later")[k % 3],
         "other_sample_reads": "no_record", "in_test": True, "earlier_call": "somatic",
         "earlier_depth": 400 + k, "earlier_alt_count": 150 + k % 50, "earlier_vaf": 0.4,
         "later_call": "absent", "later_depth": 500 + i % 90, "later_alt_count": k % 9,
         "later_vaf": round(k % 9 / 500, 4), "population_frequency": 0.001,
         "frequency_basis": "default", "ch_gene": False, "recurrent": False,
         "reason": "private: evidence against a common clone"}
        for i, p in enumerate(patients) for k in range(EVIDENCE_ROWS)))
    (cohort_dir / "clonality").mkdir(parents=True, exist_ok=True)
    bars = "".join(f'<rect x="{k}" y="{k % 20}" width="1" height="{20 - k % 20}" fill="#369"/>'
                   for k in range(220))
    for p in patients:
        (cohort_dir / "clonality" / f"{p}.svg").write_text(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="240" height="40"><title>{p}</title>'
            f"{bars}</svg>\n")


def _variant(gene: str, k: int, status: str) -> dict:
    return {"chrom": "17", "pos": 7_670_000 + k, "ref": "C", "alt": "T", "gene": gene,
            "transcript": "ENST00000269305", "hgvsc": f"c.{500 + k}G>A",
            "hgvsp": "p.Arg175His" if k == 1 else f"p.Gly{100 + k}Asp",
            "consequence": "missense_variant", "variant_classification": "Missense_Mutation",
            "t_depth": 200, "t_alt_count": 80, "t_vaf": 0.4, "n_depth": 100, "n_alt_count": 0,
            "n_vaf": 0.0, "population_af": None, "status": status,
            "reason": "." if status == "somatic" else "population_af", "hotspot": "false",
            "flags": None}


RENDER = """
import json, resource, sys, time
from pathlib import Path
from lenall_genomics.model import Sample
from lenall_genomics.report.render import render_report
folder = Path(sys.argv[1])
samples = [Sample(**s) for s in json.loads((folder / "samples.json").read_text())]
start = time.perf_counter()
out = render_report(folder / "cohort", folder / "samples", samples, "GRCh38")
seconds = time.perf_counter() - start
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
html = out.read_text(encoding="utf-8")
section = html[html.index('<section id="clonality">'):html.index('<section id="qc">')]
print(json.dumps({"seconds": seconds, "bytes": out.stat().st_size,
                  "clonality_bytes": len(section.encode("utf-8")),
                  "rss_mb": rss_mb}))
"""


def render(folder: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", RENDER, str(folder)], check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def chromium() -> str | None:
    return next((found for name in CHROMIUM if (found := shutil.which(name))), None)


def load(browser: str, page: Path, profile: Path) -> float:
    """Seconds from navigation to the page's ready signal (its own `data-ready-ms`)."""
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1400,1000",
         "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=300, check=False)
    body = re.search(r"<body[^>]*>", done.stdout)
    ready = re.search(r'data-ready-ms="(\d+)"', body.group(0)) if body else None
    if ready is None:
        raise SystemExit(f"the page gave no ready signal: {done.stderr[-1000:]}")
    return int(ready.group(1)) / 1000


def verdict(ok: bool) -> str:
    return "ok" if ok else "miss"


def measure(patients: int, calls: int, browser: str | None, loads: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        samples = cohort(folder, patients, calls)
        (folder / "samples.json").write_text(json.dumps(samples))
        made = time.perf_counter() - started
        cold = render(folder)
        warm = render(folder)
        times = [load(browser, folder / "cohort" / "report.html", folder / f"profile{i}")
                 for i in range(loads)] if browser else []
        return {"made": made, "cold": cold, "warm": warm,
                "load": statistics.median(times) if times else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--loads", type=int, default=3, help="browser loads per size (median)")
    args = parser.parse_args()
    browser = chromium()
    if browser is None:
        print("headless Chromium is not installed (scripts/ensure-chromium.sh): no load times")
    base = measure(BASELINE, args.calls, browser, args.loads)
    print(f"baseline {BASELINE} patients: render {base['cold']['seconds']:.2f} s cold, "
          f"{base['warm']['seconds']:.2f} s cached, {base['cold']['bytes'] / 1e6:.2f} MB"
          + (f", load {base['load']:.2f} s" if base["load"] is not None else ""))
    for patients in SIZES:
        found = measure(patients, args.calls, browser, args.loads)
        cold, warm, scale = found["cold"], found["warm"], patients / BASELINE
        judged = patients == SIZES[-1]
        time_ratio = cold["seconds"] / base["cold"]["seconds"]
        size_ratio = cold["bytes"] / base["cold"]["bytes"]
        print(f"{patients} patients x {args.calls} variants.tsv rows "
              f"(data made in {found['made']:.0f} s):")
        print(f"  render {cold['seconds']:.2f} s cold, {warm['seconds']:.2f} s cached"
              + (f" (target <= {RENDER_TARGET_S:.0f} s): "
                 f"{verdict(cold['seconds'] <= RENDER_TARGET_S)}" if judged else ""))
        print(f"  render time x{time_ratio:.1f} of the baseline (linear x{scale:.0f}): "
              f"{verdict(time_ratio <= scale)}")
        print(f"  page {cold['bytes'] / 1e6:.1f} MB, x{size_ratio:.1f} of the baseline "
              f"(linear x{scale:.0f}): {verdict(size_ratio <= scale)}"
              + (f"; target <= {PAGE_TARGET_MB} MB: "
                 f"{verdict(cold['bytes'] / 1e6 <= PAGE_TARGET_MB)}" if judged else ""))
        print(f"  of it the clonality section ({len(range(3, patients, CLONALITY_EVERY))} "
              f"patients, {EVIDENCE_ROWS} evidence rows and a figure each): "
              f"{cold['clonality_bytes'] / 1e6:.1f} MB")
        rss = max(cold["rss_mb"], warm["rss_mb"])
        print(f"  peak RSS {rss:.0f} MB" + (f" (target <= {RSS_TARGET_MB} MB): "
                                            f"{verdict(rss <= RSS_TARGET_MB)}" if judged else ""))
        if found["load"] is not None:
            print(f"  headless Chromium, navigation to ready: {found['load']:.2f} s "
                  f"(median of {args.loads}; target <= {LOAD_TARGET_S:.0f} s): "
                  f"{verdict(found['load'] <= LOAD_TARGET_S)}")


if __name__ == "__main__":
    main()
