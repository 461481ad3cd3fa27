"""Cohort tables: which samples make a column, what counts, and the n/N denominators."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from cohort_tables import event
from cohort_tables import write_tsv as write_rows
from lenall_genomics.cli import main
from lenall_genomics.cohort import (
    build_cohort,
    expand_genes,
    fusion_partners,
    load_rows,
    select_columns,
    write_cohort,
)
from lenall_genomics.errors import LenallInputError
from lenall_genomics.model import EVENT_COLUMNS, VARIANT_COLUMNS, Sample

IMPACT = "MSK-IMPACT-Heme"
MYELOID = "RainDance-ThunderBolts-Myeloid"
ARCHER = "Archer-FusionPlex"


def variant(gene, classification, status="somatic", hgvsp="p.X1Y", flags="."):
    row = dict.fromkeys(VARIANT_COLUMNS, ".")
    row.update(chrom="chr17", pos="7675088", ref="C", alt="T", gene=gene, hgvsp=hgvsp,
               variant_classification=classification, status=status, t_vaf="0.41",
               flags=flags)
    return row


@pytest.fixture
def cohort(tmp_path):
    """Four patients: IMPACT+Archer, myeloid panel, two same-day B-ALL samples + relapse + MM,
    and one with only a myeloma sample."""
    results = tmp_path / "results" / "samples"
    samples = (
        Sample("P1", "P1-ALL", "B-ALL", timepoint="2019-05-02", sex="female", dna_panel=IMPACT,
               rna_panel=ARCHER),
        Sample("P2", "P2-ALL", "BALLLP", timepoint="2020-02-01", sex="male", dna_panel=MYELOID),
        Sample("P3", "P3-ALL-a", "B-ALL", timepoint="2021-01-05", dna_panel=IMPACT),
        Sample("P3", "P3-ALL-b", "B-ALL", timepoint="2021-01-05", dna_panel=IMPACT),
        Sample("P3", "P3-REL", "B-ALL", timepoint="2022-06-30", dna_panel=IMPACT),
        Sample("P3", "P3-MM", "MM", timepoint="2015-03-01", dna_panel=IMPACT),
        Sample("P4", "P4-MM", "MM", timepoint="2018-01-01", dna_panel=IMPACT),
    )
    write_rows(results / "P1-ALL" / "P1-ALL.variants.tsv", VARIANT_COLUMNS, [
        variant("TP53", "Missense_Mutation", hgvsp="p.R175H"),
        variant("TP53", "Silent"),
        variant("TET2", "Nonsense_Mutation", status="germline"),
    ])
    write_rows(results / "P1-ALL" / "P1-ALL.fusions.tsv", EVENT_COLUMNS, [
        event("P2RY8", "fusion", "CRLF2", "P2RY8::CRLF2")])
    write_rows(results / "P1-ALL" / "P1-ALL.cn_events.tsv", EVENT_COLUMNS, [
        event("CDKN2A/B", "deletion", label="CDKN2A/B deletion", source="dna_cn")])
    (results / "P1-ALL" / "P1-ALL.ploidy.json").write_text(json.dumps(
        {"sample": "P1-ALL", "class": "low_hypodiploid", "low_hypodiploid": True,
         "masked": False, "modal_number": 36, "pre_doubling_count": None}))
    write_rows(results / "P2-ALL" / "P2-ALL.variants.tsv", VARIANT_COLUMNS, [
        variant("TP53", "Frame_Shift_Del"),
        variant("RB1", "Nonsense_Mutation"),  # RB1 is not on the myeloid panel
    ])
    write_rows(results / "P3-ALL-a" / "P3-ALL-a.variants.tsv", VARIANT_COLUMNS, [
        variant("TP53", "Missense_Mutation", hgvsp="p.R248Q")])
    write_rows(results / "P3-ALL-b" / "P3-ALL-b.variants.tsv", VARIANT_COLUMNS, [
        variant("KRAS", "Missense_Mutation", hgvsp="p.G12D"),
        variant("TP53", "Missense_Mutation", hgvsp="p.R248Q")])
    write_rows(results / "P3-REL" / "P3-REL.variants.tsv", VARIANT_COLUMNS, [
        variant("RB1", "Missense_Mutation")])
    write_rows(results / "P3-MM" / "P3-MM.variants.tsv", VARIANT_COLUMNS, [
        variant("CREBBP", "Missense_Mutation")])
    return samples, tmp_path / "results"


def frequencies(tables) -> dict[str, str]:
    return {f["row"]: f["label"] for f in tables.frequencies}


def test_denominators_follow_panel_content(cohort):
    samples, results = cohort
    tables = build_cohort(samples, results)
    freq = frequencies(tables)
    assert freq["TP53"] == "3/3"
    # RB1 is not on P2's myeloid panel, but its RB1 call makes P2 evaluable through that call
    assert freq["RB1"] == "1/3"
    assert freq["KRAS"] == "1/3"
    assert freq["CDKN2A/B"] == "1/2"
    assert freq["CRLF2 fusion"] == "1/1"  # only P1 had RNA
    assert freq["Low hypodiploid"] == "1/1"
    assert freq["TET2"] == "0/3"  # germline TET2 does not count
    assert freq["CREBBP"] == "0/2"  # the myeloma sample's CREBBP is not the B-ALL's


def test_evaluability_basis_and_an_off_panel_call_evaluable_through_detection(cohort):
    samples, results = cohort
    tables = build_cohort(samples, results)
    cell = {(e["patient"], e["row"]): e for e in tables.evaluability}
    assert cell["P1", "TP53"]["evaluated"] == "yes"
    assert cell["P1", "TP53"]["basis"] == f"dna_panel:{IMPACT}"
    assert cell["P1", "CRLF2 fusion"]["basis"] == f"rna_panel:{ARCHER}"
    assert (cell["P2", "RB1"]["evaluated"], cell["P2", "RB1"]["basis"]) == ("yes", "detected:dna")
    assert cell["P2", "CREBBP"]["evaluated"] == "no"  # nothing detected: the panel rule holds
    through = tables.qc["evaluable_through_detection"]
    assert [(c["patient"], c["row"], c["evidence"], c["sample"]) for c in through] == [
        ("P2", "RB1", "dna", "P2-ALL")]
    assert any("P2" in w and "RB1" in w and "detected by dna" in w
               for w in tables.qc["warnings"])
    assert any(a.patient == "P2" and a.row == "RB1" for a in tables.alterations)


def test_earliest_timepoint_union_and_relapse_excluded(cohort):
    samples, results = cohort
    columns = {c.patient: c for c in select_columns(samples)}
    assert set(columns) == {"P1", "P2", "P3"}  # P4 has no B-ALL sample
    assert [s.sample for s in columns["P3"].samples] == ["P3-ALL-a", "P3-ALL-b"]
    assert [name for name, _ in columns["P3"].excluded] == ["P3-REL"]
    tables = build_cohort(samples, results)
    p3 = [(a.row, a.sample) for a in tables.alterations if a.patient == "P3"]
    # the TP53 seen in both diagnostic samples is one alteration, both samples named
    assert ("TP53", "P3-ALL-a;P3-ALL-b") in p3
    assert ("KRAS", "P3-ALL-b") in p3
    assert all(row != "RB1" for row, _ in p3)


def test_timepoint_labels_order_diagnosis_before_relapse():
    samples = (Sample("P", "rel", "B-ALL", timepoint="relapse"),
               Sample("P", "dx", "B-ALL", timepoint="diagnosis"))
    (column,) = select_columns(samples)
    assert [s.sample for s in column.samples] == ["dx"]


def test_written_tables_are_byte_stable(cohort, tmp_path):
    samples, results = cohort
    first, second = tmp_path / "a", tmp_path / "b"
    write_cohort(build_cohort(samples, results), first)
    write_cohort(build_cohort(samples, results), second)
    for name in ("alterations.tsv", "evaluability.tsv", "frequencies.tsv", "ploidy.tsv"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    header = (first / "frequencies.tsv").read_text().splitlines()[0]
    assert header == "row\taltered\tevaluable\tpercent\tlabel"
    assert "TP53\t3\t3\t100\t3/3" in (first / "frequencies.tsv").read_text()


def test_rows_file_with_unknown_gene_is_a_clear_error(tmp_path, cohort):
    samples, results = cohort
    rows = tmp_path / "rows.tsv"
    rows.write_text("row\tdisplay\tkind\tgenes\tmatch\tevaluable_by\n"
                    "TP35\tTP35\tgene_mutation\tTP35\t.\tdna_panel\n")
    sheet = _samplesheet(tmp_path, samples)
    with pytest.raises(SystemExit) as exit_info:
        main(["cohort", "--samplesheet", str(sheet), "--results", str(results), "--outdir",
              str(tmp_path / "out"), "--rows", str(rows)])
    assert exit_info.value.code == 2


def test_unknown_gene_message_names_gene_and_suggestion(tmp_path, cohort):
    from lenall_genomics.cohort import run_cohort

    samples, results = cohort
    rows = tmp_path / "rows.tsv"
    rows.write_text("row\tkind\tgenes\nTP35\tgene_mutation\tTP35\n")
    with pytest.raises(LenallInputError) as error:
        run_cohort(_samplesheet(tmp_path, samples), results, tmp_path / "out", "GRCh38", rows)
    assert "TP35" in str(error.value) and "TP53" in str(error.value)


def test_rows_file_bad_kind_is_a_clear_error(tmp_path):
    rows = tmp_path / "rows.tsv"
    rows.write_text("row\tkind\tgenes\nX\tmutation\tTP53\n")
    with pytest.raises(LenallInputError, match="unknown row kind 'mutation'"):
        load_rows(rows)


def test_default_rows_are_figure1_order():
    rows = load_rows()
    assert [r.row for r in rows][:8] == ["TP53", "TET2", "RB1", "CDKN2A/B", "CREBBP", "KRAS",
                                         "IKZF2", "IKZF1/IKZF3"]
    crlf2 = next(r for r in rows if r.row == "CRLF2 fusion")
    assert crlf2.match == ("*::CRLF2",)


def test_crlf2_fusion_inferred_from_dna_and_igh_partner_count(tmp_path):
    results = tmp_path / "res"
    samples = (Sample("A", "A1", "B-ALL", dna_panel=IMPACT, rna_panel=ARCHER),
               Sample("B", "B1", "B-ALL", dna_panel=IMPACT, rna_panel=ARCHER),
               Sample("C", "C1", "B-ALL", dna_panel=IMPACT, rna_panel=ARCHER))
    write_rows(results / "A1.cn_events.tsv", EVENT_COLUMNS, [
        event("CRLF2", "deletion", "P2RY8", "P2RY8::CRLF2 (inferred from DNA)", "dna_cn")])
    write_rows(results / "B1.fusions.tsv", EVENT_COLUMNS, [
        event("IGH", "fusion", "CRLF2", "IGH::CRLF2")])
    write_rows(results / "C1.fusions.tsv", EVENT_COLUMNS, [
        event("CRLF2", "fusion", "P2RY8", "CRLF2::P2RY8")])  # CRLF2 5': not this row
    tables = build_cohort(samples, results)
    assert frequencies(tables)["CRLF2 fusion"] == "2/3"


def test_gene_and_fusion_helpers():
    assert expand_genes("CDKN2A/B") == ("CDKN2A", "CDKN2B")
    assert expand_genes("IKZF1,IKZF3") == ("IKZF1", "IKZF3")
    assert fusion_partners({"label": "P2RY8::CRLF2 (inferred from DNA)"}) == ("P2RY8", "CRLF2")
    assert fusion_partners({"label": ".", "gene": "BCR", "partner": "ABL1"}) == ("BCR", "ABL1")


def _samplesheet(tmp_path: Path, samples) -> Path:
    path = tmp_path / "samplesheet.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["patient", "sample", "diagnosis", "timepoint", "sex", "dna_panel",
                         "rna_panel"])
        for s in samples:
            writer.writerow([s.patient, s.sample, s.diagnosis, s.timepoint or "", s.sex or "",
                             s.dna_panel or "", s.rna_panel or ""])
    return path


def test_cohort_command_writes_the_four_tables(tmp_path, cohort):
    samples, results = cohort
    out = tmp_path / "cohort"
    main(["cohort", "--samplesheet", str(_samplesheet(tmp_path, samples)), "--results",
          str(results), "--outdir", str(out), "--genome", "GRCh38"])
    for name in ("alterations.tsv", "evaluability.tsv", "frequencies.tsv", "ploidy.tsv"):
        assert (out / name).is_file()
    assert "P1-ALL" in (out / "ploidy.tsv").read_text()


def test_event_labels_as_the_events_step_writes_them(tmp_path):
    """Labels and types of the events package: CN KMT2A breakpoints, CDKN2A/B, IKZF1 Δ4-7, `other`."""
    results = tmp_path / "res"
    samples = tuple(Sample(p, f"{p}1", "B-ALL", dna_panel=IMPACT, rna_panel=ARCHER,
                           segments=Path("x.cns")) for p in ("A", "B", "C"))
    write_rows(results / "A1.cn_events.tsv", EVENT_COLUMNS, [
        event("KMT2A", "rearrangement", "", "KMT2A rearrangement (likely, from CN breakpoint)",
              "dna_cn", "medium"),
        event("CDKN2A", "deep_deletion", "", "CDKN2A/B deletion", "dna_cn"),
        event("IKZF2", "gain", "", "IKZF2 gain", "dna_cn")])  # a gain is not a loss
    write_rows(results / "B1.cn_events.tsv", EVENT_COLUMNS, [
        event("IKZF1", "intragenic_deletion", "", "IKZF1 Δ4-7", "dna_cn")])
    write_rows(results / "C1.fusions.tsv", EVENT_COLUMNS, [
        event("ZNF384", "fusion", "CRLF2", "other")])  # uncurated, CRLF2 still 3'
    tables = build_cohort(samples, results)
    freq = frequencies(tables)
    assert freq["KMT2A rearrangement"] == "1/3"
    assert freq["CDKN2A/B"] == "1/3"
    assert freq["IKZF2"] == "0/3"
    assert freq["IKZF1/IKZF3"] == "1/3"
    assert freq["CRLF2 fusion"] == "1/3"
    kmt2a = next(a for a in tables.alterations if a.row == "KMT2A rearrangement")
    assert kmt2a.display_class == "fusion" and "medium" in kmt2a.detail
    other = next(a for a in tables.alterations if a.row == "CRLF2 fusion")
    assert other.alteration == "ZNF384::CRLF2"


def test_missing_columns_in_a_per_sample_table_is_a_clear_error(tmp_path):
    results = tmp_path / "res"
    (results).mkdir()
    (results / "A1.variants.tsv").write_text("gene\tconsequence\nTP53\tmissense_variant\n")
    with pytest.raises(LenallInputError, match="variant_classification"):
        build_cohort((Sample("A", "A1", "B-ALL", dna_panel=IMPACT),), results)
