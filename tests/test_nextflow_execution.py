"""Each process's script and stub run as a Nextflow task would, chained for the demo cohort.

A task folder starts empty and gets copies of the declared inputs only, under their staged names;
the script runs with `bash -euo pipefail` from that folder, with another HOME, while the original
files (and every other task folder) are renamed out of reach. A process that reads a file it does
not declare fails here. The chain follows main.nf's channels, and the published files are
compared with `lenall run`'s on the same cohort.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lenall_genomics.model import SAMPLESHEET_FILE_COLUMNS
from nextflow_tasks import GMap, Task, evaluate, execute, read_module, stage_task, task_env

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
MODULES = {m.name: m for m in map(read_module, sorted((REPO / "modules" / "local").glob("*.nf")))}
MAIN = (REPO / "main.nf").read_text()
PARAMS = {"genome": "GRCh38"}
LENALL_BIN = Path(sys.executable).parent
TUMOURS = ("MM", "B-ALL", "BALLLP")
# main.nf: the per-sample channels and the files they take from a samplesheet row
PER_SAMPLE = {"VARIANTS": ("vcf", "maf"), "FUSIONS": ("fusions",), "COPYNUMBER": ("segments",),
              "CLONOTYPES": ("clonotypes",)}
NO_REFERENCES = {"gtf": [], "fasta": [], "fasta_index": [], "population_vcf": [],
                 "population_index": [], "pon": [], "pon_index": []}


def _sample_meta(row: dict[str, str]) -> dict:
    """main.nf's sampleMeta(row), evaluated from its own text."""
    body = re.search(r"def sampleMeta\(Map row\) \{\s*\[(.*?)\]\s*\}", MAIN, re.S).group(1)
    scope = {"row": GMap({k: v for k, v in row.items() if v})}
    return {name: evaluate(expr, scope)
            for name, expr in re.findall(r"^\s*(\w+)\s*:\s*(.+?),?\s*$", body, re.M)}


def _per_sample_columns() -> list[str]:
    return re.findall(r"'(\w+)'", re.search(r"def PER_SAMPLE_COLUMNS = \[(.*?)\]", MAIN).group(1))


def _schema_file_columns() -> set[str]:
    schema = json.loads((REPO / "assets" / "schema_input.json").read_text())
    return {n for n, s in schema["items"]["properties"].items() if s.get("format") == "file-path"}


def cohort_samplesheet(sheet: Path, out: Path) -> tuple[Path, list[Path]]:
    """What main.nf's cohortSamplesheet makes: file cells renamed to inputs/<name>, and the files
    staged there (all but those a per-sample process reads)."""
    panels = {p.stem for p in (REPO / "assets" / "panels").glob("*.tsv")}
    file_columns, per_sample = _schema_file_columns(), _per_sample_columns()
    with sheet.open(newline="") as handle:
        lines = [x for x in csv.reader(handle) if any(c.strip() for c in x)]
    header, staged, rows = lines[0], {}, []
    for cells in lines[1:]:
        row = []
        for name, value in zip(header, (c.strip() for c in cells), strict=False):
            if not value or name not in file_columns or value in panels:
                row.append(value)
                continue
            path = (sheet.parent / value).resolve()
            assert path.exists(), path
            if name not in per_sample:
                staged[f"inputs/{path.name}"] = path
            row.append(f"inputs/{path.name}")
        rows.append(row)
    out.mkdir(parents=True)
    copy = out / sheet.name
    with copy.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *rows])
    return copy, list(staged.values())


def check_task(task: Task) -> None:
    result = task.result
    assert result.returncode == 0, (task.module.name, task.script, result.stderr[-3000:])
    for output in task.module.outputs:
        assert output.optional or task.outputs[output.emit], (
            f"{task.module.name}: nothing matches declared output {output.pattern}")
    versions = yaml.safe_load((task.folder / "versions.yml").read_text())
    assert set(versions) == {task.module.name}
    assert versions[task.module.name]["lenall"], versions


class Work:
    """Task folders under work/, run in batches with everything else out of reach."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.root = base / "work"
        self.sandbox = base / "sandbox"
        self.root.mkdir()
        self.sandbox.mkdir()
        (base / "home").mkdir()
        self.env = task_env(base / "home", LENALL_BIN)
        self.count = 0

    def stage(self, name: str, values: dict, **kwargs) -> Task:
        self.count += 1
        return stage_task(MODULES[name], values, self.root / f"{self.count:03d}_{name}",
                          params=PARAMS, **kwargs)

    def run(self, tasks: list[Task], *hide: Path) -> list[Task]:
        execute(tasks, env=self.env, hide=[self.root, *hide], sandbox=self.sandbox)
        for task in tasks:
            check_task(task)
        return tasks


def _emitted(tasks: list[Task], *emits: str) -> list[Path]:
    return [f for task in tasks for emit in emits for f in task.outputs[emit]]


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    base = tmp_path_factory.mktemp("nextflow")
    work = Work(base)
    demo = work.run([work.stage("DEMO", {})])[0]
    origin = base / "origin"  # the demo input, as a user's files outside every task
    shutil.copytree(demo.outputs["folder"][0], origin)
    sheet = origin / "samplesheet.csv"
    with sheet.open() as handle:
        rows = [r for r in csv.DictReader(handle) if r["diagnosis"] in TUMOURS]

    per_sample = {name: [] for name in (*PER_SAMPLE, "PLOIDY")}
    for name, columns in PER_SAMPLE.items():
        for row in rows:
            column = next((c for c in columns if row.get(c)), None)
            if column is None:
                continue
            input_name = MODULES[name].inputs[0][1].name
            values = {"meta": _sample_meta(row), input_name: origin / row[column]}
            if name == "VARIANTS":
                values.update(NO_REFERENCES)
            per_sample[name].append(work.stage(name, values))
    work.run([t for name in PER_SAMPLE for t in per_sample[name]], origin)
    per_sample["PLOIDY"] = work.run([work.stage("PLOIDY", {"meta": t.scope["meta"],
                                                            "segments": t.outputs["segments"]})
                                     for t in per_sample["COPYNUMBER"]], origin)
    results = (_emitted(per_sample["VARIANTS"], "tsv", "maf", "qc")
               + _emitted(per_sample["FUSIONS"], "tsv", "qc")
               + _emitted(per_sample["COPYNUMBER"], "segments", "events", "qc")
               + _emitted(per_sample["PLOIDY"], "json", "plots")
               + _emitted(per_sample["CLONOTYPES"], "tsv", "qc"))

    staged_sheet, sheet_files = cohort_samplesheet(sheet, base / "staged_samplesheet")
    common = {"samplesheet": staged_sheet, "sheet_files": sheet_files}
    cohort = work.run([work.stage("COHORT", {**common, "results": results, "rows": [],
                                                 "findings": []})],
                      origin)[0]
    tables = _emitted([cohort], "alterations", "evaluability", "frequencies", "ploidy",
                      "subtypes")
    oncoprint, clonality, export = work.run([
        work.stage("ONCOPRINT", {**common, "cohort_tables": tables, "rows": []}),
        work.stage("CLONALITY", {**common, "results": results, "previous_figures": []}),
        work.stage("EXPORT", {**common, "results": results, "cohort_tables": tables}),
    ], origin)
    cohort_files = (tables + _emitted([cohort], "qc") + _emitted([oncoprint], "plots")
                    + _emitted([clonality], "tsv", "evidence", "qc", "plots")
                    + _emitted([export], "maf"))
    report = work.run([work.stage("REPORT", {**common, "results": results,
                                             "cohort_files": cohort_files})], origin)[0]

    published = base / "published"  # conf/modules.config: publishDir, versions.yml left out
    for tasks in per_sample.values():
        for task in tasks:
            _publish(task, published / "samples" / task.scope["meta"]["sample"])
    for task in (cohort, oncoprint, clonality, export, report):
        _publish(task, published / "cohort")
    return {"base": base, "origin": origin, "sheet": sheet, "published": published,
            "work": work, "results": results, "common": common, "tables": tables,
            "per_sample": per_sample}


def _publish(task: Task, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for files in task.outputs.values():
        for file in files:
            if file.name == "versions.yml":
                continue
            destination = target / file.relative_to(task.folder)
            if file.is_dir():
                shutil.copytree(file, destination, dirs_exist_ok=True)
            else:
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(file, destination)


def test_every_module_ran_in_the_chain(chain):
    ran = {p.parent.name.split("_", 1)[1] for p in chain["work"].root.glob("*/.command.sh")}
    assert ran == set(MODULES)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)}


@pytest.fixture(scope="module")
def runner_output(chain):
    out = chain["base"] / "runner"
    ran = subprocess.run([sys.executable, "-m", "lenall_genomics.cli", "run", "--samplesheet",
                          str(chain["sheet"]), "--outdir", str(out), "--cores", "2", "--quiet"],
                         capture_output=True, text=True, timeout=600)
    assert ran.returncode == 0, ran.stderr[-3000:]
    return out


def test_published_files_are_lenall_runs(chain, runner_output):
    """Same names, same bytes; only the recorded input path differs (a task knows its input by
    its staged name, `lenall run` by the path the samplesheet gives)."""
    published = _tree(chain["published"])
    expected = {k: v for k, v in _tree(runner_output).items()
                if not k.startswith("pipeline_info/")}
    assert sorted(published) == sorted(expected)
    folders = re.compile(re.escape(str(chain["origin"]).encode()) + rb"/(?:[^/\s\"<]+/)*")
    # the report names its folders: the task's are "." and "results"
    renamed = {str(runner_output / "cohort").encode(): b".",
               str(runner_output / "samples").encode(): b"results"}

    def as_task_sees_it(text: bytes) -> bytes:
        text = folders.sub(b"", text)
        for runner_name, task_name in renamed.items():
            text = text.replace(runner_name, task_name)
        return text

    # the report lays its parameters table out by the length of the values (the folders), so
    # that section is compared by its values only
    parameters = re.compile(rb'<section id="parameters">.*?</section>', re.S)
    report = "cohort/report.html"
    published_parameters = parameters.search(published[report]).group(0)
    assert b">.</td>" in published_parameters and b">results</td>" in published_parameters
    published[report] = parameters.sub(b"", published[report])
    expected[report] = parameters.sub(b"", expected[report])
    differ = sorted(k for k in expected if published[k] != as_task_sees_it(expected[k]))
    assert not differ, differ
    assert any(folders.search(v) for v in expected.values())  # the case this test is about


# --- stub blocks -------------------------------------------------------------------------------

def _stub_values(module, folder: Path) -> dict:
    folder.mkdir()
    values = {}
    for declared in (one for channel in module.inputs for one in channel):
        if declared.kind == "val":
            values[declared.name] = {"sample": "P01_BALL", "patient": "01", "calls": "vcf",
                                     "sex": "female", "purity": "0.8"}
            continue
        file = folder / f"{declared.name}.txt"
        file.write_text("x\n")
        tuple_input = any(declared in c and len(c) > 1 for c in module.inputs)
        values[declared.name] = file if tuple_input else [file]
    return values


@pytest.mark.parametrize("name", sorted(MODULES))
def test_stub_makes_every_declared_output(name, tmp_path):
    work = Work(tmp_path)
    values = _stub_values(MODULES[name], tmp_path / "inputs")
    work.run([work.stage(name, values, stub=True)], tmp_path / "inputs")


# --- files named by params and by the samplesheet ------------------------------------------------

def _sites_vcf(source: Path, target: Path, info: str) -> Path:
    """A bgzipped, tabix-indexed sites VCF with the first somatic-looking records of `source`."""
    import gzip

    import pysam

    with gzip.open(source, "rt") as handle:
        lines = handle.read().splitlines()
    contigs = [x for x in lines if x.startswith("##contig")]
    records = [x.split("\t")[:5] for x in lines if x and not x.startswith("#")][:12]
    plain = target.with_suffix("")  # x.vcf
    plain.write_text("\n".join([
        "##fileformat=VCFv4.2", *contigs,
        '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO",
        *("\t".join([*r, ".", "PASS", info]) for r in records)]) + "\n")
    pysam.tabix_index(str(plain), preset="vcf", force=True)  # writes x.vcf.gz and x.vcf.gz.tbi
    return target


def _same_as_direct_run(task: Task, direct: Path, *folders: Path) -> None:
    """The task's outputs equal the command's run on the original paths (paths aside)."""
    for files in task.outputs.values():
        for file in files:
            if file.name == "versions.yml":
                continue
            expected = (direct / file.name).read_bytes()
            for folder in folders:
                expected = re.sub(re.escape(str(folder).encode()) + rb"/", b"", expected)
            assert file.read_bytes() == expected.replace(str(direct).encode(), b"."), file.name


def _lenall(*args: str) -> None:
    ran = subprocess.run([sys.executable, "-m", "lenall_genomics.cli", *args],
                         capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr[-2000:]


def test_variants_reads_the_references_it_declares(chain, tmp_path):
    refs = tmp_path / "refs"
    refs.mkdir()
    with chain["sheet"].open() as handle:
        row = next(r for r in csv.DictReader(handle) if r["vcf"] and r["normal"])
    calls = chain["origin"] / row["vcf"]
    gnomad = _sites_vcf(calls, refs / "gnomad.vcf.gz", "AF=0.2")
    pon = _sites_vcf(calls, refs / "pon.vcf.gz", ".")
    work = Work(tmp_path)
    task = work.run([work.stage("VARIANTS", {
        **NO_REFERENCES, "meta": _sample_meta(row), "calls": calls,
        "population_vcf": gnomad, "population_index": refs / "gnomad.vcf.gz.tbi",
        "pon": pon, "pon_index": refs / "pon.vcf.gz.tbi"})], chain["origin"], refs)[0]
    assert "--population-vcf gnomad.vcf.gz" in task.script and "--pon pon.vcf.gz" in task.script
    direct = tmp_path / "direct"
    meta = _sample_meta(row)
    _lenall("variants", "--sample", meta["sample"], "--outdir", str(direct), "--vcf", str(calls),
            "--normal-sample", meta["normal"], "--purity", meta["purity"],
            "--population-vcf", str(gnomad), "--pon", str(pon))
    qc = json.loads((direct / f"{meta['sample']}.variants.qc.json").read_text())
    assert "germline" in json.dumps(qc)  # the references changed some calls
    _same_as_direct_run(task, direct, calls.parent, refs)


def test_cohort_reads_panel_files_and_rows_file_it_is_given(chain, tmp_path):
    """A samplesheet naming a panel gene list, and a rows file param: both staged, same tables
    as `lenall cohort` on the original files."""
    user = tmp_path / "user"
    (user / "panels").mkdir(parents=True)
    genes = (REPO / "assets" / "panels" / "MSK-IMPACT-Heme.tsv").read_text().splitlines()
    gene_list = [x.split("\t")[0] for x in genes if x and not x.startswith(("#", "gene\t"))]
    (user / "panels" / "custom_panel.txt").write_text(
        "\n".join(g for g in gene_list if g != "TP53") + "\n")
    with chain["sheet"].open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for column in SAMPLESHEET_FILE_COLUMNS:
            if row.get(column):
                row[column] = str(chain["origin"] / row[column])
        if row["patient"] in ("01", "02"):
            row["dna_panel"] = "panels/custom_panel.txt"
    sheet = user / "samplesheet.csv"
    with sheet.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    figure_rows = (REPO / "assets" / "figure1" / "rows.tsv").read_text().splitlines()
    rows_file = user / "rows.tsv"
    rows_file.write_text("\n".join(x for x in figure_rows if "KRAS" not in x) + "\n")

    staged_sheet, sheet_files = cohort_samplesheet(sheet, tmp_path / "staged")
    assert "custom_panel.txt" in [f.name for f in sheet_files]
    work = Work(tmp_path)
    task = work.run([work.stage("COHORT", {"samplesheet": staged_sheet,
                                           "sheet_files": sheet_files,
                                           "results": chain["results"], "rows": rows_file,
                                           "findings": []})],
                    chain["origin"], user, chain["work"].root)[0]
    direct = tmp_path / "direct"
    _lenall("cohort", "--samplesheet", str(sheet), "--results",
            str(chain["published"] / "samples"), "--outdir", str(direct), "--rows",
            str(rows_file))
    frequencies = (direct / "frequencies.tsv").read_text()
    assert "KRAS" not in frequencies and "TP53" in frequencies
    # evaluability.tsv names the panel file by its full path: the task's copy or the original
    folder_of_panel = re.compile(rb"[^\t\n:]*/(?=custom_panel\.txt)")
    for name in ("alterations.tsv", "evaluability.tsv", "frequencies.tsv", "ploidy.tsv"):
        made, expected = ((folder / name).read_bytes() for folder in (task.folder, direct))
        assert folder_of_panel.sub(b"", made) == folder_of_panel.sub(b"", expected), name
    assert b"custom_panel.txt" in (direct / "evaluability.tsv").read_bytes()


def test_cohort_reads_the_findings_table_it_is_given(chain, tmp_path):
    """--findings (params.findings) is staged into the cohort task, which runs with only its
    staged inputs in reach, and gives the tables `lenall cohort --findings` gives."""
    user = tmp_path / "user"
    user.mkdir()
    findings = user / "clinical_findings.tsv"
    findings.write_text("patient\tsample\ttest\ttarget\tresult\tdetail\tdate\n"
                        "02\t\tFISH\tKMT2A\tpositive\tbreak-apart: 3' signal lost\t2019-03-02\n"
                        "03\t\tFISH\tRUNX1\tamplified\tnuc ish(RUNX1x6)[160/200]\t2019-04-01\n")
    work = Work(tmp_path)
    task = work.run([work.stage("COHORT", {**chain["common"], "results": chain["results"],
                                           "rows": [], "findings": findings})],
                    chain["origin"], user, chain["work"].root)[0]
    assert "--findings findings/clinical_findings.tsv" in task.script
    events = (task.folder / "cytogenetic_events.tsv").read_text()
    assert "break-apart: 3' signal lost" in events
    direct = tmp_path / "direct"
    _lenall("cohort", "--samplesheet", str(chain["sheet"]), "--results",
            str(chain["published"] / "samples"), "--outdir", str(direct), "--findings",
            str(findings))
    for name in ("alterations.tsv", "evaluability.tsv", "frequencies.tsv",
                 "cytogenetic_events.tsv", "subtypes.tsv"):
        made, expected = ((folder / name).read_bytes() for folder in (task.folder, direct))
        assert made.replace(b"findings/clinical_findings.tsv", str(findings).encode()) == \
            expected, name


# --- the clonality figures of the run before -----------------------------------------------------

def test_clonality_copies_the_figures_the_run_before_published(chain, tmp_path):
    """main.nf stages the published clonality/ folder (hidden records too) as previous/: a
    figure that still shows the same thing is copied, by content hash, not drawn again; one whose
    file changed there is drawn. The outputs are the first run's either way."""
    published = chain["published"] / "cohort" / "clonality"
    before = sorted(p for p in published.iterdir() if p.is_file())
    assert any(p.name.startswith(".") for p in before) and any(p.suffix == ".svg" for p in before)
    figures = [p for p in before if p.suffix == ".svg"]
    edited = tmp_path / "edited"  # a figure there no longer has its recorded bytes
    edited.mkdir()
    for file in before:
        shutil.copy2(file, edited / file.name)
    (edited / figures[0].name).write_text("<svg/>")
    work = Work(tmp_path)
    values = {**chain["common"], "results": chain["results"]}
    again, changed = work.run([work.stage("CLONALITY", {**values, "previous_figures": before}),
                               work.stage("CLONALITY", {**values, "previous_figures": sorted(
                                   edited.iterdir())})],
                              chain["origin"], chain["published"], edited)
    assert "--previous-figures previous" in again.script
    assert f"figures 0 drawn, {len(figures)} copied" in again.result.stderr
    assert f"figures 1 drawn, {len(figures) - 1} copied" in changed.result.stderr
    for task in (again, changed):
        made = task.folder / "clonality"
        assert {p.name: p.read_bytes() for p in made.iterdir()} == \
            {p.name: p.read_bytes() for p in before}
        for name in ("clonality.tsv", "clonality_evidence.tsv", "clonality.qc.json"):
            assert (task.folder / name).read_bytes() == \
                (chain["published"] / "cohort" / name).read_bytes()
