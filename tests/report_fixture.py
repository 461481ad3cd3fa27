"""A small hand-made cohort (cohort tables + per-sample results) for the report and export tests.

Three patients: P01 (IMPACT-Heme DNA + Archer RNA, B-ALL and an earlier myeloma sample),
P02 (myeloid DNA panel only) and a patient whose ids are an HTML injection attempt.
"""

from __future__ import annotations

import json
from html import escape as esc
from pathlib import Path

from lenall_genomics.clonality.outputs import patient_file_stem
from lenall_genomics.model import (
    ALTERATION_COLUMNS,
    EVALUABILITY_COLUMNS,
    EVENT_COLUMNS,
    FREQUENCY_COLUMNS,
    SEGMENT_COLUMNS,
    VARIANT_COLUMNS,
    Sample,
)
from lenall_genomics.readers.maf import MAF_COLUMNS, write_maf
from lenall_genomics.writers import write_json, write_tsv

EVIL = "<script>alert(1)</script>"

SVG = ('<?xml version="1.0" encoding="utf-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
       'width="40" height="20" viewBox="0 0 40 20"><rect width="40" height="20" fill="#369"/>'
       "</svg>\n")


def samples(base: Path) -> tuple[Sample, ...]:
    return (
        Sample("P01", "T01", "B-ALL", row=1, timepoint="2020-05-01", sex="female",
               dna_panel="MSK-IMPACT-Heme", rna_panel="Archer-FusionPlex",
               vcf=base / "T01.vcf.gz", fusions=base / "T01.arriba.tsv", fusion_format="arriba",
               segments=base / "T01.cns", segments_format="cnvkit", purity=0.8),
        Sample("P01", "M01", "MM", row=2, timepoint="2016-01-10", sex="female",
               dna_panel="MSK-IMPACT-Heme", vcf=base / "M01.vcf.gz"),
        Sample("P02", "T02", "B-ALL", row=3, sex="male",
               dna_panel="RainDance-ThunderBolts-Myeloid", vcf=base / "T02.vcf.gz"),
        Sample(EVIL, EVIL, "B-ALL", row=4, sex="unknown", dna_panel="MSK-IMPACT-Heme"),
        Sample("P01", "N01", "normal", row=5, sex="female"),
    )


def variant(gene: str, hgvsp: str, status: str, vaf: float, pos: int, **extra) -> dict:
    row = {"chrom": "chr17", "pos": pos, "ref": "C", "alt": "T", "gene": gene,
           "transcript": "ENST00000269305", "hgvsc": "c.524G>A", "hgvsp": hgvsp,
           "consequence": "missense_variant", "variant_classification": "Missense_Mutation",
           "t_depth": 200, "t_alt_count": int(200 * vaf), "t_vaf": vaf, "n_depth": 100,
           "n_alt_count": 0, "n_vaf": 0.0, "population_af": None, "status": status,
           "reason": "." if status == "somatic" else "population_af", "hotspot": "true",
           "flags": None}
    row.update(extra)
    return row


def maf_row(barcode: str, gene: str, chrom: str, pos: int, ref: str, alt: str, hgvsp: str,
            short: str, **extra) -> dict:
    row = {"Hugo_Symbol": gene, "Entrez_Gene_Id": "0", "Center": ".", "NCBI_Build": "GRCh38",
           "Chromosome": chrom, "Start_Position": pos,
           "End_Position": pos + max(len(ref), 1) - 1, "Strand": "+",
           "Variant_Classification": "Missense_Mutation", "Variant_Type": "SNP",
           "Reference_Allele": ref, "Tumor_Seq_Allele1": ref, "Tumor_Seq_Allele2": alt,
           "Tumor_Sample_Barcode": barcode, "Mutation_Status": "Somatic", "HGVSp": hgvsp,
           "HGVSp_Short": short, "t_depth": 200, "t_ref_count": 116, "t_alt_count": 84,
           "all_effects": f"{gene},missense_variant,{short}"}
    row.update(extra)
    return row


def write_cohort(root: Path) -> dict[str, Path]:
    """Write cohort tables under root/cohort and per-sample results under root/samples."""
    cohort, results = root / "cohort", root / "samples"
    write_tsv(cohort / "alterations.tsv", ALTERATION_COLUMNS, [
        {"patient": "P01", "sample": "T01", "row": "TP53", "gene": "TP53",
         "alteration": "p.R175H", "display_class": "missense", "source": "dna",
         "detail": "somatic"},
        {"patient": "P01", "sample": "T01", "row": "CRLF2 fusion", "gene": "CRLF2",
         "alteration": "P2RY8::CRLF2", "display_class": "fusion", "source": "rna",
         "detail": "arriba"},
        {"patient": "P02", "sample": "T02", "row": "TP53", "gene": "TP53",
         "alteration": "p.Y220C", "display_class": "missense", "source": "dna", "detail": "vaf=0.31"},
        {"patient": EVIL, "sample": EVIL, "row": "TP53", "gene": "TP53",
         "alteration": EVIL, "display_class": "truncating", "source": "dna", "detail": EVIL},
    ], comments=("source: panel gene lists",))
    evaluability = []
    for patient, rows in (("P01", {"TP53": 1, "RB1": 1, "CRLF2 fusion": 1}),
                          ("P02", {"TP53": 1, "RB1": 0, "CRLF2 fusion": 0}),
                          (EVIL, {"TP53": 1, "RB1": 1, "CRLF2 fusion": 0})):
        for row, flag in rows.items():
            evaluability.append({"patient": patient, "row": row, "evaluated": bool(flag),
                                 "basis": "MSK-IMPACT-Heme" if flag else "not on panel"})
    write_tsv(cohort / "evaluability.tsv", EVALUABILITY_COLUMNS, evaluability)
    write_tsv(cohort / "frequencies.tsv", FREQUENCY_COLUMNS, [
        {"row": "TP53", "altered": 3, "evaluable": 3, "percent": 100.0, "label": "3/3"},
        {"row": "RB1", "altered": 0, "evaluable": 2, "percent": 0.0, "label": "0/2"},
        {"row": "CRLF2 fusion", "altered": 1, "evaluable": 1, "percent": 100.0, "label": "1/1"},
    ])
    write_tsv(cohort / "ploidy.tsv", ("patient", "sample", "modal_number", "class", "masked"), [
        {"patient": "P01", "sample": "T01", "modal_number": 36, "class": "low_hypodiploid",
         "masked": False}])
    write_tsv(cohort / "clonality.tsv", ("patient", "sample_a", "sample_b", "verdict", "p_value"),
              [{"patient": "P01", "sample_a": "M01", "sample_b": "T01", "verdict": "unrelated",
                "p_value": 0.62}])
    write_tsv(cohort / "clonality_evidence.tsv", ("patient", "kind", "detail"), [
        {"patient": "P01", "kind": "IGH", "detail": "distinct IGHV3-23 vs IGHV4-34"},
        {"patient": "P01", "kind": "mutations", "detail": "0 shared / 5 private"}])
    (cohort / "clonality").mkdir(parents=True, exist_ok=True)
    (cohort / "clonality" / "P01.svg").write_text(SVG)
    (cohort / "oncoprint.svg").write_text(SVG)

    t01 = results / "T01"
    write_tsv(t01 / "T01.variants.tsv", VARIANT_COLUMNS, [
        variant("TP53", "p.Arg175His", "somatic", 0.42, 7675088),
        variant("TET2", "p.Ile1873Thr", "germline", 0.5, 105243047, chrom="chr4"),
    ])
    write_json(t01 / "T01.variants.qc.json", {
        "sample": "T01", "records_read": 2, "alleles_considered": 2,
        "status_counts": {"somatic": 1, "germline": 1, "likely_germline": 0, "undetermined": 2,
                          "artifact": 0, "filtered": 0},
        "reason_counts": {"population_af": 1}, "flag_counts": {"germline_confirmation_recommended": 1},
        "skipped": {}, "skipped_total": 0, "thresholds": {"max_population_af": 0.01}})
    write_tsv(t01 / "T01.fusions.tsv", EVENT_COLUMNS, [
        {"gene": "CRLF2", "event_type": "fusion", "partner": "P2RY8", "label": "P2RY8::CRLF2",
         "source": "rna", "evidence": "split_reads=12", "confidence": "high"},
        {"gene": "ETV6", "event_type": "fusion", "partner": "chr12:11900000", "label": "other",
         "source": "rna", "evidence": "intergenic", "confidence": "low"},
        {"gene": "ABL1", "event_type": "rearrangement", "partner": "BCR", "label": "BCR::ABL1",
         "source": "dna_sv", "evidence": "called=ABL1::BCR; breakpoints=9:130823683>22:23290413; "
         "type=BND", "confidence": "high"},
        {"gene": "5:151031770", "event_type": "rearrangement", "partner": "17:42101555",
         "label": "other", "source": "dna_sv", "evidence": "type=BND", "confidence": "low"}])
    write_tsv(t01 / "T01.cn_events.tsv", EVENT_COLUMNS, [
        {"gene": "CDKN2A", "event_type": "deep_deletion", "partner": None,
         "label": "CDKN2A/B deletion", "source": "dna_cn", "evidence": "total_cn=0",
         "confidence": "high"},
        {"gene": "RB1", "event_type": "loss", "partner": None, "label": "RB1 loss",
         "source": "dna_cn", "evidence": "total_cn=1", "confidence": "high"},
        {"gene": "KMT2A", "event_type": "rearrangement", "partner": None,
         "label": "KMT2A rearrangement (possible, from CN breakpoint)", "source": "dna_cn",
         "evidence": "breakpoint", "confidence": "low"},
        {"gene": "CRLF2", "event_type": "fusion", "partner": "P2RY8",
         "label": "P2RY8::CRLF2 (inferred from DNA)", "source": "dna_cn",
         "evidence": "basis=total_cn; PAR1 loss", "confidence": "medium"},
        {"gene": "IKZF1", "event_type": "intragenic_deletion", "partner": None,
         "label": "IKZF1 Δ4-7", "source": "dna_cn", "evidence": "basis=total_cn",
         "confidence": "high"}])
    write_tsv(t01 / "T01.segments.tsv", SEGMENT_COLUMNS, [
        {"chrom": "chr9", "start": 21000000, "end": 22500000, "log2": -3.2, "total_cn": 0,
         "minor_cn": 0, "n_markers": 40},
        {"chrom": "chr13", "start": 18000000, "end": 114000000, "log2": -1.0, "total_cn": 1,
         "minor_cn": 0, "n_markers": 400},
        {"chrom": "chr17", "start": 1, "end": 83000000, "log2": None, "total_cn": 2,
         "minor_cn": None, "n_markers": None}])
    write_json(t01 / "T01.ploidy.json", {"class": "low_hypodiploid", "modal_number": 36,
                                         "masked": False, "chromosomes": {"1": 2}})
    (t01 / "T01.genome.svg").write_text(SVG)

    write_maf(t01 / "T01.maf", [
        maf_row("T01", "TP53", "17", 7675088, "C", "T", "p.Arg175His", "p.R175H"),
        maf_row("T01", "KRAS", "12", 25245350, "C", "A", "p.Gly12Val", "p.G12V"),
    ], MAF_COLUMNS + ("all_effects",))

    t02 = results / "T02"
    write_maf(t02 / "T02.maf", [
        maf_row("TUMOR", "TP53", "chr17", 7674872, "T", "C", "p.Tyr220Cys", "p.Y220C"),
        maf_row("TUMOR", "TET2", "chr4", 105243047, "AG", "-", "p.Ser460fs", "p.S460fs",
                Variant_Classification="Frame_Shift_Del", Variant_Type="DEL")])
    write_tsv(t02 / "T02.variants.tsv", VARIANT_COLUMNS, [
        variant("TP53", "p.Tyr220Cys", "somatic", 0.31, 7674872)])
    write_json(t02 / "T02.variants.qc.json", {"records_read": 5, "kept": 1,
                                              "filtered": {"weak_evidence": 4}})
    m01 = results / "M01"
    write_tsv(m01 / "M01.variants.tsv", VARIANT_COLUMNS, [])
    return {"cohort": cohort, "results": results}


def samplesheet(root: Path) -> Path:
    """The same samples as a samplesheet CSV (for the command tests)."""
    path = root / "samplesheet.csv"
    lines = ["patient,sample,diagnosis,sex,dna_panel,rna_panel",
             "P01,T01,B-ALL,female,MSK-IMPACT-Heme,Archer-FusionPlex",
             "P01,M01,MM,female,MSK-IMPACT-Heme,",
             "P02,T02,B-ALL,male,RainDance-ThunderBolts-Myeloid,"]
    path.write_text("\n".join(lines) + "\n")
    return path


def dump(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data))


def write_large_cohort(root: Path, patients: int, clonality_every: int = 0) -> dict:
    """Cohort tables for `patients` one-sample patients, with a subtype per patient, a
    karyotype-only alteration in one patient in ten and a karyotype result beside a dna call in
    another one in ten; patients whose number ends in 876 also have a fusions table and a
    variants QC file (the other samples have no per-sample files): the size test. With
    `clonality_every`, every such patient (from the third) also has a compared pair
    (`clonality_patient`)."""
    rows = ("TP53", "TET2", "RB1", "CDKN2A/B", "CREBBP", "KRAS", "IKZF2", "IKZF1/IKZF3",
            "CRLF2 fusion", "BCR::ABL1", "KMT2A rearrangement", "Low hypodiploid")
    ids = [f"P{i:05d}" for i in range(patients)]
    cohort, results = root / "cohort", root / "samples"
    results.mkdir(parents=True, exist_ok=True)

    def alteration(p: str, j: int, row: str, source: str) -> dict:
        return {"patient": p, "sample": f"{p}T", "row": row, "gene": row.split()[0],
                "alteration": "p.R175H", "display_class": ("missense", "truncating", "fusion")[j % 3],
                "source": source, "detail": "vaf=0.4"}

    def karyotype(i: int, j: int) -> bool:
        return (j == 11 and i % 10 == 0) or (j == 3 and i % 10 == 2)

    write_tsv(cohort / "alterations.tsv", ALTERATION_COLUMNS, (
        alteration(p, j, row, source)
        for i, p in enumerate(ids) for j, row in enumerate(rows)
        for source, present in (("dna", (i + j) % 5 == 0), ("karyotype", karyotype(i, j)))
        if present))
    write_tsv(cohort / "evaluability.tsv", EVALUABILITY_COLUMNS, (
        {"patient": p, "row": row, "evaluated": (i + j) % 7 != 0, "basis": "MSK-IMPACT-Heme"}
        for i, p in enumerate(ids) for j, row in enumerate(rows)))
    write_tsv(cohort / "frequencies.tsv", FREQUENCY_COLUMNS, (
        {"row": row, "altered": 1, "evaluable": 2, "percent": 50.0, "label": "1/2"}
        for row in rows))
    write_tsv(cohort / "subtypes.tsv", ("patient", "subtype"), (
        {"patient": p, "subtype": ("Ph-like", "low hypodiploid", "other")[i % 3]}
        for i, p in enumerate(ids)))
    for p in ids[876::1000]:
        folder = results / f"{p}T"
        write_tsv(folder / f"{p}T.fusions.tsv", EVENT_COLUMNS, [
            {"gene": "CRLF2", "event_type": "fusion", "partner": "P2RY8", "label": "P2RY8::CRLF2",
             "source": "rna", "evidence": "split_reads=12", "confidence": "high"}])
        write_json(folder / f"{p}T.variants.qc.json", {"records_read": 7, "kept": 3})
    if clonality_every:
        write_clonality(cohort, ids[3::clonality_every])
    samples = [Sample(p, f"{p}T", "B-ALL", dna_panel="MSK-IMPACT-Heme") for p in ids]
    return {"cohort": cohort, "results": results, "samples": samples}


CLONALITY = ("patient", "earlier_sample", "later_sample", "shared", "p_value", "verdict",
             "evidence")
EVIDENCE = ("patient", "earlier_sample", "later_sample", "kind", "gene", "hgvsp", "status",
            "earlier_vaf", "later_vaf", "reason")
EVIDENCE_ROWS = 86  # per patient: about 78,000 rows at 900 patients, as measured


def clonality_svg(patient: str) -> str:
    """A figure of about 13 kB, its patient's id in it."""
    bars = "".join(f'<rect x="{k}" y="{k % 20}" width="1" height="{20 - k % 20}" fill="#369"/>'
                   for k in range(220))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="240" height="40" '
            f'viewBox="0 0 240 40"><title>{patient}</title>{bars}</svg>\n')


def write_clonality(cohort: Path, patients: list[str]) -> None:
    """clonality.tsv, clonality_evidence.tsv and clonality/<patient>.svg for `patients` (a
    myeloma and a B-ALL sample each)."""
    verdicts = ("related", "unrelated", "indeterminate")
    write_tsv(cohort / "clonality.tsv", CLONALITY, (
        {"patient": p, "earlier_sample": f"{p}M", "later_sample": f"{p}T", "shared": i % 7,
         "p_value": 0.5, "verdict": verdicts[i % 3],
         "evidence": f"rule R{i % 12}; shared mutations: {i % 7}"}
        for i, p in enumerate(patients)))
    write_tsv(cohort / "clonality_evidence.tsv", EVIDENCE, (
        {"patient": p, "earlier_sample": f"{p}M", "later_sample": f"{p}T",
         "kind": "mutation" if k else "verdict", "gene": ("TP53", "KRAS", "NRAS")[k % 3],
         "hgvsp": f"p.Gly{k}Asp" if k else None, "status": ("shared", "private_later")[k % 2],
         "earlier_vaf": 0.4, "later_vaf": round(k / 100, 2),
         "reason": f"row {k} of {p}" if k else f"rule R{i % 12} decided {p}"}
        for i, p in enumerate(patients) for k in range(EVIDENCE_ROWS)))
    (cohort / "clonality").mkdir(parents=True, exist_ok=True)
    for p in patients:
        (cohort / "clonality" / f"{patient_file_stem(p)}.svg").write_text(clonality_svg(esc(p)))
