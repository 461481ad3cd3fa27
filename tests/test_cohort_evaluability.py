"""Evaluability follows the evidence: detected events are evaluable, fusion rows only where a
fusion could be seen (RNA partner, baited breakpoint introns, DNA SV calls), CRLF2 also from
segments of a panel covering CRLF2 and P2RY8."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cohort_tables import event, write_tsv
from lenall_genomics.cohort import (
    Alteration,
    build_cohort,
    check_altered_cells_evaluable,
    load_rows,
    parse_basis,
)
from lenall_genomics.errors import LenallInputError
from lenall_genomics.model import EVENT_COLUMNS, VARIANT_COLUMNS, Sample
from lenall_genomics.readers.panels import panel_genes

IMPACT = "MSK-IMPACT-Heme"
ARCHER = "Archer-FusionPlex"
MYELOID = "RainDance-ThunderBolts-Myeloid"


def cells(tables, row: str) -> dict[str, tuple[str, str]]:
    return {e["patient"]: (e["evaluated"], e["basis"]) for e in tables.evaluability
            if e["row"] == row}


def label(tables, row: str) -> str:
    return next(f["label"] for f in tables.frequencies if f["row"] == row)


def gene_list(folder: Path, name: str, *genes: str) -> str:
    path = folder / name
    path.write_text("".join(f"{g}\n" for g in genes))
    return str(path)


# --- every altered cell is evaluable --------------------------------------------------------------

def test_par1_deletion_without_rna_makes_the_crlf2_row_evaluable_through_copy_number(tmp_path):
    """The reported case: P2RY8::CRLF2 inferred from a PAR1 deletion, DNA panel without P2RY8,
    no RNA; the event was in the events table but the patient was neither altered nor evaluable."""
    results = tmp_path / "results"
    samples = (Sample("A", "A1", "B-ALL", dna_panel=IMPACT),
               Sample("B", "B1", "B-ALL", dna_panel=IMPACT))
    write_tsv(results / "A1.cn_events.tsv", EVENT_COLUMNS, [
        event("CRLF2", "deletion", "P2RY8", "P2RY8::CRLF2 (inferred from DNA)", "dna_cn")])
    write_tsv(results / "B1.cn_events.tsv", EVENT_COLUMNS, [])
    tables = build_cohort(samples, results)
    assert cells(tables, "CRLF2 fusion") == {
        "A": ("yes", "detected:dna_cn"), "B": ("no", f"not_on_panel:dna_panel:{IMPACT}")}
    assert label(tables, "CRLF2 fusion") == "1/1"
    assert tables.qc["evaluable_through_detection"] == [
        {"patient": "A", "row": "CRLF2 fusion", "evidence": "dna_cn",
         "alteration": "P2RY8::CRLF2 (inferred from DNA)", "sample": "A1"}]
    assert any("patient A: CRLF2 fusion" in w and "dna_cn" in w for w in tables.qc["warnings"])


def test_a_cell_already_evaluable_is_not_listed_as_evaluable_through_detection(tmp_path):
    results = tmp_path / "results"
    samples = (Sample("A", "A1", "B-ALL", dna_panel=IMPACT, rna_panel=ARCHER),)
    write_tsv(results / "A1.fusions.tsv", EVENT_COLUMNS, [
        event("CRLF2", "fusion", "P2RY8", "P2RY8::CRLF2", "rna")])
    tables = build_cohort(samples, results)
    assert cells(tables, "CRLF2 fusion")["A"] == ("yes", f"rna_panel:{ARCHER}")
    assert tables.qc["evaluable_through_detection"] == []


def test_two_kinds_of_evidence_outside_the_basis_are_both_named(tmp_path):
    results = tmp_path / "results"
    samples = (Sample("A", "A1", "B-ALL", dna_panel=MYELOID),)  # no KMT2A introns, no RNA
    write_tsv(results / "A1.cn_events.tsv", EVENT_COLUMNS, [
        event("KMT2A", "rearrangement", ".", "KMT2A rearrangement (likely, from CN breakpoint)",
              "dna_cn")])
    write_tsv(results / "A1.fusions.tsv", EVENT_COLUMNS, [
        event("KMT2A", "rearrangement", "AFF1", "KMT2A::AFF1", "dna_sv")])
    tables = build_cohort(samples, results)
    assert cells(tables, "KMT2A rearrangement")["A"] == (
        "yes", "detected:dna_cn;detected:dna_sv")
    [cell] = tables.qc["evaluable_through_detection"]
    assert cell["evidence"] == "dna_cn;dna_sv"
    assert label(tables, "KMT2A rearrangement") == "1/1"


def test_the_invariant_check_refuses_an_altered_cell_that_is_not_evaluable():
    altered = [Alteration("A", "A1", "TP53", "TP53", "p.R175H", "missense", "dna", ".")]
    check_altered_cells_evaluable(altered, {("A", "TP53")})
    with pytest.raises(AssertionError, match="altered but not evaluable"):
        check_altered_cells_evaluable(altered, {("A", "RB1")})


# --- CRLF2: RNA covering CRLF2/P2RY8/IGH, or segments of a panel covering CRLF2 and P2RY8 ----------

def test_crlf2_evaluable_from_segments_only_when_the_panel_covers_crlf2_and_p2ry8(tmp_path):
    both = gene_list(tmp_path, "both.txt", "CRLF2", "P2RY8", "TP53")
    crlf2_only = gene_list(tmp_path, "crlf2.txt", "CRLF2", "TP53")
    igh_rna = gene_list(tmp_path, "igh_rna.txt", "IGH")
    segments = tmp_path / "x.cns"
    samples = (
        Sample("A", "A1", "B-ALL", dna_panel=both, segments=segments),
        Sample("B", "B1", "B-ALL", dna_panel=crlf2_only, segments=segments),
        Sample("C", "C1", "B-ALL", dna_panel=both),  # no segments
        Sample("D", "D1", "B-ALL", rna_panel=igh_rna),  # RNA with the IGH partner only
        Sample("E", "E1", "B-ALL", segments=segments),  # segments without a panel
    )
    tables = build_cohort(samples, tmp_path / "no-results", base_dir=tmp_path)
    got = cells(tables, "CRLF2 fusion")
    assert got["A"] == ("yes", f"segments+dna_panel:{both}")
    assert got["D"] == ("yes", f"rna_panel:{igh_rna}")
    assert {p for p, (yes, _) in got.items() if yes == "no"} == {"B", "C", "E"}
    assert label(tables, "CRLF2 fusion") == "0/2"


# --- fusion rows: only where a fusion could be seen ------------------------------------------------

def test_bcr_abl1_and_kmt2a_are_not_evaluable_from_exon_panels_vcfs_or_segments(tmp_path):
    results = tmp_path / "results"
    exons = gene_list(tmp_path, "exons.txt", "ABL1", "BCR", "KMT2A", "TP53")
    variant = dict.fromkeys(VARIANT_COLUMNS, ".")
    variant.update(gene="TP53", variant_classification="Missense_Mutation", status="somatic")
    samples = (
        Sample("A", "A1", "B-ALL", dna_panel=exons, vcf=tmp_path / "a.vcf.gz",
               segments=tmp_path / "a.cns"),
        Sample("B", "B1", "B-ALL", segments=tmp_path / "b.cns"),
    )
    write_tsv(results / "A1.variants.tsv", VARIANT_COLUMNS, [variant])
    (results / "B1.ploidy.json").write_text(json.dumps({"low_hypodiploid": False}))
    tables = build_cohort(samples, results, base_dir=tmp_path)
    for row in ("BCR::ABL1", "KMT2A rearrangement"):
        assert {p: yes for p, (yes, _) in cells(tables, row).items()} == {"A": "no", "B": "no"}
        assert label(tables, row) == "0/0"
    assert label(tables, "TP53") == "1/1"


def test_fusion_rows_are_evaluable_by_rna_partner_baited_introns_or_sv_calls(tmp_path):
    exons = gene_list(tmp_path, "exons.txt", "ABL1", "BCR", "KMT2A")
    abl1_rna = gene_list(tmp_path, "abl1_rna.txt", "ABL1")
    sv = tmp_path / "t.manta.somaticSV.vcf.gz"
    samples = (
        Sample("RNA", "R1", "B-ALL", rna_panel=abl1_rna),
        Sample("IMPACT", "I1", "B-ALL", dna_panel=IMPACT),
        Sample("WGS", "W1", "B-ALL", fusions=sv, fusion_format="sv-vcf"),
        Sample("WGS2", "W2", "B-ALL", fusions=sv),  # format from the file name
        Sample("PANELSV", "P1", "B-ALL", dna_panel=exons, fusions=sv, fusion_format="sv-vcf"),
        Sample("ARRIBA", "A1", "B-ALL", fusions=tmp_path / "a.tsv", fusion_format="arriba"),
    )
    tables = build_cohort(samples, tmp_path / "no-results", base_dir=tmp_path)
    bcr_abl1 = cells(tables, "BCR::ABL1")
    assert bcr_abl1["RNA"] == ("yes", f"rna_panel:{abl1_rna}")
    assert bcr_abl1["IMPACT"] == ("yes", f"dna_fusion_panel:{IMPACT}")
    assert bcr_abl1["WGS"] == bcr_abl1["WGS2"] == ("yes", "sv_calls:genome")
    # SV calls from an exon panel see only baited introns; RNA calls without an RNA panel: none
    assert bcr_abl1["PANELSV"][0] == bcr_abl1["ARRIBA"][0] == "no"
    kmt2a = cells(tables, "KMT2A rearrangement")
    assert kmt2a["RNA"][0] == "no"  # the RNA panel has ABL1 but not KMT2A
    assert kmt2a["IMPACT"] == ("yes", f"dna_fusion_panel:{IMPACT}")
    assert label(tables, "BCR::ABL1") == "0/4" and label(tables, "KMT2A rearrangement") == "0/3"


def test_impact_heme_baits_kmt2a_and_abl1_introns_and_gene_lists_bait_none(tmp_path):
    assert {"KMT2A", "ABL1"} <= panel_genes(IMPACT, "fusion_introns")
    assert panel_genes(IMPACT, "fusion_introns") <= panel_genes(IMPACT, "dna")
    assert panel_genes(ARCHER, "fusion_introns") == frozenset()
    assert panel_genes(gene_list(tmp_path, "g.txt", "KMT2A"), "fusion_introns") == frozenset()


def test_a_user_panel_table_can_declare_baited_introns(tmp_path):
    table = tmp_path / "lab_panel.tsv"
    table.write_text("# our capture design\ngene\tdna\trna\tfusion_introns\n"
                     "KMT2A\tyes\tno\tyes\nTP53\tyes\tno\tno\n")
    assert panel_genes(str(table), "fusion_introns") == {"KMT2A"}
    assert panel_genes(str(table), "dna") == {"KMT2A", "TP53"}
    samples = (Sample("A", "A1", "B-ALL", dna_panel="lab_panel.tsv"),)
    tables = build_cohort(samples, tmp_path / "none", base_dir=tmp_path)
    assert cells(tables, "KMT2A rearrangement")["A"] == ("yes", "dna_fusion_panel:lab_panel.tsv")
    assert cells(tables, "BCR::ABL1")["A"][0] == "no"


def test_a_user_panel_table_with_a_bad_intron_value_names_file_line_and_field(tmp_path):
    table = tmp_path / "bad.tsv"
    table.write_text("gene\tdna\trna\tfusion_introns\nKMT2A\tyes\tno\tmaybe\n")
    with pytest.raises(LenallInputError, match="not yes/no") as error:
        panel_genes(str(table), "dna")
    assert (error.value.line, error.value.field) == (2, "fusion_introns")
    assert error.value.file == str(table)


# --- the rows file -------------------------------------------------------------------------------

def test_basis_with_its_own_genes_is_parsed_and_bad_bases_are_clear_errors(tmp_path):
    assert parse_basis("dna_panel_segments(CRLF2,P2RY8)") == (
        "dna_panel_segments", ("CRLF2", "P2RY8"))
    assert parse_basis("segments") == ("segments", ())
    crlf2 = next(r for r in load_rows() if r.row == "CRLF2 fusion")
    assert crlf2.evaluable_by == ("rna_panel(CRLF2,P2RY8,IGH)",
                                  "dna_panel_segments(CRLF2,P2RY8)", "clinical")
    header = "row\tdisplay\tkind\tgenes\tmatch\tevaluable_by\n"
    for basis, message in (("rna_panel(CRLF2", "is not name or name"),
                           ("cytology(KMT2A)", "unknown evaluability basis 'cytology'")):
        path = tmp_path / "rows.tsv"
        path.write_text(header + f"X\tX\tfusion\tCRLF2\t*::CRLF2\t{basis}\n")
        with pytest.raises(LenallInputError, match=message) as error:
            load_rows(path)
        assert error.value.line == 2 and error.value.field == "evaluable_by"


def test_genes_named_in_a_basis_must_be_known(tmp_path):
    path = tmp_path / "rows.tsv"
    path.write_text("row\tdisplay\tkind\tgenes\tmatch\tevaluable_by\n"
                    "X\tX\tfusion\tCRLF2\t*::CRLF2\tdna_panel_segments(CRLF2,P2YR8)\n")
    samples = (Sample("A", "A1", "B-ALL", dna_panel=IMPACT),)
    with pytest.raises(LenallInputError, match="P2YR8"):
        build_cohort(samples, tmp_path / "none", rows_file=path, known_genes={"CRLF2", "P2RY8"})
