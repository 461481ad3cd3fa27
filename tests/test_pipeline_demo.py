"""End to end: the demo cohort through `lenall run`, as `make demo` does.

One module-scoped run serves every test here: it first runs the cohort without its last sample,
then adds that sample (only its steps and the cohort steps may run), then runs again (nothing
may run).
"""

from __future__ import annotations

import csv
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lenall_genomics.runner import build_tasks
from lenall_genomics.samplesheet import load_samplesheet
from lenall_genomics.steps import RunContext

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
FIGURE1 = {  # docs/figure1.md: altered/evaluable per Figure 1 row
    "TP53": (9, 19), "TET2": (5, 19), "RB1": (5, 17), "CDKN2A/B": (2, 17),
    "CREBBP": (2, 17), "KRAS": (1, 19), "IKZF2": (1, 17), "CRLF2 fusion": (2, 14),
    "Low hypodiploid": (8, 26), "KMT2A rearrangement": (2, 26), "BCR::ABL1": (1, 32),
}


def lenall(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lenall_genomics.cli", *args],
                          capture_output=True, text=True, cwd=REPO)


def _summary_counts(stderr: str) -> dict[str, int]:
    line = next(x for x in stderr.splitlines() if x.startswith("lenall run:"))
    return {word: int(n) for n, word in re.findall(r"(\d+) (ran|cached|skipped|failed)", line)}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("demo")
    data, results = base / "data", base / "results"
    made = lenall("demo", "--outdir", str(data))
    assert made.returncode == 0, made.stderr
    sheet = data / "samplesheet.csv"
    rows = list(csv.DictReader(sheet.open()))
    added = next(r for r in reversed(rows) if r["diagnosis"] in ("B-ALL", "BALLLP"))
    partial = data / "samplesheet_without_one.csv"
    with partial.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(r for r in rows if r is not added)

    first = lenall("run", "--samplesheet", str(partial), "--outdir", str(results),
                   "--cores", "2", "--quiet")
    second = lenall("run", "--samplesheet", str(sheet), "--outdir", str(results),
                    "--cores", "2", "--quiet")
    third = lenall("run", "--samplesheet", str(sheet), "--outdir", str(results), "--quiet")
    return {"data": data, "results": results, "sheet": sheet, "added": added["sample"],
            "runs": (first, second, third)}


def _frequencies(results: Path) -> dict[str, tuple[int, int]]:
    rows = csv.DictReader((x for x in (results / "cohort" / "frequencies.tsv").open()
                           if not x.startswith("#")), delimiter="\t")
    return {r["row"]: (int(r["altered"]), int(r["evaluable"])) for r in rows}


def test_every_run_succeeds(demo_run):
    for run in demo_run["runs"]:
        assert run.returncode == 0, run.stderr[-3000:]


def test_figure1_counts_come_out_exactly(demo_run):
    frequencies = _frequencies(demo_run["results"])
    for row, expected in FIGURE1.items():
        assert frequencies.get(row) == expected, (row, frequencies.get(row))
    ikzf = {k: v for k, v in frequencies.items() if k.startswith("IKZF1") or k == "IKZF3"}
    assert ikzf and all(v == (0, 17) for v in ikzf.values()), ikzf


def test_adding_a_sample_reruns_only_its_steps_and_the_cohort(demo_run):
    counts = _summary_counts(demo_run["runs"][1].stderr)
    ctx = RunContext(samplesheet=demo_run["sheet"], samples=load_samplesheet(demo_run["sheet"]),
                     outdir=demo_run["results"])
    tasks = build_tasks(ctx)
    own = [t for t in tasks if t.sample == demo_run["added"]]
    cohort = [t for t in tasks if t.sample is None]
    assert counts["ran"] == len(own) + len(cohort)
    assert counts["failed"] == 0 and counts["skipped"] == 0


def test_second_identical_run_executes_nothing(demo_run):
    counts = _summary_counts(demo_run["runs"][2].stderr)
    assert counts["ran"] == 0 and counts["cached"] > 0


def test_outputs_are_the_declared_files(demo_run):
    ctx = RunContext(samplesheet=demo_run["sheet"], samples=load_samplesheet(demo_run["sheet"]),
                     outdir=demo_run["results"])
    declared = {p for t in build_tasks(ctx) for p in t.outputs}
    for sample_dir in (demo_run["results"] / "samples").iterdir():
        written = {p for p in sample_dir.iterdir() if not p.name.startswith(".")}
        assert written == {p for p in declared if p.parent == sample_dir}, sample_dir.name
    cohort_files = {p.name for p in declared if p.parent == ctx.cohort_dir}
    folders = {"clonality", "cbioportal"}  # per-patient figures; the study (meta_study.txt)
    # hidden records of cached parts (report fragments) are not outputs
    assert {p.name for p in ctx.cohort_dir.iterdir()
            if not p.name.startswith(".")} == cohort_files | folders
    assert all(p.stat().st_size > 0 for p in declared if p.suffix in (".png", ".svg", ".html"))


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_rerun_is_byte_identical(demo_run):
    """Outputs removed and made again in place come back byte for byte."""
    results = demo_run["results"]
    before = {**_digest(results / "cohort"), **_digest(results / "samples")}
    shutil.rmtree(results / "cohort")
    shutil.rmtree(results / "pipeline_info")
    for sample_dir in sorted((results / "samples").iterdir())[:3]:
        shutil.rmtree(sample_dir)
    again = lenall("run", "--samplesheet", str(demo_run["sheet"]), "--outdir", str(results),
                   "--cores", "2", "--quiet")
    assert again.returncode == 0, again.stderr[-3000:]
    after = {**_digest(results / "cohort"), **_digest(results / "samples")}
    assert after == before
