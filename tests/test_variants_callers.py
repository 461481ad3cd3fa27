"""Each caller's VCF shape: columns found, read counts per caller convention, alleles split."""

from __future__ import annotations

from lenall_genomics.model import VARIANT_COLUMNS, VARIANT_STATUSES
from lenall_genomics.variants.pipeline import run_variants
from variants_helpers import DATA, by_pos, outputs


def test_mutect2_paired_statuses_and_counts(tmp_path):
    qc = run_variants("P01-T", tmp_path, vcf=DATA / "mutect2_paired_vep.vcf",
                      normal_sample="P01-N")
    tsv, maf, _ = outputs(tmp_path, "P01-T")
    assert tuple(tsv[0].keys()) == VARIANT_COLUMNS
    assert all(r["status"] in VARIANT_STATUSES for r in tsv)
    rows = by_pos(tsv)
    assert rows[("115256530", "A")]["status"] == "filtered"
    assert rows[("115256530", "A")]["reason"] == "germline"  # the FILTER value
    tp53 = rows[("7675088", "T")]
    assert (tp53["status"], tp53["t_depth"], tp53["t_alt_count"], tp53["n_alt_count"]) == \
        ("somatic", "200", "110", "0")
    assert tp53["transcript"] == "ENST00000269305"  # the override, not the first CSQ entry
    assert rows[("7674000", "A")]["status"] == "artifact"  # INFO/PON
    assert rows[("7676154", "C")]["status"] == "germline"  # P72R, common, normal too shallow
    assert qc["caller"] == "mutect2"
    assert (qc["tumor_column"], qc["normal_column"]) == ("P01-T", "P01-N")
    assert qc["skipped"] == {"symbolic": 1}
    assert {r["Hugo_Symbol"] for r in maf} == {"KRAS", "RB1", "TP53"}
    assert all(r["status"] == "somatic" for r in maf)


def test_multiallelic_record_is_split_with_per_allele_counts(tmp_path):
    qc = run_variants("P01-T", tmp_path, vcf=DATA / "mutect2_paired_vep.vcf")
    rows = by_pos(outputs(tmp_path, "P01-T")[0])
    first, second = rows[("48380000", "AT")], rows[("48380000", "ATT")]
    assert (first["t_alt_count"], second["t_alt_count"]) == ("40", "2")
    assert first["variant_classification"] == "Frame_Shift_Ins"
    assert second["variant_classification"] == "In_Frame_Ins"  # CSQ matched by VEP allele 'TT'
    assert qc["multiallelic_records_split"] == 1


def test_tumor_normal_found_from_headers_without_normal_option(tmp_path):
    qc = run_variants("whatever", tmp_path, vcf=DATA / "mutect2_paired_vep.vcf")
    assert (qc["tumor_column"], qc["normal_column"]) == ("P01-T", "P01-N")


def test_strelka2_tier1_counts_for_snvs_and_indels(tmp_path):
    qc = run_variants("P02-T", tmp_path / "s", vcf=DATA / "strelka2_somatic_snvs.vcf",
                      normal_sample="P02-N")
    rows = by_pos(outputs(tmp_path / "s", "P02-T")[0])
    snv = rows[("7673802", "T")]
    assert (snv["t_depth"], snv["t_alt_count"], snv["n_alt_count"]) == ("89", "37", "0")
    assert rows[("7674220", "A")]["status"] == "filtered"
    assert qc["notes"]  # the samplesheet normal id is not a column: NORMAL was used, and said so
    run_variants("P02-T", tmp_path / "i", vcf=DATA / "strelka2_somatic_indels.vcf")
    indel = outputs(tmp_path / "i", "P02-T")[0][0]
    assert (indel["ref"], indel["alt"], indel["t_depth"], indel["t_alt_count"]) == \
        ("TTTC", "T", "75", "25")


def test_vardict_paired_takes_the_first_column_as_tumour(tmp_path):
    qc = run_variants("P03", tmp_path, vcf=DATA / "vardict_paired.vcf", genome="GRCh37")
    assert (qc["tumor_column"], qc["normal_column"]) == ("P03-T", "P03-N")
    rows = by_pos(outputs(tmp_path, "P03")[0])
    assert rows[("106180852", "T")]["status"] == "somatic"
    assert rows[("76660", "C")]["status"] == "germline"
    assert rows[("68384", "A")]["reason"] == "v3;f0.02"


def test_snpeff_ann_tumor_only_and_purity_germline_call(tmp_path):
    qc = run_variants("P04-T", tmp_path, vcf=DATA / "vardict_tumor_only_snpeff.vcf", purity=0.3)
    rows = by_pos(outputs(tmp_path, "P04-T")[0])
    tet2 = rows[("105243600", "T")]
    assert (tet2["gene"], tet2["variant_classification"], tet2["status"]) == \
        ("TET2", "Nonsense_Mutation", "somatic")
    # VAF 0.49 at purity 0.3: a heterozygous germline SNP (somatic would be <= 0.3)
    assert rows[("105190000", "G")]["status"] == "likely_germline"
    # TP53 at VAF 0.5 is germline-compatible too, but is kept and flagged for confirmation
    tp53 = rows[("7675994", "T")]
    assert tp53["status"] == "somatic"
    assert "germline_confirmation_recommended" in tp53["flags"]
    assert qc["paired"] is False and qc["annotation"] == "snpeff_ann"


def test_rows_are_sorted_and_rerun_is_byte_identical(tmp_path):
    run_variants("P01-T", tmp_path / "a", vcf=DATA / "mutect2_paired_vep.vcf")
    run_variants("P01-T", tmp_path / "b", vcf=DATA / "mutect2_paired_vep.vcf")
    for name in ("P01-T.variants.tsv", "P01-T.maf", "P01-T.variants.qc.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    rows = outputs(tmp_path / "a", "P01-T")[0]
    order = [(int(r["chrom"]), int(r["pos"])) for r in rows]
    assert order == sorted(order)


def test_unsorted_input_is_written_in_chromosome_order(tmp_path):
    lines = (DATA / "vardict_paired.vcf").read_text().splitlines()
    header = [line for line in lines if line.startswith("#")]
    body = [line for line in lines if not line.startswith("#")]
    shuffled = tmp_path / "shuffled.vcf"
    shuffled.write_text("\n".join(header + body[::-1]) + "\n")
    run_variants("P03", tmp_path / "o", vcf=shuffled, genome="GRCh37")
    rows = outputs(tmp_path / "o", "P03")[0]
    assert [(r["chrom"], r["pos"]) for r in rows] == \
        [("4", "106180852"), ("20", "68384"), ("20", "76660")]
