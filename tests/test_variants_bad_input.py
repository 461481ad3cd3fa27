"""Bad input: each a one-line error naming file, line and field, or a correct empty result."""

from __future__ import annotations

import json

import pysam
import pytest

from lenall_genomics.cli import main
from lenall_genomics.errors import LenallInputError
from lenall_genomics.model import VARIANT_COLUMNS
from lenall_genomics.variants.pipeline import run_variants
from variants_helpers import DATA, outputs

M2 = DATA / "mutect2_paired_vep.vcf"


def _header_only(tmp_path, name="empty.vcf"):
    text = "".join(line + "\n" for line in M2.read_text().splitlines() if line.startswith("#"))
    path = tmp_path / name
    path.write_text(text)
    return path


def test_truncated_bgzip_is_a_clear_error(tmp_path):
    packed = tmp_path / "calls.vcf.gz"
    pysam.tabix_compress(str(M2), str(packed))
    data = packed.read_bytes()
    cut = tmp_path / "cut.vcf.gz"
    cut.write_bytes(data[: len(data) - 40])
    with pytest.raises(LenallInputError, match="truncated"):
        run_variants("P01-T", tmp_path / "o", vcf=cut)
    assert not (tmp_path / "o" / "P01-T.variants.tsv").exists()


def test_bgzipped_input_reads_like_plain(tmp_path):
    packed = tmp_path / "calls.vcf.gz"
    pysam.tabix_compress(str(M2), str(packed))
    run_variants("P01-T", tmp_path / "gz", vcf=packed)
    run_variants("P01-T", tmp_path / "plain", vcf=M2)
    assert (tmp_path / "gz" / "P01-T.variants.tsv").read_bytes() == \
        (tmp_path / "plain" / "P01-T.variants.tsv").read_bytes()


def test_csq_field_missing_from_header_means_unannotated(tmp_path):
    text = "\n".join(line for line in M2.read_text().splitlines()
                     if not line.startswith("##INFO=<ID=CSQ")) + "\n"
    path = tmp_path / "no_csq_header.vcf"
    path.write_text(text)
    qc = run_variants("P01-T", tmp_path / "o", vcf=path)
    rows = outputs(tmp_path / "o", "P01-T")[0]
    assert {r["variant_classification"] for r in rows} == {"unannotated"}
    assert qc["unannotated"] == len(rows) and qc["annotation"] == "none"


def test_sample_not_in_vcf_lists_the_columns(tmp_path):
    with pytest.raises(LenallInputError) as error:
        run_variants("P01-T", tmp_path, vcf=M2, tumor_sample="P99-T")
    assert "P01-N, P01-T" in str(error.value)
    single = DATA / "vardict_tumor_only_snpeff.vcf"
    with pytest.raises(LenallInputError, match="normal sample 'P04-N'"):
        run_variants("P04-T", tmp_path, vcf=single, normal_sample="P04-N")


def test_contigs_of_the_other_build_are_refused(tmp_path):
    text = M2.read_text().replace("##contig=<ID=chr17,length=83257441>",
                                  "##contig=<ID=chr17,length=81195210>")
    path = tmp_path / "grch37_contigs.vcf"
    path.write_text(text)
    with pytest.raises(LenallInputError, match="GRCh37"):
        run_variants("P01-T", tmp_path / "o", vcf=path, genome="GRCh38")


def test_position_beyond_the_chromosome_end_is_refused(tmp_path):
    lines = [line for line in M2.read_text().splitlines() if not line.startswith("##contig")]
    lines = [line.replace("chr1\t115256530", "chr1\t249250600") for line in lines]
    path = tmp_path / "no_contigs.vcf"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(LenallInputError, match="genome build"):
        run_variants("P01-T", tmp_path / "o", vcf=path, genome="GRCh38")


def test_empty_vcf_gives_valid_empty_outputs(tmp_path):
    qc = run_variants("P01-T", tmp_path / "o", vcf=_header_only(tmp_path))
    tsv = (tmp_path / "o" / "P01-T.variants.tsv").read_text().splitlines()
    assert tsv == ["\t".join(VARIANT_COLUMNS)]
    maf = (tmp_path / "o" / "P01-T.maf").read_text().splitlines()
    assert maf[0] == "#version 2.4" and len(maf) == 2
    assert qc["records_read"] == 0 and qc["status_counts"]["somatic"] == 0


def test_vcf_without_pass_records_keeps_every_row_as_filtered(tmp_path):
    lines = M2.read_text().splitlines()
    lines = [line if line.startswith("#") else line.replace("\tPASS\t", "\tweak_evidence\t")
             for line in lines]
    path = tmp_path / "no_pass.vcf"
    path.write_text("\n".join(lines) + "\n")
    qc = run_variants("P01-T", tmp_path / "o", vcf=path)
    tsv, maf, _ = outputs(tmp_path / "o", "P01-T")
    assert maf == []
    assert {r["status"] for r in tsv} == {"filtered"}
    assert qc["status_counts"]["filtered"] == len(tsv) == qc["alleles_considered"]


def test_cli_prints_one_line_and_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as done:
        main(["variants", "--sample", "P01-T", "--outdir", str(tmp_path), "--vcf",
              str(tmp_path / "missing.vcf")])
    assert done.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("lenall: error:")


def test_cli_accepts_the_step_graph_arguments(tmp_path):
    from lenall_genomics.model import Sample
    from lenall_genomics.steps import RunContext, step

    sample = Sample(patient="01", sample="P01-T", diagnosis="B-ALL", vcf=M2, normal="P01-N",
                    purity=0.8)
    ctx = RunContext(samplesheet=tmp_path / "s.csv", samples=(sample,), outdir=tmp_path)
    variants_step = step("variants")
    main(["variants", *variants_step.arguments(ctx, sample)])  # returns normally on success
    for path in variants_step.outputs(ctx, sample):
        assert path.exists()
    qc = json.loads(variants_step.outputs(ctx, sample)[2].read_text())
    assert qc["purity"] == 0.8


def test_maf_with_unknown_barcode_lists_barcodes(tmp_path):
    with pytest.raises(LenallInputError, match="P05-T, P06-T"):
        run_variants("P07-T", tmp_path, maf=DATA / "vcf2maf_two_samples.maf")


def test_a_bad_position_names_the_file_line_and_field(tmp_path, capsys):
    from lenall_genomics.cli import main

    vcf = tmp_path / "bad_pos.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n"
                   "chr1\t100\t.\tA\tT\t.\tPASS\t.\tGT\t0/1\n"
                   "chr1\tabc\t.\tA\tT\t.\tPASS\t.\tGT\t0/1\n")
    with pytest.raises(SystemExit) as done:
        main(["variants", "--sample", "S1", "--vcf", str(vcf), "--outdir", str(tmp_path / "o")])
    assert done.value.code == 2
    assert "bad_pos.vcf:4, field 'POS'" in capsys.readouterr().err
    assert not (tmp_path / "o" / "S1.variants.tsv").exists()
