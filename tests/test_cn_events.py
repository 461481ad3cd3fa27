"""Copy-number events: thresholds, sex-aware X, PAR1 P2RY8::CRLF2, IKZF1 Δ4-7, CDKN2A/B, KMT2A."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lenall_genomics.cli import main
from lenall_genomics.events import (
    KMT2A_CN_LABEL,
    KMT2A_CN_LIKELY_LABEL,
    P2RY8_CRLF2_DNA_LABEL,
    _Seg,
    adjusted_log2,
    baseline,
    cn_events,
    cn_parameters,
    segment_state,
)
from lenall_genomics.model import EVENT_COLUMNS, SEGMENT_COLUMNS
from lenall_genomics.readers.segments import read_segments

DATA = Path(__file__).parent / "data" / "events"


def segments(*rows: tuple) -> pd.DataFrame:
    """rows of (chrom, start, end, log2, total_cn, minor_cn)."""
    return pd.DataFrame([dict(zip(SEGMENT_COLUMNS, (*row, 10), strict=True)) for row in rows],
                        columns=list(SEGMENT_COLUMNS))


def labels(events: list[dict]) -> dict[str, dict]:
    return {e["label"]: e for e in events}


def test_thresholds_are_data_with_sources():
    text = (Path(__file__).parents[1] / "assets" / "cn_thresholds.tsv").read_text()
    assert "CNVkit" in text and text.startswith("#")
    params = cn_parameters()
    assert (params["log2_deep_deletion"], params["log2_loss"], params["log2_gain"],
            params["log2_amplification"]) == (-1.1, -0.25, 0.2, 0.7)


def test_allele_specific_cnvkit_sample():
    events, _ = cn_events(read_segments(DATA / "male.call.cns"), "GRCh38", "male")
    found = labels(events)
    assert set(found) == {"IKZF1 Δ4-7", "CDKN2A/B deletion", KMT2A_CN_LIKELY_LABEL,
                          P2RY8_CRLF2_DNA_LABEL}
    assert "KMT2A partly lost" in found[KMT2A_CN_LIKELY_LABEL]["evidence"]
    ikzf1 = found["IKZF1 Δ4-7"]
    assert (ikzf1["gene"], ikzf1["event_type"], ikzf1["confidence"]) == \
        ("IKZF1", "intragenic_deletion", "high")
    cdkn = found["CDKN2A/B deletion"]
    assert (cdkn["gene"], cdkn["event_type"]) == ("CDKN2A", "deep_deletion")
    assert "allelic=biallelic" in cdkn["evidence"]
    crlf2 = found[P2RY8_CRLF2_DNA_LABEL]
    assert (crlf2["gene"], crlf2["partner"], crlf2["source"], crlf2["event_type"]) == \
        ("CRLF2", "P2RY8", "dna_cn", "fusion")
    # one X copy outside PAR in a male is neutral; the P2RY8 partial loss is the fusion itself
    assert not any(e["gene"] in ("P2RY8", "BCOR") for e in events)
    assert all(e["source"] == "dna_cn" for e in events)


def test_x_baseline_is_sex_aware():
    assert [baseline("GRCh38", "X", 50000000, sex) for sex in ("male", "female", None)] == \
        [1, 2, None]
    assert baseline("GRCh38", "X", 1300000, "male") == 2  # PAR1
    assert baseline("GRCh38", "Y", 20000000, "male") == 1
    assert baseline("GRCh38", "Y", 20000000, "female") is None
    one_copy = _Seg("X", 50000000, 60000000, -1.0, 1, 0)
    assert segment_state(one_copy, 1, None) == ("neutral", "total_cn")
    assert segment_state(one_copy, 2, None) == ("loss", "total_cn")
    log2_only = _Seg("X", 50000000, 60000000, -1.0, None, None)
    assert segment_state(log2_only, 1, None) == ("neutral", "log2")  # CNVkit male X offset
    assert segment_state(log2_only, 2, None) == ("loss", "log2")


def test_unknown_sex_skips_non_par_x_but_judges_par1():
    table = segments(("X", 10001, 1212723, 0.0, 2, 1), ("X", 1212724, 1537185, -0.8, 1, 0),
                     ("X", 1537186, 2781479, 0.0, 2, 1))
    events, qc = cn_events(table, "GRCh38", None)
    assert [e["label"] for e in events] == [P2RY8_CRLF2_DNA_LABEL]
    assert "CRLF2" not in qc["genes_not_judged_sex_unknown"]


def test_par1_deletion_covering_crlf2_is_not_the_fusion():
    table = segments(("X", 10001, 1600000, -0.9, None, None), ("X", 1600001, 2781479, 0, None,
                                                                None))
    events, _ = cn_events(table, "GRCh38", "female")
    assert P2RY8_CRLF2_DNA_LABEL not in labels(events)
    assert "CRLF2 loss" in labels(events)


def test_facets_ikzf2_loss_and_monoallelic_cdkn2a():
    events, _ = cn_events(read_segments(DATA / "tumor.cncf.txt"), "GRCh38", "female")
    found = labels(events)
    assert found["IKZF2 loss"]["event_type"] == "loss"
    assert "monoallelic" in found["CDKN2A/B deletion"]["evidence"]
    assert found["CDKN2A/B deletion"]["event_type"] == "loss"


@pytest.mark.parametrize(("log2", "event_type"), [
    (-1.5, "deep_deletion"), (-0.6, "loss"), (-0.2, None), (0.1, None), (0.5, "gain"),
    (1.2, "amplification"),
])
def test_log2_thresholds(log2, event_type):
    table = segments(("2", 200000000, 220000000, log2, None, None))
    events, _ = cn_events(table, "GRCh38", "female")
    ikzf2 = [e for e in events if e["gene"] == "IKZF2"]
    assert [e["event_type"] for e in ikzf2] == ([event_type] if event_type else [])
    if ikzf2:
        assert ikzf2[0]["confidence"] == "medium"


def test_purity_rescales_log2():
    table = segments(("2", 200000000, 220000000, -0.2, None, None))
    assert cn_events(table, "GRCh38", "female")[0] == []
    events, qc = cn_events(table, "GRCh38", "female", purity=0.4)
    assert [e["label"] for e in events] == ["IKZF2 loss"]
    assert qc["purity_used"] == 0.4
    # a clonal one-copy loss at 40% purity: observed 2^x = 0.4*0.5 + 0.6
    assert adjusted_log2(-0.3219, 2, 0.4) == pytest.approx(-1.0, abs=1e-3)


def test_absolute_cn_wins_over_log2():
    table = segments(("2", 200000000, 220000000, -0.6, 2, 1))
    assert cn_events(table, "GRCh38", "female")[0] == []


def test_whole_ikzf1_deletion_is_a_loss_not_a_delta():
    table = segments(("7", 50000000, 50500000, -0.8, 1, 0))
    events, _ = cn_events(table, "GRCh38", "female")
    assert [e["label"] for e in events] == ["IKZF1 loss"]


def test_ikzf1_other_exon_pattern():
    table = segments(("7", 50300000, 50319000, 0, 2, 1), ("7", 50319001, 50395000, -0.9, 1, 0),
                     ("7", 50395001, 50500000, 0, 2, 1))
    events, _ = cn_events(table, "GRCh38", "female")
    assert [e["label"] for e in events] == ["IKZF1 Δ2-7"]


def test_kmt2a_breakpoint_without_3prime_loss_is_possible():
    table = segments(("11", 100000000, 118480000, -0.6, 1, 0),
                     ("11", 118480001, 130000000, 0.0, 2, 1))
    events, _ = cn_events(table, "GRCh38", "female")
    kmt2a = [e for e in events if e["event_type"] == "rearrangement"]
    assert [(e["label"], e["confidence"]) for e in kmt2a] == [(KMT2A_CN_LABEL, "low")]


def test_small_step_inside_kmt2a_is_not_a_breakpoint():
    table = segments(("11", 100000000, 118480000, 0.05, None, None),
                     ("11", 118480001, 130000000, -0.05, None, None))
    assert cn_events(table, "GRCh38", "female")[0] == []


def test_unsegmented_genes_are_reported_in_qc():
    _, qc = cn_events(segments(("1", 1, 1000000, 0, 2, 1)), "GRCh38", "female")
    assert "IKZF1" in qc["genes_not_segmented"]


def test_copynumber_command_outputs(tmp_path):
    args = ["copynumber", "--sample", "S1", "--segments", str(DATA / "male.call.cns"),
            "--outdir", str(tmp_path), "--genome", "GRCh38", "--sex", "male", "--purity", "0.8"]
    main(args)
    events = (tmp_path / "S1.cn_events.tsv").read_bytes()
    lines = events.decode().splitlines()
    assert lines[0].split("\t") == list(EVENT_COLUMNS)
    assert any("\tIKZF1 Δ4-7\t" in line for line in lines)
    main(args)
    assert (tmp_path / "S1.cn_events.tsv").read_bytes() == events
    assert (tmp_path / "S1.copynumber.qc.json").exists()


@pytest.mark.real_examples
def test_real_purple_events(real_examples):
    table = read_segments(real_examples / "cnv/purple_umccr_gpgr/purple.cnv.somatic.tsv")
    events, _ = cn_events(table, "GRCh38", "female")
    assert all(e["confidence"] == "high" for e in events)  # absolute copy number
    assert all(e["event_type"] in ("deep_deletion", "loss", "intragenic_deletion", "gain",
                                   "amplification", "fusion", "rearrangement") for e in events)


@pytest.mark.real_examples
def test_real_cnvkit_call_events(real_examples):
    table = read_segments(real_examples / "cnv/cnvkit/p2-9_2.call.cns")
    events, qc = cn_events(table, "GRCh37", "male")
    assert events and qc["segments"] == len(table)


def test_monosomy_is_karyotype_not_a_gene_loss():
    # monosomy 7 in a low-hypodiploid clone: no IKZF1 event, but named in the QC summary
    table = segments(("7", 10001, 60000000, -0.55, 1, 0), ("7", 60000001, 159335973, -0.6, 1, 0))
    events, qc = cn_events(table, "GRCh38", "female")
    assert events == []
    assert "IKZF1" in qc["genes_in_arm_level_changes"]
    # the same copy number confined to a few Mb around IKZF1 is a gene-level loss
    focal = segments(("7", 10001, 48000000, 0, 2, 1), ("7", 48000001, 52000000, -0.55, 1, 0),
                     ("7", 52000001, 159335973, 0, 2, 1))
    assert [e["label"] for e in cn_events(focal, "GRCh38", "female")[0]] == ["IKZF1 loss"]


def test_homozygous_loss_is_reported_even_when_broad():
    table = segments(("9", 10001, 43000000, -3.0, 0, 0))
    events, _ = cn_events(table, "GRCh38", "female")
    assert "CDKN2A/B deletion" in labels(events)
