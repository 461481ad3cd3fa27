"""truth.tsv: what the pipeline must find in the demo files, one row per expected outcome.

Columns
  patient, sample   who (sample is '.' for patient-level rows)
  kind              somatic_variant | identity_snp | germline_salt | artifact_salt | multiallelic |
                    symbolic_allele | fusion | cn_event | kmt2a | ploidy | clonotype | clonality |
                    clinical_finding (a positive FISH / RT-PCR / SNP-array result) |
                    evaluability | figure_count
  item              the design id (variant id, salt name, pair 'A|B', row name ...)
  gene              gene concerned ('.' when none)
  locus             variants: chrN:pos:ref:alt, one row per ALT allele in minimal form (a split
                    multi-allelic allele drops shared trailing bases); fusions and
                    copy-number events: their breakpoints or region; else '.'
  figure_row        the Figure 1 row (assets/figure1/rows.tsv) this outcome counts for, else '.'
  expected          the expected outcome: variant status (somatic, germline, likely_germline,
                    filtered, skipped), fusion/event label, ploidy class, clonality verdict,
                    evaluated/not_evaluated, or 'altered/evaluable' for figure_count
  accepted          ';'-separated outcomes that are also correct (e.g. a FILTER=germline record
                    reported as 'filtered' instead of 'germline')
  detail            evidence and numbers (HGVS, chromosome counts, VAFs ...)
"""

from __future__ import annotations

from collections import defaultdict

from .design import Design

TRUTH_COLUMNS = ("patient", "sample", "kind", "item", "gene", "locus", "figure_row", "expected",
                 "accepted", "detail")
FIGURE_ROWS_FILE = "rows.tsv"


def _row(patient: str, sample: str, kind: str, item: str, expected: str, *, gene: str = "",
         figure_row: str = "", accepted: str = "", detail: str = "",
         locus: str = "") -> dict[str, str]:
    return {"patient": patient, "sample": sample, "kind": kind, "item": item, "gene": gene,
            "locus": locus, "figure_row": figure_row, "expected": expected, "accepted": accepted or expected,
            "detail": detail}


def figure_rows() -> list[dict[str, str]]:
    from .design import read_table

    return read_table(FIGURE_ROWS_FILE)


def evaluability_rows(design: Design) -> list[dict[str, str]]:
    """Per patient and Figure 1 row: evaluated or not, by the rule in rows.tsv (the design's own
    reading of each basis, kept apart from the cohort step it checks)."""
    from ..cohort import parse_basis

    out = []
    for row in figure_rows():
        row_genes = tuple(row["genes"].split(",")) if row["genes"] not in ("", ".") else ()
        for patient in design.patients:
            samples = [s for s in design.samples if s.patient == patient and s.is_diagnostic_all]
            basis = []
            for spec in row["evaluable_by"].split("|"):
                name, genes = parse_basis(spec)
                names = (EVALUABILITY_CHECKS if name == "any" else (name,))
                for check in names:
                    if check in PATIENT_CHECKS:
                        if _patient_basis(check, row["row"], design, patient, samples):
                            basis.append(check)
                    elif any(_design_basis(check, set(genes or row_genes), s) for s in samples):
                        basis.append(check)
                if name == "any" and any(s.fusions or s.vcf for s in samples):
                    basis.append("any")
            basis = list(dict.fromkeys(basis))
            out.append(_row(patient, "", "evaluability", row["row"],
                            "evaluated" if basis else "not_evaluated", figure_row=row["row"],
                            detail=",".join(basis)))
    return out


EVALUABILITY_CHECKS = ("dna_panel", "rna_panel", "segments", "dna_panel_segments",
                       "dna_fusion_panel", "sv_calls", "karyotype", "clinical")
PATIENT_CHECKS = ("karyotype", "clinical")
TESTED = ("positive", "negative", "equivocal")


def _patient_basis(name: str, row: str, design: Design, patient: str, samples) -> bool:
    """karyotype: a diagnostic sample has an ISCN string; clinical: a finding for the row."""
    from ..readers.findings import result_words

    if name == "karyotype":
        return any(design.karyotype_of(s.sample) for s in samples)
    return any(_finding_row(f) == row and result_words()[f["result"]][0] in TESTED
               for f in design.findings_of(patient))


def _finding_row(finding: dict[str, str]) -> str:
    from ..readers.findings import lookup_target

    target = lookup_target(finding["target"])
    return (target.row or "") if target else ""


def finding_rows(design: Design) -> list[dict[str, str]]:
    """Positive clinical findings: each alters its Figure 1 row."""
    from ..readers.findings import result_words

    return [_row(f["patient"], ".", "clinical_finding", f["target"], f["result"],
                 figure_row=_finding_row(f), detail=f"{f['test']}: {f['detail']}")
            for f in design.findings if result_words()[f["result"]][0] == "positive"]


def _design_basis(name: str, genes: set[str], sample) -> bool:
    from ..readers.panels import panel_genes

    def on(panel, kind):
        return set(panel_genes(panel, kind)) if panel else set()

    dna = on(sample.dna_panel, "dna")
    introns = on(sample.dna_panel, "fusion_introns")
    return {
        "dna_panel": bool(genes & dna),
        "rna_panel": bool(genes & on(sample.rna_panel, "rna")),
        "segments": bool(sample.segments),
        "dna_panel_segments": bool(sample.segments and sample.dna_panel and genes <= dna),
        "dna_fusion_panel": bool(genes & introns),
        "sv_calls": sample.fusions == "sv-vcf" and (not sample.dna_panel or bool(genes & introns)),
    }[name]


def figure_count_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """n/N per Figure 1 row, computed from the altered and evaluability rows of `rows`."""
    evaluated: dict[str, set[str]] = defaultdict(set)
    altered: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r["kind"] == "evaluability" and r["expected"] == "evaluated":
            evaluated[r["figure_row"]].add(r["patient"])
    for r in rows:
        if r["kind"] != "evaluability" and r["figure_row"] and r["kind"] != "figure_count":
            if r["patient"] in evaluated[r["figure_row"]]:
                altered[r["figure_row"]].add(r["patient"])
    out = []
    for row in figure_rows():
        name = row["row"]
        out.append(_row("", "", "figure_count", name,
                        f"{len(altered[name])}/{len(evaluated[name])}", figure_row=name,
                        detail="altered patients: " + (",".join(sorted(altered[name])) or "none")))
    return out


def clonality_rows() -> list[dict[str, str]]:
    pairs = (
        ("04", "P04_MM|P04_BALL", "identity_mismatch", "",
         "germline SNPs of P04_MM are another person's: no relatedness verdict"),
        ("05", "P05_BALL|P05_BALL_F1H", "related", "",
         "same diagnostic tumour on two panels: TET2 frameshift, SETD2, EP300, ARID1A shared"),
        ("11", "P11_MM|P11_BALL", "unrelated, shared clonal-haematopoiesis precursor",
         "unrelated_ch_precursor",
         "TP53 R175H (MM VAF 0.04) and DNMT3A R882H (MM VAF 0.03) shared; distinct IGH; "
         "5 private mutations in each tumour"),
        ("18", "P18_MM|P18_BALL", "unrelated", "",
         "no shared mutations, 6 private in each tumour, distinct IGH (IGHV4-34/IGHJ6 vs "
         "IGHV1-69/IGHJ4)"),
        ("23", "P23_MM|P23_BALL", "related", "",
         "BIRC3 frameshift (subclonal in MM), ATM, KMT2D, ARID1A shared; same IGH clonotype "
         "(IGHV3-23/IGHJ4, junction differs by 2 nt)"),
        ("23", "P23_MM|P23_BALL_REL", "related", "",
         "as above; the relapse adds an IKZF1 frameshift deletion"),
        ("23", "P23_BALL|P23_BALL_REL", "related", "",
         "diagnosis and relapse of the same ALL"),
    )
    return [_row(p, "", "clonality", item, verdict, accepted=";".join(
        x for x in (verdict, alias) if x), detail=detail) for p, item, verdict, alias, detail in pairs]
