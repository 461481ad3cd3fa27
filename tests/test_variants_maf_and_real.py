"""MAF input/output, and the readers run on real public caller outputs (skipped when absent)."""

from __future__ import annotations

import pytest

from lenall_genomics.errors import LenallInputError
from lenall_genomics.readers.maf import MAF_COLUMNS, read_maf
from lenall_genomics.readers.vcf import open_vcf
from lenall_genomics.variants.pipeline import maf_alleles, run_variants
from variants_helpers import DATA, outputs, read_rows


def test_maf_input_selects_the_sample_and_keeps_annotation(tmp_path):
    qc = run_variants("P05-T", tmp_path, maf=DATA / "vcf2maf_two_samples.maf")
    tsv, maf, _ = outputs(tmp_path, "P05-T")
    assert [r["gene"] for r in tsv] == ["CREBBP", "TP53"]  # chr16 before chr17; P06 left out
    assert qc["records_read"] == 2 and qc["normal_column"] == "P05-N"
    tp53 = next(r for r in maf if r["Hugo_Symbol"] == "TP53")
    assert (tp53["HGVSp_Short"], tp53["hotspot"], tp53["driver_class"]) == \
        ("p.R175H", "TP53 R175", "driver")


def test_maf_error_names_the_files_own_line_counting_comment_lines(tmp_path):
    lines = (DATA / "vcf2maf_two_samples.maf").read_text().splitlines(keepends=True)
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    columns = lines[header].rstrip("\n").split("\t")
    bad = lines[header + 2].rstrip("\n").split("\t")
    bad[columns.index("t_alt_count")] = "seven"
    lines[header + 2] = "\t".join(bad) + "\n"
    maf = tmp_path / "bad.maf"
    maf.write_text("#version 2.4\n#a second comment\n" + "".join(lines[header:]))
    with pytest.raises(LenallInputError) as caught:
        run_variants(bad[columns.index("Tumor_Sample_Barcode")], tmp_path / "o", maf=maf)
    assert (caught.value.line, caught.value.field) == (5, "t_alt_count")
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())


def test_maf_output_has_the_standard_columns_and_maf_alleles(tmp_path):
    run_variants("P01-T", tmp_path, vcf=DATA / "mutect2_paired_vep.vcf")
    lines = (tmp_path / "P01-T.maf").read_text().splitlines()
    assert lines[0] == "#version 2.4"
    header = lines[1].split("\t")
    assert tuple(header[: len(MAF_COLUMNS)]) == MAF_COLUMNS
    assert {"driver_class", "flags", "status"} <= set(header)
    assert maf_alleles(100, "A", "AT") == (100, 101, "-", "T", "INS")
    assert maf_alleles(100, "TTTC", "T") == (101, 103, "TTC", "-", "DEL")
    assert maf_alleles(100, "AC", "GT") == (100, 101, "AC", "GT", "DNP")


def test_written_maf_reads_back(tmp_path):
    run_variants("P01-T", tmp_path, vcf=DATA / "mutect2_paired_vep.vcf")
    frame = read_maf(tmp_path / "P01-T.maf", sample="P01-T")
    assert sorted(frame["Hugo_Symbol"]) == ["KRAS", "RB1", "RB1", "TP53"]


def test_real_vcf2maf_and_maftools_mafs(real_examples, tmp_path):
    out = read_maf(real_examples / "maf" / "vcf2maf" / "test_b38_output.maf")
    assert {"Hugo_Symbol", "HGVSp_Short", "t_alt_count"} <= set(out.columns)
    minimal = read_maf(real_examples / "maf" / "vcf2maf" / "minimalist_test_maf.tsv")
    assert len(minimal) > 0
    relapse = read_maf(real_examples / "maf" / "maftools" / "APL_relapse.maf.gz")  # '\r' lines
    assert len(relapse) > 10 and "End_Position" in relapse.columns
    laml = real_examples / "maf" / "maftools" / "tcga_laml.maf.gz"
    one = read_maf(laml, sample="TCGA-AB-2988")
    assert set(one["Tumor_Sample_Barcode"]) == {"TCGA-AB-2988"}
    qc = run_variants("TCGA-AB-2988", tmp_path / "laml", "GRCh37", maf=laml)
    assert qc["records_read"] == len(one) == len(read_rows(tmp_path / "laml" /
                                                             "TCGA-AB-2988.variants.tsv"))


def test_real_mutect2_vep(real_examples, tmp_path):
    path = real_examples / "vcf" / "camutqc_seqc2" / "WES_EA_T_1_mutect2.vep.vcf"
    qc = run_variants("WES_EA_T_1", tmp_path, vcf=path)
    assert (qc["caller"], qc["tumor_column"], qc["normal_column"]) == \
        ("mutect2", "WES_EA_T_1", "WES_EA_N_1")
    rows = read_rows(tmp_path / "WES_EA_T_1.variants.tsv")
    assert len(rows) == qc["alleles_considered"] > qc["records_read"]  # multi-allelic split
    assert qc["annotation"] == "vep_csq" and qc["unannotated"] == 0


def test_real_strelka2_indels_and_manta_breakends(real_examples, tmp_path):
    folder = real_examples / "vcf" / "strelka2_hcc1395_seqc2"
    _, layout = open_vcf(folder / "hcc1395_strelka2_somatic_indels.chr1.vcf.gz", "GRCh38")
    assert (layout.caller, layout.tumor_name, layout.normal_name, layout.count_method) == \
        ("strelka2", "TUMOR", "NORMAL", "strelka")
    with pytest.raises(LenallInputError, match="hcc1395bl-dna-illumina, hcc1395-dna-illumina"):
        run_variants("HCC1395", tmp_path, vcf=folder / "hcc1395_manta_somaticSV.vcf.gz")
    qc = run_variants("HCC1395", tmp_path, vcf=folder / "hcc1395_manta_somaticSV.vcf.gz",
                      tumor_sample="hcc1395-dna-illumina")
    assert qc["skipped"].get("breakend", 0) + qc["skipped"].get("symbolic", 0) > 0


def test_real_vardict_and_snpeff(real_examples, tmp_path):
    paired = real_examples / "vcf" / "vardict_1000g_chr20" / "vardict.paired.vcf.gz"
    qc = run_variants("abc", tmp_path / "v", vcf=paired, genome="GRCh37")
    assert (qc["caller"], qc["tumor_column"], qc["normal_column"]) == ("vardict", "abc",
                                                                        "abc-match")
    snpeff = real_examples / "vcf" / "vembrane_strelka2_snpeff" / \
        "UKEMel103a_strelka2_snpeff_ANN.hg38.vcf"
    run_variants("TUMOR", tmp_path / "s", vcf=snpeff)
    rows = read_rows(tmp_path / "s" / "TUMOR.variants.tsv")
    assert {r["gene"] for r in rows} >= {"CDH2"}
    assert all(r["t_depth"] not in (".", "0") for r in rows)


def test_real_vcf2maf_muse_column_order(real_examples, tmp_path):
    muse = real_examples / "vcf" / "vcf2maf_tcga" / "test_muse.vcf"
    _, layout = open_vcf(muse, "GRCh37")
    assert (layout.tumor_name, layout.normal_name) == ("TUMOR", "NORMAL")
    with pytest.raises(LenallInputError):
        open_vcf(muse, "GRCh38")  # GRCh37 contigs
