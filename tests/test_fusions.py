"""Fusion readers (Arriba, STAR-Fusion, FusionCatcher, Archer-style, SV VCF) and fusion events."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from lenall_genomics.cli import main
from lenall_genomics.errors import LenallInputError
from lenall_genomics.events import fusion_events, normalize_gene
from lenall_genomics.model import EVENT_COLUMNS
from lenall_genomics.readers.fusions import CALL_COLUMNS, read_fusions

DATA = Path(__file__).parent / "data" / "events"


def events_of(name: str, fmt: str | None = None) -> list[dict]:
    return fusion_events(read_fusions(DATA / name, fmt), "GRCh38")


def by_label(events: list[dict]) -> dict[str, dict]:
    return {e["label"]: e for e in events if e["label"] != "other"}


def read_tsv(path: Path) -> list[dict[str, str]]:
    lines = path.read_text().splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]


# --- readers -----------------------------------------------------------------------------------

def test_arriba_columns_reads_and_confidence():
    calls = read_fusions(DATA / "arriba.fusions.tsv")
    assert calls.attrs["format"] == "arriba"
    assert list(calls.columns) == list(CALL_COLUMNS)
    etv6 = calls[calls.gene5 == "ETV6"].iloc[0]
    assert (etv6.split_reads, etv6.spanning_reads, etv6.confidence) == (21, 7, "high")
    assert (etv6.chrom5, etv6.pos5, etv6.chrom3, etv6.pos3) == ("12", 11869969, "21", 34859474)
    # '+/.': Arriba could not tell the fusion strand, so 5'/3' is not known
    igh = calls[calls.gene3 == "CRLF2"].set_index("gene5")
    assert not igh.loc["IGHM(1520),IGHJ6(2841)", "oriented"]
    assert igh.loc["P2RY8", "oriented"]


def test_arriba_discarded_file_is_marked():
    calls = read_fusions(DATA / "arriba.fusions.discarded.tsv")
    assert calls.discarded.all()


def test_star_fusion_strips_ensembl_ids_and_chr():
    calls = read_fusions(DATA / "star-fusion.fusion_predictions.abridged.tsv")
    assert calls.attrs["format"] == "star-fusion"
    bcr = calls.iloc[0]
    assert (bcr.gene5, bcr.gene3, bcr.chrom5, bcr.pos5) == ("BCR", "ABL1", "22", 23290413)
    assert (bcr.split_reads, bcr.spanning_reads) == (48, 31)
    assert "FFPM=12.3911" in bcr.filters


def test_fusioncatcher_reads():
    calls = read_fusions(DATA / "final-list_candidate-fusion-genes.txt")
    assert calls.attrs["format"] == "fusioncatcher"
    assert list(calls.gene5) == ["TCF3", "TCF3", "IGH@"]
    assert (calls.iloc[0].split_reads, calls.iloc[0].spanning_reads) == (19, 25)


def test_archer_style_flexible_columns():
    calls = read_fusions(DATA / "archer_fusions.tsv")
    assert calls.attrs["format"] == "archer"
    first = calls.iloc[0]
    assert (first.gene5, first.gene3, first.split_reads, first.confidence) == \
        ("MLL", "AF4", 212, "high")
    assert calls.iloc[1].confidence == "low"  # Archer 'Weak'


def test_generic_fusion_name_column(tmp_path):
    path = tmp_path / "calls.tsv"
    path.write_text("fusion\treads\nEML4::ALK\t12\nBCR--ABL1\t30\n")
    calls = read_fusions(path)
    assert list(zip(calls.gene5, calls.gene3, calls.split_reads, strict=True)) == \
        [("EML4", "ALK", 12), ("BCR", "ABL1", 30)]


def test_explicit_format_overrides_detection():
    calls = read_fusions(DATA / "star-fusion.fusion_predictions.abridged.tsv", "archer")
    assert set(calls.caller) == {"archer"}
    assert calls.iloc[0].gene5 == "BCR"


def test_sv_vcf_pairs_mates_maps_genes_and_counts_skipped():
    calls = read_fusions(DATA / "manta.somaticSV.vcf")
    assert calls.attrs["format"] == "sv-vcf"
    assert len(calls) == 3  # BND pairs read once, the DEL once
    reasons = [reason for _, reason in calls.attrs["skipped"]]
    assert reasons.count("BND mate of a call already read") == 2
    assert any("insertion" in r for r in reasons)
    bcr = calls[(calls.chrom5 == "9") & (calls.sv_type == "BND")].iloc[0]
    assert (bcr.gene5, bcr.gene3, bcr.caller) == ("ABL1", "BCR", "manta")
    assert (bcr.split_reads, bcr.spanning_reads, bcr.confidence) == (17, 14, "high")
    deletion = calls[calls.sv_type == "DEL"].iloc[0]
    assert (deletion.confidence, deletion.filters) == ("low", "MinSomaticScore")


def test_sv_vcf_gzipped_is_read(tmp_path):
    path = tmp_path / "sv.vcf.gz"
    with open(DATA / "manta.somaticSV.vcf", "rb") as src, gzip.open(path, "wb") as dst:
        shutil.copyfileobj(src, dst)
    assert len(read_fusions(path)) == 3


def test_sv_vcf_of_other_build_is_an_error():
    with pytest.raises(LenallInputError, match="GRCh37"):
        read_fusions(DATA / "manta.somaticSV.vcf", genome="GRCh37")


# --- normalisation -----------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("IGHV3-23", "IGH"), ("IGHJ6", "IGH"), ("IGHM", "IGH"), ("IGHG1", "IGH"), ("IGH@", "IGH"),
    ("IGHD2-2", "IGH"), ("IGH@-ext", "IGH"), ("IGHMBP2", "IGHMBP2"), ("MLL", "KMT2A"), ("AF4", "AFF1"),
    ("CRLF2^ENSG00000205755.12", "CRLF2"), ("BRD4(1122),BRD4-1(2233)", "BRD4"),
    ("LINC01(5000),PAX5(120)", "PAX5"), (".", ""),
])
def test_normalize_gene(raw, expected):
    assert normalize_gene(raw, "GRCh38") == expected


def test_breakpoint_inside_igh_locus_is_igh():
    assert normalize_gene("AL122127.1", "GRCh38", "14", 105700000) == "IGH"
    assert normalize_gene("AL122127.1", "GRCh38", "14", 100000000) == "AL122127.1"


# --- events ------------------------------------------------------------------------------------

def test_arriba_events_whitelist_merge_reciprocal_and_keep_others():
    events = events_of("arriba.fusions.tsv")
    labels = by_label(events)
    assert set(labels) == {"P2RY8::CRLF2", "IGH::CRLF2", "ETV6::RUNX1"}
    p2ry8 = labels["P2RY8::CRLF2"]
    assert (p2ry8["gene"], p2ry8["partner"], p2ry8["confidence"]) == ("CRLF2", "P2RY8", "low")
    assert "whitelisted" in p2ry8["evidence"]
    etv6 = labels["ETV6::RUNX1"]
    assert "reciprocal=RUNX1::ETV6 (3 reads)" in etv6["evidence"]
    assert "reads=28" in etv6["evidence"]
    igh = labels["IGH::CRLF2"]
    assert (igh["gene"], igh["partner"], igh["source"]) == ("CRLF2", "IGH", "rna")
    others = [e for e in events if e["label"] == "other"]
    assert [(e["gene"], e["partner"]) for e in others] == [("GOPC", "ROS1")]
    assert all(e["event_type"] == "fusion" for e in events)


def test_discarded_calls_only_rescued_when_whitelisted():
    events = events_of("arriba.fusions.discarded.tsv")
    assert by_label(events).keys() == {"P2RY8::CRLF2"}
    bcr = next(e for e in events if e["gene"] == "BCR")
    assert bcr["label"] == "other"
    assert "discarded" in bcr["evidence"]


def test_star_fusion_curated_drivers():
    labels = by_label(events_of("star-fusion.fusion_predictions.abridged.tsv"))
    assert set(labels) == {"BCR::ABL1", "IGH::CRLF2", "PAX5::JAK2"}
    assert labels["BCR::ABL1"]["gene"] == "ABL1"
    assert labels["PAX5::JAK2"]["gene"] == "PAX5"


def test_fusioncatcher_same_pair_rows_are_one_event():
    events = events_of("final-list_candidate-fusion-genes.txt")
    tcf3 = [e for e in events if e["label"] == "TCF3::PBX1"]
    assert len(tcf3) == 1
    assert "reads=73 (split 23, spanning 50)" in tcf3[0]["evidence"]


def test_archer_aliases_become_kmt2a_aff1():
    labels = by_label(events_of("archer_fusions.tsv"))
    kmt2a = labels["KMT2A::AFF1"]
    assert (kmt2a["gene"], kmt2a["partner"], kmt2a["confidence"]) == ("KMT2A", "AFF1", "high")
    assert "called=MLL::AF4" in kmt2a["evidence"]


def test_sv_vcf_events_bcr_abl1_and_kmt2a_rearrangement():
    events = events_of("manta.somaticSV.vcf")
    labels = by_label(events)
    bcr = labels["BCR::ABL1"]
    assert (bcr["event_type"], bcr["source"], bcr["gene"], bcr["partner"]) == \
        ("rearrangement", "dna_sv", "ABL1", "BCR")
    # the chr4 breakend lies in AFF1: a curated KMT2A partner, so the event is named
    kmt2a = labels["KMT2A::AFF1"]
    assert (kmt2a["gene"], kmt2a["partner"], kmt2a["confidence"]) == ("KMT2A", "AFF1", "high")
    assert sum(e["label"] == "other" for e in events) == 1


# --- command -----------------------------------------------------------------------------------

def run_cli(args: list[str]) -> int:
    try:
        main(args)
    except SystemExit as done:
        return int(done.code or 0)
    return 0


def test_command_writes_all_calls_deterministically(tmp_path):
    args = ["fusions", "--sample", "S1", "--fusions", str(DATA / "arriba.fusions.tsv"),
            "--outdir", str(tmp_path), "--genome", "GRCh38"]
    assert run_cli(args) == 0
    out = tmp_path / "S1.fusions.tsv"
    first = out.read_bytes()
    rows = read_tsv(out)
    assert list(rows[0]) == list(EVENT_COLUMNS)
    assert len(rows) == 4
    assert run_cli(args) == 0
    assert out.read_bytes() == first
    assert (tmp_path / "S1.fusions.qc.json").exists()


def test_command_format_option(tmp_path):
    args = ["fusions", "--sample", "S1", "--fusions", str(DATA / "manta.somaticSV.vcf"),
            "--outdir", str(tmp_path), "--genome", "GRCh38", "--format", "sv-vcf"]
    assert run_cli(args) == 0
    assert any(r["label"] == "BCR::ABL1" for r in read_tsv(tmp_path / "S1.fusions.tsv"))


def test_unknown_shape_is_one_line_error(tmp_path, capsys):
    path = tmp_path / "weird.tsv"
    path.write_text("alpha\tbeta\n1\t2\n")
    code = run_cli(["fusions", "--sample", "S1", "--fusions", str(path), "--outdir",
                    str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and f"{path}:1" in err[0] and "unknown fusion file shape" in err[0]
    assert not (tmp_path / "out" / "S1.fusions.tsv").exists()


def test_bad_breakpoint_names_file_and_line(tmp_path):
    lines = (DATA / "arriba.fusions.tsv").read_text().splitlines()
    fields = lines[2].split("\t")
    fields[4] = "chr12-11869969"
    path = tmp_path / "fusions.tsv"
    path.write_text("\n".join([lines[0], lines[1], "\t".join(fields)]) + "\n")
    with pytest.raises(LenallInputError) as error:
        read_fusions(path)
    assert error.value.line == 3 and "chrom:position" in error.value.message


@pytest.mark.parametrize("content", ["", None])
def test_empty_and_header_only_give_empty_result(tmp_path, content):
    path = tmp_path / "fusions.tsv"
    path.write_text(content if content is not None else
                    (DATA / "arriba.fusions.tsv").read_text().splitlines()[0] + "\n")
    assert run_cli(["fusions", "--sample", "S1", "--fusions", str(path), "--outdir",
                    str(tmp_path)]) == 0
    assert (tmp_path / "S1.fusions.tsv").read_text() == "\t".join(EVENT_COLUMNS) + "\n"


# --- real public outputs (skipped when ../shared/real-examples is absent) ------------------------

@pytest.mark.real_examples
def test_real_arriba_bcr_abl1(real_examples):
    events = fusion_events(read_fusions(real_examples / "fusions/arriba/arriba_test_fusions.tsv"),
                           "GRCh37")
    assert by_label(events)["BCR::ABL1"]["confidence"] == "high"


@pytest.mark.real_examples
def test_real_fusion_report_inputs(real_examples):
    base = real_examples / "fusions/fusion_report_testdata"
    arriba = read_fusions(base / "arriba.tsv")
    assert arriba.attrs["format"] == "arriba" and len(arriba) == 14
    events = fusion_events(arriba, "GRCh38")
    assert sum(e["gene"] == "BRD4" for e in events) == 1  # 'BRD4(1122),BRD4-1(2233)' merged
    catcher = fusion_events(read_fusions(base / "fusioncatcher.txt"), "GRCh38")
    assert "IGH::CRLF2" in by_label(catcher)
    assert read_fusions(base / "starfusion.tsv").attrs["format"] == "star-fusion"
    assert read_fusions(base / "ctat_lr_fusion.tsv").split_reads.min() > 0


@pytest.mark.real_examples
def test_real_star_fusion_files(real_examples):
    for path in sorted((real_examples / "fusions/star_fusion").iterdir()):
        calls = read_fusions(path)
        assert calls.attrs["format"] == "star-fusion", path
        assert len(calls) > 0 and (calls.split_reads >= 0).all()
        assert not calls.gene5.str.contains(r"\^").any()


@pytest.mark.real_examples
def test_real_manta_vcf(real_examples):
    path = real_examples / "vcf/vembrane_strelka2_snpeff/manta_sv_candidates_test_stop.vcf"
    calls = read_fusions(path)
    assert calls.attrs["format"] == "sv-vcf" and len(calls) > 0
    assert set(calls.caller) == {"manta"}
    assert any("insertion" in reason for _, reason in calls.attrs["skipped"])
