"""Incremental `lenall run`: after a full run, changing one patient's input re-runs that
patient's tasks and the cohort steps only, and inside the cohort steps only that patient's
parts (its clonality figure, its report fragment) are made again; a run with nothing changed
runs nothing and touches no output.

The cohort is made here: per-sample MAFs and CNVkit segments for four patients, two of whom
have a myeloma and a later B-ALL (two clonality pairs).
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

MAF_HEADER = ("Hugo_Symbol", "Chromosome", "Start_Position", "End_Position", "Strand",
              "Variant_Classification", "Variant_Type", "Reference_Allele", "Tumor_Seq_Allele1",
              "Tumor_Seq_Allele2", "Tumor_Sample_Barcode", "HGVSc", "HGVSp", "HGVSp_Short",
              "Transcript_ID", "t_depth", "t_ref_count", "t_alt_count", "Consequence", "IMPACT",
              "FILTER")
# gene, chrom, pos, ref, alt, protein change (GRCh38 coordinates inside each gene)
CALLS = (
    ("TP53", "17", 7675088, "C", "T", "p.Arg175His", "p.R175H"),
    ("KRAS", "12", 25245350, "C", "T", "p.Gly12Asp", "p.G12D"),
    ("TET2", "4", 105236800, "C", "T", "p.Arg1216Ter", "p.R1216*"),
    ("CREBBP", "16", 3739000, "G", "A", "p.Arg1446Cys", "p.R1446C"),
)
PATIENTS = {"A": ("MM", "B-ALL"), "B": ("MM", "B-ALL"), "C": ("B-ALL",), "D": ("B-ALL",)}
CHROMS = (("1", 248956422), ("5", 181538259), ("9", 138394717), ("17", 83257441))


def _maf_line(sample: str, call: tuple, alt_count: int, depth: int = 200) -> str:
    gene, chrom, pos, ref, alt, hgvsp, short = call
    return "\t".join((gene, chrom, str(pos), str(pos), "+", "Missense_Mutation", "SNP", ref, ref,
                      alt, sample, f"c.1{ref}>{alt}", hgvsp, short, "ENST00000000001",
                      str(depth), str(depth - alt_count), str(alt_count), "missense_variant",
                      "MODERATE", "PASS"))


def write_maf(path: Path, sample: str, calls: list[tuple], alt_count: int) -> None:
    lines = ["#version 2.4", "\t".join(MAF_HEADER)]
    lines += [_maf_line(sample, call, alt_count + 3 * i) for i, call in enumerate(calls)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_segments(path: Path, loss_on: str) -> None:
    lines = ["chromosome\tstart\tend\tgene\tlog2\tcn\tdepth\tprobes\tweight"]
    for chrom, length in CHROMS:
        log2, cn = ("-1", "1") if chrom == loss_on else ("0", "2")
        lines.append(f"chr{chrom}\t1\t{length}\t-\t{log2}\t{cn}\t500\t100\t90")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_cohort(folder: Path) -> Path:
    (folder / "maf").mkdir(parents=True)
    (folder / "cn").mkdir()
    rows = []
    for index, (patient, kinds) in enumerate(PATIENTS.items()):
        for kind in kinds:
            sample = f"{patient}_{'MM' if kind == 'MM' else 'BALL'}"
            calls = list(CALLS[index % 2: index % 2 + 3])
            write_maf(folder / "maf" / f"{sample}.maf", sample, calls, 40 + 10 * index)
            write_segments(folder / "cn" / f"{sample}.cns", CHROMS[index][0])
            rows.append({"patient": patient, "sample": sample, "diagnosis": kind,
                         "timepoint": "2010-01-01" if kind == "MM" else "2014-06-01",
                         "sex": "female", "maf": f"maf/{sample}.maf",
                         "segments": f"cn/{sample}.cns", "purity": "0.8"})
    sheet = folder / "samplesheet.csv"
    with open(sheet, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return sheet


def lenall_run(sheet: Path, out: Path, cores: int = 2) -> dict[str, str]:
    """Run the pipeline; return each task's state from pipeline_info/trace.tsv."""
    done = subprocess.run([sys.executable, "-m", "lenall_genomics.cli", "run", "--samplesheet",
                           str(sheet), "--outdir", str(out), "--cores", str(cores), "--quiet"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    with open(out / "pipeline_info" / "trace.tsv", encoding="utf-8") as handle:
        return {row["task"]: row["state"] for row in csv.DictReader(handle, delimiter="\t")}


def stamps(out: Path) -> dict[str, int]:
    """Modification time of every file the run wrote, its own records (pipeline_info) aside."""
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in sorted(out.rglob("*"))
            if p.is_file() and p.relative_to(out).parts[0] != "pipeline_info"}


def changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


COHORT_STEPS = {"cohort", "oncoprint", "clonality", "export", "report"}


@pytest.fixture(scope="module")
def cohort_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("incremental")
    sheet = make_cohort(base / "data")
    out = base / "results"
    first = lenall_run(sheet, out)
    return {"sheet": sheet, "out": out, "data": base / "data", "first": first,
            "stamps": stamps(out)}


def test_first_run_runs_every_task(cohort_run):
    assert set(cohort_run["first"].values()) == {"ran"}
    figures = {Path(p).name for p in cohort_run["stamps"] if "/clonality/" in p}
    assert {"A.svg", "B.svg"} <= figures


def test_changing_one_maf_reruns_only_that_sample_and_its_parts(cohort_run):
    out, data = cohort_run["out"], cohort_run["data"]
    before = stamps(out)
    # a deeper read of the later sample's calls: its VAFs (and so patient A's figure) change
    write_maf(data / "maf" / "A_BALL.maf", "A_BALL", list(CALLS[0:3]), 90)
    states = lenall_run(cohort_run["sheet"], out)

    ran = {task for task, state in states.items() if state == "ran"}
    assert ran == {"variants:A_BALL"} | COHORT_STEPS
    assert all(state == "cached" for task, state in states.items() if task not in ran)

    touched = changed(before, stamps(out))
    per_sample = {p for p in touched if p.startswith("samples/")}
    assert per_sample and all(p.startswith("samples/A_BALL/") for p in per_sample), per_sample
    figures = {p for p in touched if p.startswith("cohort/clonality/")}
    assert figures == {"cohort/clonality/A.svg", "cohort/clonality/.A.figure.json"}
    fragments = [p for p in touched if "/.report-fragments/" in p]
    assert len(fragments) == 1
    assert "A_BALL" in (out / fragments[0]).read_text(encoding="utf-8")


def test_changing_one_segments_file_leaves_the_other_samples_alone(cohort_run):
    out, data = cohort_run["out"], cohort_run["data"]
    before = stamps(out)
    write_segments(data / "cn" / "C_BALL.cns", loss_on="17")
    states = lenall_run(cohort_run["sheet"], out)

    ran = {task for task, state in states.items() if state == "ran"}
    assert ran == {"copynumber:C_BALL", "ploidy:C_BALL"} | COHORT_STEPS
    touched = changed(before, stamps(out))
    assert all(p.startswith(("samples/C_BALL/", "cohort/")) for p in touched), touched
    assert not {p for p in touched if p.startswith("cohort/clonality/")}  # C has one sample


def test_a_run_with_nothing_changed_runs_nothing_and_writes_nothing(cohort_run):
    out = cohort_run["out"]
    lenall_run(cohort_run["sheet"], out)  # settle whatever an earlier test changed
    before = stamps(out)
    states = lenall_run(cohort_run["sheet"], out)
    assert set(states.values()) == {"cached"}
    assert changed(before, stamps(out)) == set()


def test_another_cores_count_keeps_the_cache(cohort_run):
    out = cohort_run["out"]
    lenall_run(cohort_run["sheet"], out)
    before = stamps(out)
    states = lenall_run(cohort_run["sheet"], out, cores=1)
    assert set(states.values()) == {"cached"}
    assert changed(before, stamps(out)) == set()


def test_figures_drawn_by_several_processes_equal_those_drawn_by_one(cohort_run, tmp_path):
    out = cohort_run["out"]
    for cores in ("1", "2"):
        done = subprocess.run([sys.executable, "-m", "lenall_genomics.cli", "clonality",
                               "--samplesheet", str(cohort_run["sheet"]), "--results",
                               str(out / "samples"), "--outdir", str(tmp_path / cores),
                               "--cores", cores, "--png"], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-3000:]
    drawn = sorted(p.name for p in (tmp_path / "1" / "clonality").glob("*.*g"))
    assert drawn == ["A.png", "A.svg", "B.png", "B.svg"]
    for name in drawn:
        assert (tmp_path / "1" / "clonality" / name).read_bytes() == \
            (tmp_path / "2" / "clonality" / name).read_bytes(), name
        if name.endswith(".svg"):  # the run's (it draws no PNG)
            assert (tmp_path / "1" / "clonality" / name).read_bytes() == \
                (out / "cohort" / "clonality" / name).read_bytes(), name
