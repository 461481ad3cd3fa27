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


def _many_rows(barcode: str, count: int) -> list[dict]:
    """SNVs and deletions on two chromosomes; a deletion's MAF start is one past its VCF pos."""
    rows = []
    for i in range(count):
        chrom = "2" if i % 3 else "X"
        pos = 1000 + 7 * i
        if i % 5 == 0:
            rows.append(fixture.maf_row(barcode, f"G{i % 13}", chrom, pos + 1, "TT", "-",
                                        "p.X", "p.X", Variant_Type="DEL"))
        else:
            rows.append(fixture.maf_row(barcode, f"G{i % 13}", chrom, pos, "C", "A", "p.Y",
                                        "p.Y", t_depth=i))
    return rows


def test_rows_out_of_order_are_sorted_by_sample_then_position(tmp_path, monkeypatch) -> None:
    import random

    from lenall_genomics.export import maf as cohort_maf
    from lenall_genomics.readers.maf import write_maf

    rows = _many_rows("S1", 300)
    expected = tmp_path / "in_order"
    write_maf(expected / "samples" / "S1" / "S1.maf",
              sorted(rows, key=lambda r: ({"2": 2, "X": 23}[r["Chromosome"]],
                                          r["Start_Position"])))
    export_cohort_maf([Sample("P1", "S1", "B-ALL")], expected / "samples", expected / "out")
    # a few swapped neighbours (held back while streaming) and a shuffled file (merge sort)
    monkeypatch.setattr(cohort_maf, "ORDER_WINDOW", 4)
    monkeypatch.setattr(cohort_maf, "SORT_CHUNK", 50)
    swapped = list(rows)
    swapped[10], swapped[12] = swapped[12], swapped[10]
    shuffled = list(rows)
    random.Random(1).shuffle(shuffled)
    for name, order in (("swapped", swapped), ("shuffled", shuffled)):
        write_maf(tmp_path / name / "samples" / "S1" / "S1.maf", order)
        export_cohort_maf([Sample("P1", "S1", "B-ALL")], tmp_path / name / "samples",
                          tmp_path / name / "out")
        assert ((tmp_path / name / "out" / "cohort.maf").read_bytes()
                == (expected / "out" / "cohort.maf").read_bytes()), name


def test_a_maf_of_several_barcodes_gives_the_sample_its_own_rows(tmp_path) -> None:
    from lenall_genomics.readers.maf import write_maf

    rows = [dict(r, Tumor_Sample_Barcode=("S1" if i % 2 else "OTHER"))
            for i, r in enumerate(_many_rows("S1", 40))]
    write_maf(tmp_path / "samples" / "S1" / "S1.maf", rows)
    summary = export_cohort_maf([Sample("P1", "S1", "B-ALL")], tmp_path / "samples",
                                tmp_path / "out")
    back = read_maf(tmp_path / "out" / "cohort.maf")
    assert summary.rows == len(back) == 20
    assert set(back["Tumor_Sample_Barcode"]) == {"S1"}
    assert summary.barcodes_set_to_sample == {}


def test_export_all_writes_what_the_two_exports_write(cohort, tmp_path) -> None:
    sheet = fixture.samplesheet(tmp_path)
    args = ["--samplesheet", str(sheet), "--results", str(cohort["results"]), "--genome",
            "GRCh38"]
    main(["export", "all", *args, "--outdir", str(tmp_path / "all")])
    main(["export", "maf", *args, "--outdir", str(tmp_path / "one")])
    main(["export", "cbioportal", *args, "--outdir", str(tmp_path / "one")])
    names = sorted(p.relative_to(tmp_path / "all") for p in (tmp_path / "all").rglob("*"))
    assert names == sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*"))
    for name in names:
        if (tmp_path / "all" / name).is_file():
            assert ((tmp_path / "all" / name).read_bytes()
                    == (tmp_path / "one" / name).read_bytes()), name
