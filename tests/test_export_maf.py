"""cohort.maf: every sample's somatic calls in standard MAF columns, read back unchanged."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pandas as pd
import pytest

import report_fixture as fixture
from lenall_genomics.cli import main
from lenall_genomics.export.run import export_cohort_maf
from lenall_genomics.model import Sample
from lenall_genomics.readers.maf import MAF_COLUMNS, read_maf


@pytest.fixture
def cohort(tmp_path: Path) -> dict[str, Path]:
    return fixture.write_cohort(tmp_path)


def _expected(results: Path, samples: dict[str, str]) -> pd.DataFrame:
    """The per-sample MAFs as read by the pipeline's reader, barcodes set to the sample ids."""
    frames = []
    for sample, path in samples.items():
        frame = read_maf(results / path)
        frame["Tumor_Sample_Barcode"] = sample
        frames.append(frame)
    return pd.concat(frames, ignore_index=True).fillna("")


def test_cohort_maf_round_trips_through_the_maf_reader(cohort, tmp_path) -> None:
    summary = export_cohort_maf(fixture.samples(tmp_path), cohort["results"], cohort["cohort"])
    back = read_maf(cohort["cohort"] / "cohort.maf")
    expected = _expected(cohort["results"], {"T01": "T01/T01.maf", "T02": "T02/T02.maf"})
    key = ["Tumor_Sample_Barcode", "Start_Position"]
    pd.testing.assert_frame_equal(
        back.sort_values(key).reset_index(drop=True),
        expected[list(back.columns)].sort_values(key).reset_index(drop=True))
    assert summary.rows == 4
    assert summary.barcodes_set_to_sample == {"TUMOR": "T02"}
    assert summary.samples_without_maf == ["M01"]  # has a VCF but no MAF: reported, not hidden


def test_cohort_maf_has_standard_columns_first_and_keeps_extras(cohort, tmp_path) -> None:
    export_cohort_maf(fixture.samples(tmp_path), cohort["results"], cohort["cohort"])
    lines = (cohort["cohort"] / "cohort.maf").read_text().splitlines()
    assert lines[0] == "#version 2.4"
    header = lines[1].split("\t")
    assert tuple(header[: len(MAF_COLUMNS)]) == MAF_COLUMNS
    assert header[len(MAF_COLUMNS):] == ["all_effects"]
    barcodes = [line.split("\t")[header.index("Tumor_Sample_Barcode")] for line in lines[2:]]
    assert barcodes == ["T01", "T01", "T02", "T02"]  # sorted by sample, then position
    starts = [int(line.split("\t")[header.index("Start_Position")]) for line in lines[2:4]]
    assert starts == sorted(starts, key=lambda s: {25245350: 12, 7675088: 17}[s])


def test_rerun_is_byte_identical(cohort, tmp_path) -> None:
    samples = fixture.samples(tmp_path)
    export_cohort_maf(samples, cohort["results"], cohort["cohort"])
    first = (cohort["cohort"] / "cohort.maf").read_bytes()
    export_cohort_maf(samples, cohort["results"], cohort["cohort"])
    assert (cohort["cohort"] / "cohort.maf").read_bytes() == first


def test_germline_rows_are_counted_not_kept(tmp_path) -> None:
    from lenall_genomics.readers.maf import write_maf

    results = tmp_path / "samples"
    write_maf(results / "S1" / "S1.maf", [
        fixture.maf_row("S1", "TP53", "17", 7675088, "C", "T", "p.Arg175His", "p.R175H"),
        fixture.maf_row("S1", "TET2", "4", 105243047, "C", "T", "p.X", "p.X",
                        Mutation_Status="Germline")])
    summary = export_cohort_maf([Sample("P1", "S1", "B-ALL")], results, tmp_path / "out")
    assert summary.rows == 1
    assert summary.skipped == {"Mutation_Status Germline": 1}


def test_export_maf_command_writes_cohort_maf(cohort, tmp_path) -> None:
    sheet = fixture.samplesheet(tmp_path)
    main(["export", "maf", "--samplesheet", str(sheet), "--results", str(cohort["results"]),
          "--outdir", str(cohort["cohort"]), "--genome", "GRCh38"])
    assert len(read_maf(cohort["cohort"] / "cohort.maf")) == 4


def test_real_vcf2maf_output_round_trips(real_examples, tmp_path) -> None:
    source = real_examples / "maf" / "vcf2maf" / "test_b38_output.maf"
    original = read_maf(source)
    barcode = original["Tumor_Sample_Barcode"].iloc[0]
    results = tmp_path / "samples"
    (results / barcode).mkdir(parents=True)
    shutil.copy(source, results / barcode / f"{barcode}.maf")
    summary = export_cohort_maf([Sample("P1", barcode, "B-ALL")], results, tmp_path / "out")
    back = read_maf(tmp_path / "out" / "cohort.maf")
    assert summary.rows == len(original)
    key = list(back.columns)
    left = back.sort_values(["Start_Position", "Chromosome"]).reset_index(drop=True)
    right = original.reindex(columns=key).fillna("")
    right = right.sort_values(["Start_Position", "Chromosome"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right)


def test_real_maftools_maf_with_many_samples(real_examples, tmp_path) -> None:
    with gzip.open(real_examples / "maf" / "maftools" / "tcga_laml.maf.gz", "rt") as handle:
        text = handle.read()
    whole = tmp_path / "laml.maf"
    whole.write_text(text)
    frame = read_maf(whole)
    samples = sorted(set(frame["Tumor_Sample_Barcode"]))[:3]
    results = tmp_path / "samples"
    for sample in samples:
        folder = results / sample
        folder.mkdir(parents=True)
        frame[frame["Tumor_Sample_Barcode"] == sample].to_csv(
            folder / f"{sample}.maf", sep="\t", index=False)
    summary = export_cohort_maf([Sample(s, s, "B-ALL") for s in samples], results, tmp_path / "o")
    back = read_maf(tmp_path / "o" / "cohort.maf")
    assert summary.rows == len(back) == int(frame["Tumor_Sample_Barcode"].isin(samples).sum())
    assert sorted(set(back["Tumor_Sample_Barcode"])) == samples
