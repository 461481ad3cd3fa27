"""Clinical cytogenetics as evidence: findings tables, karyotype/clinical evaluability, the
reconciliation of segments, RNA, DNA SVs, karyotype and FISH per cell, and its discordances."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cohort_tables import event, write_tsv
from lenall_genomics import cytogenetics
from lenall_genomics.cli import main
from lenall_genomics.cohort import build_cohort, write_cohort
from lenall_genomics.cytogenetics import CytogeneticEvidence, Karyotype, collect_evidence
from lenall_genomics.errors import LenallInputError
from lenall_genomics.model import EVENT_COLUMNS, EVENT_SOURCES, Sample
from lenall_genomics.readers.findings import Finding, read_findings

HEADER = "patient\tsample\ttest\ttarget\tresult\tdetail\tdate\n"
SHEET = {"A1": "A", "B1": "B", "C1": "C"}


def findings_file(folder: Path, *lines: str, name: str = "findings.tsv") -> Path:
    path = folder / name
    path.write_text(HEADER + "".join(line + "\n" for line in lines))
    return path


def ploidy_json(path: Path, **values) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values))


def cell(tables, patient: str, row: str) -> dict[str, str]:
    return next(e for e in tables.evaluability if e["patient"] == patient and e["row"] == row)


def label(tables, row: str) -> str:
    return next(f["label"] for f in tables.frequencies if f["row"] == row)


def karyotype_finding(patient: str, sample: str, event: str, row: str | None,
                      event_type: str = "fusion") -> Finding:
    return Finding(patient, sample, "karyotype", event, event, event_type, row, "positive",
                   "positive", "high", "t(9;22)(q34;q11.2)", "", "samplesheet.csv", 1,
                   source="karyotype")


# --- the findings reader ----------------------------------------------------------------------------

def test_findings_table_is_read_with_its_vocabulary(tmp_path):
    path = findings_file(
        tmp_path,
        "A\t\tFISH\tBCR-ABL1\tnegative\tdual fusion\t2020-01-02",
        "A\tA1\tFISH\tMLL\tlikely\tbreak-apart\t2020-01",
        "B\t\tRT PCR\tBCR::ABL1\tdetected\tp190\t",
        "B\t.\tSNP-array\thypodiploidy\tPositive\t.\t.",
        "C\t\tFISH\tETV6::RUNX1\tequivocal\t\t",
        "C\t\tflow\tCD19\tpositive\tnot a Figure 1 target\t")
    found = read_findings(path, SHEET)
    assert [(f.patient, f.sample, f.test, f.event, f.row, f.call, f.confidence) for f in found] == [
        ("A", None, "FISH", "BCR::ABL1", "BCR::ABL1", "negative", "."),
        ("A", "A1", "FISH", "KMT2A", "KMT2A rearrangement", "positive", "medium"),
        ("B", None, "RT-PCR", "BCR::ABL1", "BCR::ABL1", "positive", "high"),
        ("B", None, "SNP-array", "hypodiploid", "Low hypodiploid", "positive", "high"),
        ("C", None, "FISH", "ETV6::RUNX1", None, "equivocal", "."),
        ("C", None, "flow", "CD19", None, "positive", "high"),
    ]
    assert found[0].line == 2 and found[0].date == "2020-01-02"


@pytest.mark.parametrize(("line", "field", "message"), [
    ("Z\t\tFISH\tKMT2A\tpositive\t\t", "patient", "patient 'Z' is not in the samplesheet"),
    ("A\tB1\tFISH\tKMT2A\tpositive\t\t", "sample", "belongs to patient 'B'"),
    ("A\tX9\tFISH\tKMT2A\tpositive\t\t", "sample", "sample 'X9' is not in the samplesheet"),
    ("A\t\tFISH\tKMT2A\tpositiv\t\t", "result", "unknown result 'positiv'"),
    ("A\t\tFISH\tKMT2A\tpositive\t\t2020-13-01", "date", "not an ISO date"),
    ("A\t\tFISH\tKMT2A\tpositive\t\t03/02/2020", "date", "not an ISO date"),
    ("A\t\tWGS\tKMT2A\tpositive\t\t", "test", "unknown test 'WGS'"),
    ("A\t\tFISH\t\tpositive\t\t", "target", "target is empty"),
])
def test_bad_findings_are_errors_naming_file_line_and_field(tmp_path, line, field, message):
    path = findings_file(tmp_path, "A\t\tFISH\tBCR::ABL1\tnegative\t\t", line)
    with pytest.raises(LenallInputError, match=message) as error:
        read_findings(path, SHEET)
    assert (error.value.file, error.value.line, error.value.field) == (str(path), 3, field)
    assert error.value.hint


def test_positive_and_negative_for_one_patient_target_and_test_is_an_error(tmp_path):
    path = findings_file(tmp_path, "A\t\tFISH\tBCR::ABL1\tnegative\t\t2020-01-01",
                         "A\t\tRT-PCR\tBCR::ABL1\tpositive\t\t2020-01-01",
                         "A\t\tFISH\tBCR-ABL1\tpositive\t\t2020-02-01")
    with pytest.raises(LenallInputError, match=r"positive here but negative at .*:2") as error:
        read_findings(path, SHEET)
    assert error.value.line == 4 and error.value.field == "result"


def test_conflicts_across_tables_and_a_missing_header_are_errors(tmp_path):
    first = findings_file(tmp_path, "A\t\tFISH\tKMT2A\tnegative\t\t", name="a.tsv")
    second = findings_file(tmp_path, "A\t\tFISH\tKMT2A\trearranged\t\t", name="b.tsv")
    samples = (Sample("A", "A1", "B-ALL", findings=first),)
    with pytest.raises(LenallInputError, match="rearranged here but negative"):
        collect_evidence(samples, second)
    bare = tmp_path / "bare.tsv"
    bare.write_text("patient,test,target,result\nA,FISH,KMT2A,negative\n")
    with pytest.raises(LenallInputError, match="lacks column") as error:
        read_findings(bare, SHEET)
    assert "tab-separated" in error.value.hint


def test_cli_reports_a_bad_findings_table_on_one_line_and_exits_2(tmp_path, capsys):
    sheet = tmp_path / "samplesheet.csv"
    sheet.write_text("patient,sample,diagnosis\nA,A1,B-ALL\n")
    bad = findings_file(tmp_path, "Q\t\tFISH\tKMT2A\tpositive\t\t")
    with pytest.raises(SystemExit) as done:
        main(["cohort", "--samplesheet", str(sheet), "--results", str(tmp_path),
              "--outdir", str(tmp_path / "out"), "--findings", str(bad)])
    assert done.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{bad}:2" in err[0] and "patient" in err[0]
    assert not (tmp_path / "out" / "alterations.tsv").exists()


# --- evaluability by karyotype and clinical findings ------------------------------------------------

def test_karyotype_and_clinical_findings_make_rows_evaluable(tmp_path):
    """BCR::ABL1 tested clinically in every patient (Geyer 2023: all 32); a karyotype makes the
    cytogenetic rows evaluable but not CRLF2 (P2RY8::CRLF2 is cryptic on G-banding)."""
    samples = (Sample("A", "A1", "B-ALL"), Sample("B", "B1", "B-ALL"),
               Sample("C", "C1", "B-ALL"))
    path = findings_file(tmp_path, "A\t\tRT-PCR\tBCR::ABL1\tnegative\t\t",
                         "B\t\tFISH\tBCR::ABL1\tpositive\t\t",
                         "C\t\tFISH\tCRLF2\tfailed\tno hybridisation\t")
    evidence = collect_evidence(samples, path)
    evidence.karyotypes["A1"] = Karyotype("A1", "46,XX[20]", 46, True)
    tables = build_cohort(samples, tmp_path / "none", evidence=evidence)
    assert cell(tables, "A", "BCR::ABL1")["basis"] == "karyotype:A1;clinical:RT-PCR"
    assert cell(tables, "A", "KMT2A rearrangement")["basis"] == "karyotype:A1"
    assert cell(tables, "A", "Low hypodiploid")["basis"] == "karyotype:A1"
    assert cell(tables, "A", "CRLF2 fusion")["evaluated"] == "no"
    assert cell(tables, "C", "CRLF2 fusion")["evaluated"] == "no"  # a failed test says nothing
    assert label(tables, "BCR::ABL1") == "1/2"
    assert label(tables, "KMT2A rearrangement") == "0/1"
    altered = [a for a in tables.alterations if a.row == "BCR::ABL1"]
    assert [(a.patient, a.source, a.display_class) for a in altered] == [
        ("B", "clinical", "fusion")]


def test_a_karyotype_translocation_alters_the_row_and_joins_the_rna_call(tmp_path):
    results = tmp_path / "results"
    samples = (Sample("A", "A1", "B-ALL", rna_panel="Archer-FusionPlex"),)
    write_tsv(results / "A1.fusions.tsv", EVENT_COLUMNS,
              [event("BCR", "fusion", "ABL1", "BCR::ABL1", "rna")])
    evidence = CytogeneticEvidence()
    evidence.karyotypes["A1"] = Karyotype("A1", "46,XX,t(9;22)(q34;q11.2)[20]", 46, False)
    evidence.findings.append(karyotype_finding("A", "A1", "BCR::ABL1", "BCR::ABL1"))
    tables = build_cohort(samples, results, evidence=evidence)
    (alteration,) = [a for a in tables.alterations if a.row == "BCR::ABL1"]
    assert alteration.source == "rna;karyotype"
    assert "karyotype BCR::ABL1 positive" in alteration.detail
    assert not tables.discordance


# --- reconciliation and discordance -----------------------------------------------------------------

def test_masked_hypodiploid_karyotype_46_against_doubled_segments_is_explained(tmp_path):
    results = tmp_path / "results"
    samples = (Sample("A", "A1", "B-ALL", karyotype="46,XX[20]"),)
    ploidy_json(results / "A1.ploidy.json", **{"class": "near-triploid", "modal_number": 76,
                                               "pre_doubling_count": 38,
                                               "low_hypodiploid": True, "masked": True})
    evidence = CytogeneticEvidence()
    evidence.karyotypes["A1"] = Karyotype("A1", "46,XX[20]", 46, True)
    tables = build_cohort(samples, results, evidence=evidence)
    (alteration,) = [a for a in tables.alterations if a.row == "Low hypodiploid"]
    assert alteration.source == "dna_cn"  # the segments decide
    (record,) = tables.discordance
    assert (record["patient"], record["row"], record["decided_by"]) == (
        "A", "Low hypodiploid", "dna_cn")
    assert record["negative"] == "karyotype: 46,XX[20]"
    assert record["explanation"].startswith("masked hypodiploidy")
    assert "Safavi" in record["source"]
    assert tables.qc["evidence_discordance"] == [record]
    assert any("evidence disagrees" in w for w in tables.qc["warnings"])


def test_plain_hypodiploid_segments_against_a_normal_karyotype_get_another_explanation(tmp_path):
    results = tmp_path / "results"
    samples = (Sample("A", "A1", "B-ALL"),)
    ploidy_json(results / "A1.ploidy.json", **{"class": "low hypodiploid", "modal_number": 37,
                                               "low_hypodiploid": True, "masked": False})
    evidence = CytogeneticEvidence()
    evidence.karyotypes["A1"] = Karyotype("A1", "46,XY[20]", 46, True)
    tables = build_cohort(samples, results, evidence=evidence)
    (record,) = tables.discordance
    assert "divide poorly in culture" in record["explanation"]


def test_fish_negative_against_an_rna_fusion_is_flagged_and_positive_evidence_decides(tmp_path):
    results = tmp_path / "results"
    samples = (Sample("A", "A1", "B-ALL", rna_panel="Archer-FusionPlex"),)
    write_tsv(results / "A1.fusions.tsv", EVENT_COLUMNS,
              [event("BCR", "fusion", "ABL1", "BCR::ABL1", "rna")])
    path = findings_file(tmp_path, "A\t\tFISH\tBCR::ABL1\tnegative\tdual fusion probe\t")
    tables = build_cohort(samples, results, evidence=collect_evidence(samples, path))
    assert label(tables, "BCR::ABL1") == "1/1"
    (record,) = tables.discordance
    assert record["decided_by"] == "rna"
    assert record["negative"] == "clinical:FISH: FISH BCR::ABL1 negative; dual fusion probe"
    assert record["explanation"].startswith("FISH / RT-PCR negative with an RNA fusion")
    assert cell(tables, "A", "BCR::ABL1")["basis"] == "rna_panel:Archer-FusionPlex;clinical:FISH"


def test_fish_positive_without_an_rna_read_is_flagged(tmp_path):
    results = tmp_path / "results"
    samples = (Sample("A", "A1", "B-ALL", rna_panel="Archer-FusionPlex"),)
    write_tsv(results / "A1.fusions.tsv", EVENT_COLUMNS, [])
    path = findings_file(tmp_path, "A\t\tFISH\tKMT2A\tlikely\tbreak-apart\t")
    tables = build_cohort(samples, results, evidence=collect_evidence(samples, path))
    (alteration,) = [a for a in tables.alterations if a.row == "KMT2A rearrangement"]
    assert (alteration.source, alteration.alteration) == ("clinical", "KMT2A rearrangement")
    (record,) = tables.discordance
    assert record["negative"] == "rna: no fusion on Archer-FusionPlex"
    assert "reciprocal is deleted" in record["explanation"]


def test_cohort_writes_the_discordance_and_the_cytogenetic_events(tmp_path):
    results = tmp_path / "results"
    samples = (Sample("A", "A1", "B-ALL"), Sample("B", "B1", "B-ALL"))
    path = findings_file(tmp_path, "B\t\tFISH\tBCR::ABL1\tnegative\t\t2021-03-04",
                         "A\tA1\tFISH\tKMT2A\tpossible\tjust above cut-off\t")
    tables = build_cohort(samples, results, evidence=collect_evidence(samples, path))
    write_cohort(tables, tmp_path / "out")
    lines = (tmp_path / "out" / "cytogenetic_events.tsv").read_text().splitlines()
    assert lines[0].split("\t") == list(cytogenetics.CYTOGENETIC_EVENT_COLUMNS)
    assert lines[0].split("\t")[2:9] == list(EVENT_COLUMNS)
    rows = [dict(zip(lines[0].split("\t"), x.split("\t"), strict=True)) for x in lines[1:]]
    assert [(r["patient"], r["sample"], r["label"], r["source"], r["result"], r["confidence"])
            for r in rows] == [("A", "A1", "KMT2A", "clinical", "positive", "low"),
                               ("B", ".", "BCR::ABL1", "clinical", "negative", ".")]
    assert {"karyotype", "clinical"} <= set(EVENT_SOURCES)
    header = (tmp_path / "out" / "evidence_discordance.tsv").read_text().splitlines()[0]
    assert header.split("\t") == list(cytogenetics.DISCORDANCE_COLUMNS)


def test_samplesheet_takes_karyotype_and_findings_columns(tmp_path):
    from lenall_genomics.samplesheet import load_samplesheet, validate_samplesheet

    findings_file(tmp_path, "A\t\tFISH\tKMT2A\tnegative\t\t")
    sheet = tmp_path / "samplesheet.csv"
    sheet.write_text('patient,sample,diagnosis,karyotype,findings\n'
                     'A,A1,B-ALL,"45,XX,-7[10]/46,XX[10]",findings.tsv\n')
    (sample,) = load_samplesheet(sheet)
    assert sample.karyotype == "45,XX,-7[10]/46,XX[10]"
    assert sample.findings == (tmp_path / "findings.tsv").resolve()
    sheet.write_text("patient,sample,diagnosis,findings\nA,A1,B-ALL,missing.tsv\n")
    (problem,) = validate_samplesheet(sheet)
    assert problem.column == "findings" and "does not exist" in problem.message


def test_oncoprint_marks_cells_that_only_cytogenetics_altered(tmp_path):
    from lenall_genomics.plots.oncoprint_data import data_from_cohort

    results = tmp_path / "results"
    samples = (Sample("A", "A1", "B-ALL"),
               Sample("B", "B1", "B-ALL", rna_panel="Archer-FusionPlex"))
    write_tsv(results / "B1.fusions.tsv", EVENT_COLUMNS,
              [event("BCR", "fusion", "ABL1", "BCR::ABL1", "rna")])
    path = findings_file(tmp_path, "A\t\tFISH\tKMT2A\tpositive\t\t",
                         "B\t\tRT-PCR\tBCR::ABL1\tpositive\t\t")
    tables = build_cohort(samples, results, evidence=collect_evidence(samples, path))
    write_cohort(tables, tmp_path / "out")
    data = data_from_cohort(tmp_path / "out", samples)
    kmt2a = data.rows.index("KMT2A rearrangement")
    assert data.cytogenetic_only == [(kmt2a, data.patients.index("A"))]
    reordered = data.reordered([1, 0])
    assert reordered.cytogenetic_only == [(kmt2a, reordered.patients.index("A"))]


# --- karyotypes through the parser contract (readers/karyotype.parse_karyotype) ----------------------

class _FakeKaryotypeModule:
    """parse_karyotype as the parser contract describes it: modal_number, is_normal, findings()."""

    @staticmethod
    def parse_karyotype(text, source=None, row=None):
        from types import SimpleNamespace

        if text.count("(") != text.count(")"):
            raise LenallInputError("unbalanced bracket at position 12", file=source, line=row,
                                   field="karyotype", hint="close every '('")
        found = {
            "38,XY,-3,-5,-8,-10,-15,-19,-20,-22[14]/46,XY[6]": (
                38, False, [("ploidy", "low hypodiploid", "38 chromosomes", 14)]),
            "46,XX,t(9;22)(q34;q11.2)[20]": (
                46, False, [("fusion", "BCR::ABL1", "t(9;22)(q34;q11.2)", 20)]),
            "46,XX[20]": (46, True, []),
        }[text]
        items = tuple(SimpleNamespace(kind=k, event=e, detail=d, cells=c, clone=1)
                      for k, e, d, c in found[2])
        return SimpleNamespace(modal_number=found[0], is_normal=found[1], clones=(),
                               findings=lambda: items)


@pytest.fixture
def fake_parser(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "lenall_genomics.readers.karyotype", _FakeKaryotypeModule)


def test_karyotypes_become_karyotype_evidence(tmp_path, fake_parser):
    samples = (Sample("A", "A1", "B-ALL", row=1,
                      karyotype="38,XY,-3,-5,-8,-10,-15,-19,-20,-22[14]/46,XY[6]"),
               Sample("B", "B1", "B-ALL", row=2, karyotype="46,XX,t(9;22)(q34;q11.2)[20]"),
               Sample("C", "C1", "B-ALL", row=3, karyotype="46,XX[20]"))
    evidence = collect_evidence(samples, None, tmp_path / "samplesheet.csv")
    assert sorted(evidence.karyotypes) == ["A1", "B1", "C1"]
    tables = build_cohort(samples, tmp_path / "none", evidence=evidence)
    altered = {(a.patient, a.row): a for a in tables.alterations}
    assert sorted(altered) == [("A", "Low hypodiploid"), ("B", "BCR::ABL1")]
    assert altered["A", "Low hypodiploid"].source == "karyotype"
    assert altered["B", "BCR::ABL1"].detail.startswith("karyotype BCR::ABL1 positive")
    assert label(tables, "KMT2A rearrangement") == "0/3"  # normal karyotypes are evaluable
    assert label(tables, "Low hypodiploid") == "1/3"
    assert cell(tables, "C", "CRLF2 fusion")["evaluated"] == "no"
    events = [(r["patient"], r["label"], r["source"], r["test"]) for r in tables.cytogenetic_events]
    assert events == [("A", "low hypodiploid", "karyotype", "karyotype"),
                      ("B", "BCR::ABL1", "karyotype", "karyotype")]


def test_a_bad_karyotype_is_the_parsers_error_naming_the_row(tmp_path, fake_parser):
    samples = (Sample("A", "A1", "B-ALL", row=4, karyotype="46,XX,t(9;22(q34;q11.2)[20]"),)
    with pytest.raises(LenallInputError, match="position 12") as error:
        collect_evidence(samples, None, tmp_path / "samplesheet.csv")
    assert (error.value.line, error.value.field) == (4, "karyotype")


def test_validate_lists_a_bad_karyotype_with_its_row(tmp_path, fake_parser):
    from lenall_genomics.samplesheet import validate_samplesheet

    sheet = tmp_path / "samplesheet.csv"
    sheet.write_text('patient,sample,diagnosis,karyotype\nA,A1,B-ALL,"46,XX[20]"\n'
                     'B,B1,B-ALL,"46,XX,t(9;22(q34;q11.2)[20]"\n')
    (problem,) = validate_samplesheet(sheet)
    assert (problem.row, problem.column) == (2, "karyotype")
    assert "position 12" in problem.message and problem.hint


def test_subtypes_see_cytogenetic_events_positive_calls_negative_does_not(tmp_path):
    samples = (Sample("A", "A1", "B-ALL"), Sample("B", "B1", "B-ALL"))
    path = findings_file(tmp_path, "A\t\tRT-PCR\tBCR::ABL1\tpositive\tp190\t",
                         "B\t\tFISH\tBCR::ABL1\tnegative\t\t")
    tables = build_cohort(samples, tmp_path / "none", evidence=collect_evidence(samples, path))
    subtype = {r["patient"]: r for r in tables.subtypes}
    assert subtype["A"]["subtype"] == "BCR::ABL1"
    assert "clinical" in subtype["A"]["evidence"]
    assert subtype["B"]["subtype"] != "BCR::ABL1"
    assert "BCR::ABL1" not in subtype["B"]["not_assessable"].split(";")


# --- iAMP21 from karyotypes and RUNX1 FISH text -----------------------------------------------------

@pytest.mark.parametrize(("target", "result", "detail", "call"), [
    ("RUNX1", "amplified", "", "positive"),
    ("RUNX1", "positive", "nuc ish(RUNX1x6)[160/200]", "positive"),
    ("RUNX1", "positive", "7 RUNX1 signals per cell", "positive"),
    ("AML1", "positive", "4 extra copies on one abnormal chromosome 21", "positive"),
    ("RUNX1", "positive", "3 RUNX1 signals (trisomy 21)", "negative"),
    ("RUNX1", "positive", "", "equivocal"),
    ("iAMP21", "positive", "", "positive"),
    ("iAMP21", "positive", "4 RUNX1 signals", "equivocal"),
    ("RUNX1", "negative", "2 signals", "negative"),
])
def test_iamp21_rule_applied_to_runx1_fish_findings(tmp_path, target, result, detail, call):
    path = findings_file(tmp_path, f"A\t\tFISH\t{target}\t{result}\t{detail}\t")
    (found,) = read_findings(path, SHEET)
    assert (found.event, found.call) == ("iAMP21", call)
    if result != "negative" and (call != "positive" or detail):
        assert "Harrison 2014" in found.detail  # the rule is named where it was applied


def test_iamp21_subtype_from_karyotype_fish_and_findings_text(tmp_path):
    samples = (Sample("A", "A1", "B-ALL", karyotype="46,XX,dup(21)(q22q22)x?"),
               Sample("B", "B1", "B-ALL", karyotype="46,XX[20].ish amp(21)(RUNX1)"),
               Sample("C", "C1", "B-ALL", karyotype="46,XY,der(21)amp(21)(q22)[10]"),
               Sample("D", "D1", "B-ALL", karyotype="47,XX,+X,idic(21)(q22)[12]"),
               Sample("E", "E1", "B-ALL", karyotype="46,XX[20]"),
               Sample("F", "F1", "B-ALL", karyotype="46,XX[20]"))
    path = findings_file(tmp_path, "E\t\tFISH\tRUNX1\tpositive\tnuc ish(RUNX1x6)[160/200]\t",
                         "F\t\tFISH\tRUNX1\tpositive\t3 RUNX1 signals\t")
    tables = build_cohort(samples, tmp_path / "none", evidence=collect_evidence(samples, path))
    subtype = {r["patient"]: r for r in tables.subtypes}
    for patient in "ABCE":
        assert subtype[patient]["subtype"] == "iAMP21", subtype[patient]
    # idic(21) alone: the appearance, not the amplification; iAMP21 stays open, not excluded
    assert subtype["D"]["subtype"] != "iAMP21"
    assert "iAMP21" in subtype["D"]["not_assessable"].split("; ")
    # three RUNX1 signals: tested, below the rule, so iAMP21 is excluded
    assert subtype["F"]["subtype"] != "iAMP21"
    assert "iAMP21" not in subtype["F"]["not_assessable"].split("; ")
    events = [r for r in cytogenetics.event_rows(collect_evidence(samples, path))
              if r["label"] == "iAMP21"]
    assert {(r["patient"], r["result"]) for r in events} == {
        ("A", "positive"), ("B", "positive"), ("C", "positive"), ("D", "equivocal"),
        ("E", "positive"), ("F", "negative")}


def test_a_negative_fish_in_the_karyotype_is_negative_evidence(tmp_path):
    samples = (Sample("A", "A1", "B-ALL", karyotype="46,XX[20].nuc ish(ABL1,BCR)x2[200]"),)
    evidence = collect_evidence(samples)
    (finding,) = [f for f in evidence.findings if f.event == "BCR::ABL1"]
    assert finding.call == "negative"
    tables = build_cohort(samples, tmp_path / "none", evidence=evidence)
    assert not [a for a in tables.alterations if a.row == "BCR::ABL1"]


def test_doubled_hypodiploid_karyotypes_in_the_cohort(tmp_path):
    low = "35,XY,-2,-3,-4,-7,-12,-13,-15,-16,-17,-20,-22"
    doubled = ("70,XXYY,-2,-2,-3,-3,-4,-4,-7,-7,-12,-12,-13,-13,-15,-15,-16,-16,-17,-17,"
               "-20,-20,-22,-22")
    samples = (Sample("A", "A1", "B-ALL", karyotype=f"{low}[10]/{doubled}[5]"),
               Sample("B", "B1", "B-ALL", karyotype=f"{doubled}[15]"),
               Sample("C", "C1", "B-ALL", karyotype="55,XX,+X,+4,+6,+10,+14,+17,+18,+21,+21[20]"))
    evidence = collect_evidence(samples)
    tables = build_cohort(samples, tmp_path / "none", evidence=evidence)
    subtype = {r["patient"]: r for r in tables.subtypes}
    assert subtype["A"]["subtype"] == "low hypodiploid"
    assert "doubled (masked) hypodiploid" in subtype["A"]["evidence"] or any(
        "doubled (masked) hypodiploid" in r["evidence"] for r in tables.cytogenetic_events
        if r["patient"] == "A")
    assert cell(tables, "A", "Low hypodiploid")["evaluated"] == "yes"
    assert [a.patient for a in tables.alterations if a.row == "Low hypodiploid"] == ["A"]
    # alone: possible, never high hyperdiploid or near-triploid; low hypodiploid stays open
    assert subtype["B"]["subtype"] not in ("high hyperdiploid", "low hypodiploid")
    assert "low hypodiploid" in subtype["B"]["not_assessable"].split("; ")
    (possible,) = [r for r in tables.cytogenetic_events
                   if r["patient"] == "B" and r["gene"].startswith("possible")]
    assert possible["result"] == "equivocal"
    assert subtype["C"]["subtype"] == "high hyperdiploid"
