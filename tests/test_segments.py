"""Segment readers: CNVkit, FACETS, ASCAT, .seg, PURPLE -> model.SEGMENT_COLUMNS."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from lenall_genomics.cli import main
from lenall_genomics.errors import LenallInputError
from lenall_genomics.model import SEGMENT_COLUMNS
from lenall_genomics.readers.segments import read_segments

DATA = Path(__file__).parent / "data" / "events"


def run_cli(args: list[str]) -> int:
    try:
        main(args)
    except SystemExit as done:
        return int(done.code or 0)
    return 0


def missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def test_cnvkit_call_cns_allele_specific():
    table = read_segments(DATA / "male.call.cns")
    assert table.attrs["format"] == "cnvkit"
    assert list(table.columns) == list(SEGMENT_COLUMNS)
    first = table.iloc[0]
    # CNVkit is 0-based half-open: start + 1
    assert (first.chrom, first.start, first.end, first.n_markers) == ("1", 10001, 248900000, 310)
    ikzf1 = table[(table.chrom == "7") & (table.start == 50370001)].iloc[0]
    assert (ikzf1.log2, ikzf1.total_cn, ikzf1.minor_cn) == (-0.9876, 1, 0)
    x_rest = table[(table.chrom == "X")].iloc[-1]
    assert x_rest.total_cn == 1 and missing(x_rest.minor_cn)  # empty cn1/cn2


def test_cnvkit_without_cn_leaves_total_empty(tmp_path):
    path = tmp_path / "s.cns"
    path.write_text("chromosome\tstart\tend\tgene\tlog2\tdepth\tprobes\tweight\n"
                    "chr2\t100\t5000\tA\t-0.4\t10\t5\t4.5\n")
    row = read_segments(path).iloc[0]
    assert row.log2 == -0.4 and missing(row.total_cn) and missing(row.minor_cn)


def test_facets_cncf_chrom23_is_x_and_na_minor():
    table = read_segments(DATA / "tumor.cncf.txt")
    assert table.attrs["format"] == "facets"
    assert table.iloc[-1].chrom == "X"
    cdkn = table[(table.chrom == "9") & (table.start == 21955000)].iloc[0]
    assert cdkn.total_cn == 1 and missing(cdkn.minor_cn) and cdkn.log2 == -0.8012


def test_ascat_multi_sample_needs_a_name():
    with pytest.raises(LenallInputError) as error:
        read_segments(DATA / "ascat.segments.txt")
    assert "PT07_BALL, PT07_MM" in error.value.message
    table = read_segments(DATA / "ascat.segments.txt", sample="PT07_BALL")
    assert table.attrs["format"] == "ascat" and len(table) == 3
    chrom2 = table[table.chrom == "2"].iloc[0]
    assert (chrom2.total_cn, chrom2.minor_cn) == (1, 0)
    with pytest.raises(LenallInputError, match="sample 'PT99' is not in the file"):
        read_segments(DATA / "ascat.segments.txt", sample="PT99")


def test_seg_multi_sample_and_numeric_x():
    table = read_segments(DATA / "cohort.seg", sample="S01")
    assert table.attrs["format"] == "seg"
    assert list(table.chrom) == ["1", "2", "X"]
    assert table.iloc[1].log2 == -0.4512 and missing(table.iloc[1].total_cn)
    with pytest.raises(LenallInputError, match="samples: S01, S02"):
        read_segments(DATA / "cohort.seg")


def test_purple_keeps_float_copy_numbers():
    table = read_segments(DATA / "purple.cnv.somatic.tsv", genome="GRCh38")
    assert table.attrs["format"] == "purple"
    row = table.iloc[2]
    assert (row.total_cn, row.minor_cn, row.n_markers) == (1.0012, -0.0112, 99000)
    assert missing(row.log2)


def test_explicit_format_overrides(tmp_path):
    # a CNVkit-looking file read as .seg: the log2 column serves as the segment mean
    path = tmp_path / "x.txt"
    path.write_text("chromosome\tstart\tend\tlog2\n1\t1\t100\t-0.5\n")
    assert read_segments(path).attrs["format"] == "cnvkit"
    table = read_segments(path, fmt="seg")
    assert table.attrs["format"] == "seg" and table.iloc[0].start == 1


@pytest.mark.parametrize(("name", "line", "text"), [
    ("unsorted.cns", 3, "before the previous one"),
    ("overlap.seg", 3, "overlaps the previous one"),
    ("unknown_contig.cns", 4, "unknown contig 'chr99'"),
])
def test_bad_segments_name_file_and_line(name, line, text):
    with pytest.raises(LenallInputError) as error:
        read_segments(DATA / name)
    assert error.value.line == line and text in error.value.message
    assert error.value.file == str(DATA / name)


def test_chromosome_split_into_blocks_is_unsorted(tmp_path):
    path = tmp_path / "s.seg"
    path.write_text("ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n"
                    "A\t1\t1\t100\t3\t0\nA\t2\t1\t100\t3\t0\nA\t1\t200\t300\t3\t0\n")
    with pytest.raises(LenallInputError, match="appears again") as error:
        read_segments(path)
    assert error.value.line == 4


def test_alt_contigs_are_skipped_and_counted(tmp_path):
    path = tmp_path / "s.cns"
    path.write_text("chromosome\tstart\tend\tgene\tlog2\n"
                    "chr1\t0\t100\tA\t0\nchr1_KI270706v1_random\t0\t50\t-\t0.3\nchrM\t0\t16000\t-\t0\n")
    table = read_segments(path)
    assert len(table) == 1
    assert [line for line, _ in table.attrs["skipped"]] == [3, 4]


def test_segment_past_chromosome_end_is_an_error(tmp_path):
    path = tmp_path / "s.seg"
    path.write_text("ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n"
                    "A\t21\t1\t48129895\t3\t0\n")  # GRCh37 chr21 length; GRCh38 is 46709983
    assert len(read_segments(path, genome="GRCh37")) == 1
    with pytest.raises(LenallInputError, match="past the end"):
        read_segments(path, genome="GRCh38")


def test_non_numeric_value_names_field(tmp_path):
    path = tmp_path / "s.cns"
    path.write_text("chromosome\tstart\tend\tgene\tlog2\nchr1\t0\t100\tA\tlow\n")
    with pytest.raises(LenallInputError) as error:
        read_segments(path)
    assert (error.value.line, error.value.field) == (2, "log2")


def test_unknown_shape(tmp_path):
    path = tmp_path / "s.tsv"
    path.write_text("a\tb\tc\n1\t2\t3\n")
    with pytest.raises(LenallInputError, match="unknown segment file shape") as error:
        read_segments(path)
    assert error.value.line == 1


@pytest.mark.parametrize("name", ["header_only.cns", "empty.cns"])
def test_empty_inputs_give_empty_outputs(tmp_path, name):
    assert len(read_segments(DATA / name)) == 0
    assert run_cli(["copynumber", "--sample", "S1", "--segments", str(DATA / name),
                    "--outdir", str(tmp_path)]) == 0
    assert (tmp_path / "S1.segments.tsv").read_text() == "\t".join(SEGMENT_COLUMNS) + "\n"
    assert (tmp_path / "S1.cn_events.tsv").read_text().count("\n") == 1


def test_command_bad_input_exits_2_with_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as done:
        main(["copynumber", "--sample", "S1", "--segments", str(DATA / "overlap.seg"),
              "--outdir", str(tmp_path)])
    assert done.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "overlap.seg:3" in err[0]


def test_segments_file_written_as_read(tmp_path):
    assert run_cli(["copynumber", "--sample", "S1", "--segments", str(DATA / "male.call.cns"),
                    "--outdir", str(tmp_path), "--sex", "male"]) == 0
    lines = (tmp_path / "S1.segments.tsv").read_text().splitlines()
    assert lines[0].split("\t") == list(SEGMENT_COLUMNS)
    assert lines[3] == "7\t50370001\t50395000\t-0.9876\t1\t0\t14"
    assert lines[-1] == "X\t2781480\t155900000\t-1.0021\t1\t.\t60"


# --- real public outputs (skipped when ../shared/real-examples is absent) ------------------------

@pytest.mark.real_examples
@pytest.mark.parametrize(("name", "fmt", "genome"), [
    ("cnvkit/p2-9_2.call.cns", "cnvkit", "GRCh37"), ("cnvkit/p2-9_2.cns", "cnvkit", "GRCh37"),
    ("cnvkit/nv3.cns", "cnvkit", "GRCh37"), ("cnvkit/tr95t.segmetrics.cns", "cnvkit", "GRCh37"),
    ("cnvkit/cl_seq.cns", "cnvkit", "GRCh37"),
    ("maftools_tcga_laml/TCGA.AB.3009.hg19.seg.txt", "seg", "GRCh37"),
    ("purple_umccr_gpgr/purple.cnv.somatic.tsv", "purple", "GRCh38"),
])
def test_real_single_sample_files(real_examples, name, fmt, genome):
    table = read_segments(real_examples / "cnv" / name, genome=genome)
    assert table.attrs["format"] == fmt and len(table) > 10
    assert (table.start <= table.end).all()


@pytest.mark.real_examples
def test_real_cnvkit_call_has_integer_cn(real_examples):
    table = read_segments(real_examples / "cnv/cnvkit/p2-9_2.call.cns")
    assert table.total_cn.notna().all() and table.minor_cn.isna().all()


@pytest.mark.real_examples
def test_real_cnvkit_empty_amplicon_segments_are_skipped(real_examples):
    table = read_segments(real_examples / "cnv/cnvkit/amplicon.cns")
    assert len(table.attrs["skipped"]) == 8  # 0-probe segments written with start > end


@pytest.mark.real_examples
def test_real_multi_sample_files(real_examples):
    for name, sample in [("ascat_asmultipcf_prostate/A17.fast.segments.txt",
                          "A17A-0095_CRUK_PC_0095_M1"),
                         ("cnvkit/cw-tr-log2.seg", "TR_01_T"),
                         ("maftools_tcga_laml/LAML_CBS_segments.tsv.gz", "TCGA-AB-2803")]:
        path = real_examples / "cnv" / name
        with pytest.raises(LenallInputError, match="several samples"):
            read_segments(path)
        table = read_segments(path, sample=sample, genome="GRCh37")
        assert table.attrs["sample"] == sample and len(table) > 10


@pytest.mark.real_examples
def test_real_purple_is_not_grch37(real_examples):
    with pytest.raises(LenallInputError, match="past the end"):
        read_segments(real_examples / "cnv/purple_umccr_gpgr/purple.cnv.somatic.tsv",
                      genome="GRCh37")


def test_facets_minor_above_total_is_refused_at_the_users_line(tmp_path, capsys):
    path = tmp_path / "tumor.cncf.txt"
    path.write_text("chrom\tloc.start\tloc.end\tnum.mark\tcnlr.median\ttcn.em\tlcn.em\n"
                    "1\t1000\t500000\t40\t0.01\t2\t1\n"
                    "1\t600000\t900000\t25\t-0.5\t1\t2\n")
    with pytest.raises(LenallInputError, match="minor copy number 2 is above the total") as error:
        read_segments(path)
    assert (error.value.line, error.value.field) == (3, "lcn.em")
    with pytest.raises(SystemExit) as done:
        main(["copynumber", "--sample", "S1", "--segments", str(path), "--outdir",
              str(tmp_path / "out")])
    assert done.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{path}:3" in err[0]
    assert not (tmp_path / "out" / "S1.segments.tsv").exists()


def test_facets_minor_equal_to_total_is_kept(tmp_path):
    path = tmp_path / "tumor.cncf.txt"
    path.write_text("chrom\tloc.start\tloc.end\tnum.mark\tcnlr.median\ttcn.em\tlcn.em\n"
                    "1\t1000\t500000\t40\t0.01\t0\t0\n")
    row = read_segments(path).iloc[0]
    assert (row.total_cn, row.minor_cn) == (0, 0)


@pytest.mark.parametrize("code, sex", [("F", "female"), ("xy", "male"), ("XX", "female"),
                                       ("m", "male"), ("Female", "female"), ("NA", "unknown")])
def test_copynumber_accepts_samplesheet_sex_codes(tmp_path, monkeypatch, code, sex):
    import lenall_genomics.events as events

    seen = {}

    def fake_run(sample, path, outdir, genome, fmt, purity, given_sex, file_sample):
        seen["sex"] = given_sex
        return {"segments": 0, "events": 0, "skipped": 0, "path": outdir}

    monkeypatch.setattr(events, "run_copynumber", fake_run)
    assert run_cli(["copynumber", "--sample", "S1", "--segments", str(DATA / "empty.cns"),
                    "--outdir", str(tmp_path), "--sex", code]) == 0
    assert seen["sex"] == sex


def test_copynumber_refuses_an_unknown_sex_code(tmp_path):
    assert run_cli(["copynumber", "--sample", "S1", "--segments", str(DATA / "empty.cns"),
                    "--outdir", str(tmp_path), "--sex", "W"]) == 2
