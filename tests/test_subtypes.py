"""Genetic subtype per patient: precedence, what evidence can exclude a subtype, the cohort
output and where it is shown (oncoprint track, report, cBioPortal)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from lenall_genomics.cohort import build_cohort, write_cohort
from lenall_genomics.errors import LenallInputError
from lenall_genomics.model import EVENT_COLUMNS, VARIANT_COLUMNS, Sample
from lenall_genomics.ploidy import classify, load_classes
from lenall_genomics.subtypes import (
    B_OTHER,
    NOT_ASSESSABLE,
    NOT_ASSESSABLE_RNA,
    PatientEvidence,
    assign_subtype,
    load_rules,
)

RULES = load_rules()
CLASSES = load_classes()
EVERYTHING = {"segments", "karyotype", "clinical", "rna_expression", "rna_panel:*",
              "dna_panel:*", "sv_calls:*", "dna_fusion_panel:*"}
NO_RNA = EVERYTHING - {"rna_expression"}
REPO = Path(__file__).resolve().parents[1]


def event(gene, event_type, partner=".", label=".", source="rna", evidence=".", sample="S1"):
    row = dict.fromkeys(EVENT_COLUMNS, ".")
    row.update(gene=gene, event_type=event_type, partner=partner, label=label, source=source,
               evidence=evidence, sample=sample)
    return row


def ploidy(cls, modal, masked=False, pre=None, sample="S1"):
    return {"class": cls, "modal_number": modal, "masked": masked, "pre_doubling_count": pre,
            "sample": sample}


def call(available=EVERYTHING, events=(), mutations=(), ploidies=()):
    evidence = PatientEvidence("P1", list(events), list(mutations), list(ploidies),
                               set(available))
    return assign_subtype(evidence, RULES, classify=lambda n: classify(n, CLASSES))


def test_bcr_abl1_wins_over_high_hyperdiploid():
    row = call(events=[event("ABL1", "fusion", "BCR", "BCR::ABL1")],
               ploidies=[ploidy("high hyperdiploid", 55)])
    assert row["subtype"] == "BCR::ABL1"
    assert row["also_found"] == "high hyperdiploid"


@pytest.mark.parametrize(("evidence", "isoform"), [
    ("junction=e1a2", "p190 (e1a2)"), ("transcript e14a2", "p210 (e14a2)"),
    ("b2a2", "p210 (b2a2)"), (".", None)])
def test_bcr_abl1_isoform_from_the_junction(evidence, isoform):
    row = call(events=[event("ABL1", "fusion", "BCR", "BCR::ABL1", evidence=evidence)])
    assert (f"isoform {isoform}" in row["evidence"]) if isoform else (
        "isoform not determined" in row["evidence"])


def test_near_haploid_and_low_hypodiploid_are_told_apart():
    assert call(ploidies=[ploidy("near-haploid", 27)])["subtype"] == "near-haploid"
    assert call(ploidies=[ploidy("low hypodiploid", 35)])["subtype"] == "low hypodiploid"


def test_masked_doubled_hypodiploid_is_still_low_hypodiploid():
    # the chromosome count (76) reads near-triploid; the clone before doubling had 38
    row = call(ploidies=[ploidy("near-triploid", 76, masked=True, pre=38)])
    assert row["subtype"] == "low hypodiploid"
    assert "masked: 38 before doubling" in row["evidence"]
    assert call(ploidies=[ploidy("near-triploid", 58, masked=True, pre=29)])["subtype"] == \
        "near-haploid"


def test_without_rna_expression_no_patient_is_b_other():
    assert call()["subtype"] == B_OTHER
    row = call(available=NO_RNA)
    assert row["subtype"] == NOT_ASSESSABLE_RNA
    not_assessable = row["not_assessable"].split("; ")
    assert {"DUX4-r", "PAX5alt", "Ph-like (CRLF2-r)"} <= set(not_assessable)
    assert "BCR::ABL1" not in not_assessable


def test_missing_dna_evidence_is_not_assessable_not_b_other():
    row = call(available={"rna_expression", "rna_panel:*"})
    assert row["subtype"] == NOT_ASSESSABLE
    assert "high hyperdiploid" in row["not_assessable"] and "PAX5 P80R" in row["not_assessable"]


def test_panel_evidence_counts_only_for_the_subtypes_genes():
    base = NO_RNA - {"rna_panel:*", "sv_calls:*", "dna_fusion_panel:*", "karyotype",
                     "clinical"}
    row = call(available=base | {"rna_panel:ABL1", "rna_panel:BCR"})
    assert "BCR::ABL1" not in row["not_assessable"].split("; ")
    assert "KMT2A-r" in row["not_assessable"].split("; ")


def test_evaluable_figure1_row_makes_a_subtype_assessable():
    base = NO_RNA - {"rna_panel:*", "sv_calls:*", "dna_fusion_panel:*", "karyotype",
                     "clinical"}
    row = call(available=base | {"row:BCR::ABL1"})
    assert "BCR::ABL1" not in row["not_assessable"].split("; ")


@pytest.mark.parametrize("partner", ["P2RY8", "IGH"])
def test_crlf2_fusion_is_ph_like(partner):
    row = call(available=NO_RNA,
               events=[event("CRLF2", "fusion", partner, f"{partner}::CRLF2")])
    assert row["subtype"] == "Ph-like (CRLF2-r)" and row["group"] == "BCR::ABL1-like"


def test_abl1_with_another_partner_is_ph_like_abl_class():
    row = call(events=[event("ABL1", "fusion", "NUP214", "NUP214::ABL1")])
    assert row["subtype"] == "Ph-like (ABL-class)"
    assert call(events=[event("ABL1", "fusion", "BCR", "BCR::ABL1")])["also_found"] == "."


def test_pax5_p80r_and_ikzf1_n159y_from_mutations():
    for hgvsp in ("p.Pro80Arg", "ENSP00000350844.4:p.(Pro80Arg)", "p.P80R"):
        row = call(mutations=[{"gene": "PAX5", "hgvsp": hgvsp, "sample": "S1"}])
        assert row["subtype"] == "PAX5 P80R", hgvsp
    assert call(mutations=[{"gene": "PAX5", "hgvsp": "p.Pro80Leu", "sample": "S1"}])[
        "subtype"] == B_OTHER
    assert call(mutations=[{"gene": "IKZF1", "hgvsp": "p.Asn159Tyr", "sample": "S1"}])[
        "subtype"] == "IKZF1 N159Y"


def test_iamp21_from_a_karyotype_event():
    row = call(events=[event("RUNX1", "amplification", ".", "iAMP21", source="karyotype")])
    assert row["subtype"] == "iAMP21" and "(karyotype, S1)" in row["evidence"]


def test_clinical_event_of_any_source_calls_the_subtype():
    row = call(events=[event("KMT2A", "rearrangement", ".", "KMT2A rearrangement",
                             source="clinical")])
    assert row["subtype"] == "KMT2A-r"


def test_a_kmt2a_loss_is_not_a_rearrangement():
    assert call(events=[event("KMT2A", "loss", ".", "KMT2A loss", source="dna_cn")])[
        "subtype"] == B_OTHER


def test_rules_table_refuses_an_unknown_evidence(tmp_path):
    text = (REPO / "assets" / "bcell_subtypes.tsv").read_text()
    bad = tmp_path / "rules.tsv"
    bad.write_text(text.replace("segments|karyotype\tno", "segmnets|karyotype\tno", 1))
    with pytest.raises(LenallInputError) as error:
        load_rules(bad)
    assert error.value.field == "assessable_by" and error.value.line


# --- the cohort step ------------------------------------------------------------------------------

def _write(path: Path, columns, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, columns, delimiter="\t", lineterminator="\n",
                                extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def cohort_dir(tmp_path):
    results = tmp_path / "samples"
    samples = (Sample("P1", "P1-ALL", "B-ALL", dna_panel="MSK-IMPACT-Heme",
                      rna_panel="Archer-FusionPlex"),
               Sample("P2", "P2-ALL", "B-ALL", dna_panel="MSK-IMPACT-Heme"),
               Sample("P3", "P3-ALL", "B-ALL"))
    _write(results / "P1-ALL" / "P1-ALL.fusions.tsv", EVENT_COLUMNS,
           [event("CRLF2", "fusion", "P2RY8", "P2RY8::CRLF2")])
    variant = dict.fromkeys(VARIANT_COLUMNS, ".")
    variant.update(gene="PAX5", hgvsp="p.Pro80Arg", status="somatic",
                   variant_classification="Missense_Mutation")
    _write(results / "P2-ALL" / "P2-ALL.variants.tsv", VARIANT_COLUMNS, [variant])
    # P3: a karyotype-sourced event from the clinical records
    _write(results / "P3-ALL" / "P3-ALL.cn_events.tsv", EVENT_COLUMNS,
           [event("RUNX1", "amplification", ".", "iAMP21", source="karyotype")])
    out = tmp_path / "cohort"
    write_cohort(build_cohort(samples, results), out)
    return out, samples, results


def _subtypes(path: Path) -> dict[str, dict[str, str]]:
    lines = [x for x in path.read_text().splitlines() if not x.startswith("#")]
    return {r["patient"]: r for r in csv.DictReader(lines, delimiter="\t")}


def test_cohort_step_writes_subtypes_deterministically(cohort_dir):
    out, samples, results = cohort_dir
    table = _subtypes(out / "subtypes.tsv")
    assert {p: r["subtype"] for p, r in table.items()} == {
        "P1": "Ph-like (CRLF2-r)", "P2": "PAX5 P80R", "P3": "iAMP21"}
    assert table["P1"]["source_samples"] == "P1-ALL"
    assert (out / "subtypes.tsv").read_text().startswith("## genetic subtype per patient")
    first = (out / "subtypes.tsv").read_bytes()
    write_cohort(build_cohort(samples, results), out)
    assert (out / "subtypes.tsv").read_bytes() == first


def test_subtype_track_on_the_oncoprint(cohort_dir):
    from lenall_genomics.plots.oncoprint_data import data_from_cohort

    out, samples, _results = cohort_dir
    data = data_from_cohort(out, samples)
    assert dict(zip(data.patients, data.tracks["Subtype"], strict=True)).get("P1") == \
        "Ph-like (CRLF2-r)"


def test_subtype_column_in_the_report(cohort_dir):
    from lenall_genomics.report.render import render_report

    out, samples, results = cohort_dir
    html = render_report(out, results, samples, "GRCh38").read_text()
    assert 'id="subtypes-table"' in html and "Ph-like (CRLF2-r)" in html


def test_cbioportal_subtype_attribute(cohort_dir):
    from lenall_genomics.export.run import export_study

    out, samples, results = cohort_dir
    export_study(samples, results, out, "GRCh38")
    lines = (out / "cbioportal" / "data_clinical_patient.txt").read_text().splitlines()
    header = lines[4].split("\t")
    column = header.index("SUBTYPE")
    assert lines[0].split("\t")[column] == "Genetic Subtype"
    assert lines[2].split("\t")[column] == "STRING"
    values = {r[0]: r[column] for r in (x.split("\t") for x in lines[5:])}
    assert values == {"P1": "Ph-like (CRLF2-r)", "P2": "PAX5 P80R", "P3": "iAMP21"}


# --- the demo cohort ------------------------------------------------------------------------------

@pytest.mark.slow
def test_demo_subtypes(tmp_path):
    def lenall(*args):
        done = subprocess.run([sys.executable, "-m", "lenall_genomics.cli", *args],
                              capture_output=True, text=True, cwd=REPO)
        assert done.returncode == 0, done.stderr[-2000:]

    lenall("demo", "--outdir", str(tmp_path / "data"))
    lenall("run", "--samplesheet", str(tmp_path / "data" / "samplesheet.csv"), "--outdir",
           str(tmp_path / "results"), "--cores", "2", "--quiet")
    table = _subtypes(tmp_path / "results" / "cohort" / "subtypes.tsv")
    subtype = {p: r["subtype"] for p, r in table.items()}
    assert subtype["32"] == "BCR::ABL1"
    low = {p for p, s in subtype.items() if s == "low hypodiploid"}
    assert low == {"02", "07", "11", "16", "17", "21", "26", "28"}
    assert "masked" in table["17"]["evidence"] and "masked" in table["21"]["evidence"]
    assert {p for p, s in subtype.items() if s.startswith("Ph-like")} == {"06", "12"}
    assert B_OTHER not in subtype.values()  # no sample of the demo has expression data


def test_a_negative_clinical_result_calls_nothing():
    row = call(events=[event("ABL1", "fusion", "BCR", "BCR::ABL1 negative", source="clinical")])
    assert row["subtype"] == B_OTHER


def test_ploidy_class_from_a_karyotype_event():
    row = call(events=[event(".", "karyotype", ".", "low hypodiploid (35 chromosomes)",
                             source="karyotype")])
    assert row["subtype"] == "low hypodiploid"
    assert call(events=[event(".", "karyotype", ".", "hyperdiploid", source="karyotype")])[
        "subtype"] == B_OTHER  # 47-50 is not high hyperdiploid


def test_an_equivocal_finding_calls_nothing_and_excludes_nothing():
    """idic(21) without RUNX1 FISH (Harrison 2014): possible iAMP21, never B-other by it."""
    possible = event("iAMP21", "amplification", ".", "iAMP21 equivocal", source="karyotype")
    row = call(events=[possible])
    assert row["subtype"] != "iAMP21" and row["subtype"] != B_OTHER
    assert "iAMP21" in row["not_assessable"].split("; ")
    assert call()["subtype"] == B_OTHER  # the same evidence without it excludes iAMP21


# --- BCR::ABL1 isoform from a BCR breakpoint coordinate (assets/bcr_exons.tsv) -----------------

@pytest.mark.parametrize(("evidence", "expected"), [
    # Manta BND pair as the fusions step writes it (GRCh38, no chr): last base of exon 14
    ("reads=58; breakpoints=9:130823683>22:23290413; type=BND", "p210 (M-bcr, e14a2"),
    # Arriba GRCh37 K562 splice-site call
    ("breakpoint1=22:23632600 breakpoint2=9:133729451 splice-site", "p210 (M-bcr, e14a2"),
    # STAR-Fusion with chr, GRCh38, end of exon 13
    ("LeftBreakpoint=chr22:23289621:+ RightBreakpoint=chr9:130854064:+", "p210 (M-bcr, e13a2"),
    # DNA breakpoints inside introns 13 and 14, both builds, with and without chr
    ("breakpoints=chr22:23290000>chr9:130840000", "p210 (M-bcr, e13a2"),
    ("breakpoints=22:23291800>9:130840000", "p210 (M-bcr, e14a2"),
    ("breakpoints=chr22:23633500>chr9:133700000", "p210 (M-bcr, e14a2"),
    ("breakpoints=22:23632100>9:133700000", "p210 (M-bcr, e13a2"),
])
def test_bcr_abl1_isoform_from_a_breakpoint_coordinate(evidence, expected):
    row = call(events=[event("ABL1", "rearrangement", "BCR", "BCR::ABL1", source="dna_sv",
                             evidence=evidence)])
    assert f"isoform {expected} from BCR breakpoint" in row["evidence"], row["evidence"]


def test_a_junction_name_wins_over_the_coordinate_and_unplaced_breakpoints_say_so():
    named = call(events=[event("ABL1", "fusion", "BCR", "BCR::ABL1",
                               evidence="e1a2; breakpoints=22:23290413>9:130854064")])
    assert "isoform p190 (e1a2)" in named["evidence"]
    # intron 1 (m-bcr): exons 1-2 are not in assets/bcr_exons.tsv (not verified)
    unplaced = call(events=[event("ABL1", "fusion", "BCR", "BCR::ABL1",
                                  evidence="breakpoints=22:23200000>9:130854064")])
    assert "isoform not determined" in unplaced["evidence"]
    assert "assets/bcr_exons.tsv" in unplaced["evidence"]


def test_m_bcr_and_mu_bcr_from_an_exon_table_that_lists_them(tmp_path):
    """The rule for p190/p230 (intron 1 / intron 19) with a laboratory's own exon table."""
    from lenall_genomics.subtypes import bcr_isoform_from_breakpoint, load_bcr_exons, load_isoforms

    table = tmp_path / "bcr_exons.tsv"
    table.write_text("# test exons (not real coordinates)\n"
                     "build\texon\tstart\tend\tstatus\tsource\n"
                     "GRCh38\t1\t1000\t2000\tread\ttest\nGRCh38\t2\t70000\t70100\tread\ttest\n"
                     "GRCh38\t19\t90000\t90100\tread\ttest\nGRCh38\t20\t95000\t95100\tread\ttest\n")
    exons = load_bcr_exons(table)
    isoforms = load_isoforms()
    assert bcr_isoform_from_breakpoint("chr22:30000", isoforms, exons).startswith(
        "p190 (m-bcr, e1a2")
    assert bcr_isoform_from_breakpoint("22:92000", isoforms, exons).startswith(
        "p230 (mu-bcr, e19a2")
    assert bcr_isoform_from_breakpoint("22:80000", isoforms, exons) is None  # exons 2-19 unknown


@pytest.mark.parametrize(("line", "field", "message"), [
    ("GRCh36\t14\t1\t2\tread\tx", "build", "unknown build 'GRCh36'"),
    ("GRCh38\tfourteen\t1\t2\tread\tx", "exon", "exon 'fourteen' is not a whole number"),
    ("GRCh38\t14\t23290413\t23290339\tread\tx", "start", "is after end"),
])
def test_bad_bcr_exon_table_names_file_line_and_field(tmp_path, line, field, message):
    from lenall_genomics.subtypes import load_bcr_exons

    table = tmp_path / "bcr_exons.tsv"
    table.write_text("build\texon\tstart\tend\tstatus\tsource\n" + line + "\n")
    with pytest.raises(LenallInputError) as caught:
        load_bcr_exons(table)
    assert (caught.value.line, caught.value.field) == (2, field)
    assert message in caught.value.message and caught.value.hint


def test_shipped_bcr_exon_table_reads_and_agrees_between_builds():
    from lenall_genomics.subtypes import load_bcr_exons

    exons = load_bcr_exons()
    assert exons["GRCh38"][14] == (23290339, 23290413)  # 75-bp exon 14 (b3)
    assert exons["GRCh37"][14][1] - exons["GRCh38"][14][1] == 342187
