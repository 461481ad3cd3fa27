"""`lenall demo`: write the demo cohort (raw caller outputs, samplesheet, truth table, README)."""

from __future__ import annotations

from pathlib import Path

from ..errors import LenallInputError
from ..readers.findings import FINDINGS_COLUMNS
from ..writers import atomic_open, write_tsv
from . import clonotypes, fusions, segments, vcf
from .bgzf import write_bgzf
from .calls import plan_records
from .design import BUILD, DemoSample, Design, load_design
from .samplesheet import write_clinical, write_samplesheet
from .truth import (
    TRUTH_COLUMNS,
    _row,
    clonality_rows,
    evaluability_rows,
    figure_count_rows,
    finding_rows,
)

README = """lenall-genomics demo cohort
===========================

What this is
  A synthetic RECONSTRUCTION of the 32-patient cohort of Geyer et al. 2023 (Blood Advances
  7:3087; B-ALL after lenalidomide for myeloma). It is NOT patient data. The paper published
  only aggregate counts; per-patient alterations here were chosen so that, when the full
  pipeline runs on these files, every count of Figure 1 comes out exactly (TP53 9/19, TET2 5/19,
  RB1 5/17, CDKN2A/B 2/17, CREBBP 2/17, KRAS 1/19, IKZF2 1/17, IKZF1/3 0/17, CRLF2 fusion 2/14,
  low hypodiploid 8/26 of which 2 masked by doubling, KMT2A 01 likely / 13 possible,
  BCR::ABL1 in patient 32). Sex, age and centre per patient follow the paper's Table 2; dates
  are synthetic (intervals follow Table 2).

Genome
  GRCh38, chromosome names with 'chr'. Hotspot positions (TP53, KRAS, NRAS, DNMT3A, CDKN2A) are
  the published GRCh38 coordinates; other variant positions lie inside the right gene with
  synthetic c./p. notation. No read-level data, no reference sequence is implied.

Files
  samplesheet.csv   one row per sample; paths relative to this folder
  truth.tsv         every expected outcome (columns documented in its header comment)
  clinical.tsv      Table 2 facts per patient, for oncoprint annotation tracks
  vcf/              Mutect2+FilterMutectCalls VCFs annotated with Ensembl VEP (bgzipped;
                    paired tumour/normal for MSK-IMPACT-Heme and HemePACT, tumour-only for
                    FoundationOne-Heme), VarDict single-sample VCFs annotated with snpEff for
                    the myeloid panel, and a Manta somatic SV VCF (BCR::ABL1, patient 32)
  rna/              Arriba fusions.tsv (Archer FusionPlex patients) and STAR-Fusion
                    fusion_predictions.abridged.tsv (FoundationOne-Heme patients)
  cn/               FACETS cncf tables (chrom 1..23, 23 = X) and CNVkit .call.cns files (one with
                    baf/cn1/cn2 allele-specific columns)
  airr/             AIRR rearrangement TSVs (IGH) for the clonality cases
  findings/         clinical findings per patient (FISH, RT-PCR, SNP array: BCR::ABL1 for all
                    32, KMT2A FISH of 01 and 13, hypodiploid FISH / SNP-array patterns); the
                    samplesheet also carries each karyotyped sample's ISCN karyotype

Traps on purpose
  germline SNPs with and without population AF, FILTERed records, a multi-allelic site, a
  symbolic <DEL> allele, a variant that is intronic on the canonical transcript but missense on
  another, a TP53 variant at VAF ~0.5 in a tumour-only sample, non-driver and reciprocal fusion
  calls, a header-only Arriba file, two low-hypodiploid genomes that only allele-specific copy
  number reveals, a myeloma sample carrying another person's germline genotypes.

Regenerate with: lenall demo --outdir <folder>   (same bytes every time)
"""

VCF_NAMES = {"mutect2_paired": "{s}.mutect2.vep.vcf.gz",
             "mutect2_tumor_only": "{s}.mutect2.tumor_only.vep.vcf.gz",
             "vardict_snpeff": "{s}.vardict.snpeff.vcf"}


def build_demo(outdir: str | Path, genome: str = BUILD) -> Path:
    if genome != BUILD:
        raise LenallInputError(
            f"the demo cohort is written for {BUILD} only, not {genome}", field="--genome",
            hint=f"run `lenall demo --genome {BUILD}` and the pipeline with --genome {BUILD}")
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    design = load_design()
    files: dict[str, dict[str, str]] = {}
    truth: list[dict[str, str]] = []
    for sample in design.samples:
        own: dict[str, str] = {}
        if sample.vcf:
            own["vcf"] = _write_vcf(out, design, sample, truth)
        if sample.fusions:
            own["fusions"] = _write_fusions(out, design, sample, truth)
        if sample.segments:
            own["segments"] = _write_segments(out, design, sample, truth)
        if sample.clonotypes:
            own["clonotypes"] = _write_clonotypes(out, sample, truth)
        files[sample.sample] = own
    for patient in design.patients:
        written = _write_findings(out, design, patient)
        if written:
            first = next(s for s in design.samples if s.patient == patient
                         and s.is_diagnostic_all)
            files.setdefault(first.sample, {})["findings"] = written
    truth += finding_rows(design)
    truth += clonality_rows()
    truth += evaluability_rows(design)
    truth += figure_count_rows(truth)
    write_samplesheet(out / "samplesheet.csv", design, files)
    write_clinical(out / "clinical.tsv", design)
    write_tsv(out / "truth.tsv", TRUTH_COLUMNS, _sorted(truth), comments=_truth_comments())
    with atomic_open(out / "README.txt") as handle:
        handle.write(README)
    return out


def _write_findings(out: Path, design: Design, patient: str) -> str:
    """findings/<patient>.findings.tsv: the patient's clinical findings (readers/findings.py)."""
    rows = design.findings_of(patient)
    if not rows:
        return ""
    name = f"findings/{patient}.findings.tsv"
    write_tsv(out / name, FINDINGS_COLUMNS, rows,
              comments=["clinical findings (FISH, RT-PCR, SNP array) at ALL/BALLLP diagnosis; "
                        "format: docs/methods.md, Clinical cytogenetics as evidence"])
    return name


def _sorted(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    order = ("figure_count", "evaluability", "ploidy", "somatic_variant", "fusion", "cn_event",
             "kmt2a", "clinical_finding", "clonality", "clonotype", "identity_snp", "germline_salt", "artifact_salt",
             "multiallelic", "symbolic_allele")
    return sorted(rows, key=lambda r: (order.index(r["kind"]), r["patient"], r["sample"],
                                       r["item"], r["figure_row"]))


def _truth_comments() -> list[str]:
    from .truth import __doc__ as doc

    return [line.rstrip() for line in (doc or "").strip().splitlines()]


def _write_vcf(out: Path, design: Design, sample: DemoSample, truth: list) -> str:
    records = plan_records(design, sample)
    for record in records:
        for alt, row in zip(record.alts, record.truth, strict=True):
            truth.append({**row, "locus": _locus(record.chrom, record.pos, record.ref, alt)})
    relative = "vcf/" + VCF_NAMES[sample.vcf].format(s=sample.sample)
    if sample.vcf == "vardict_snpeff":
        with atomic_open(out / relative) as handle:
            handle.write(vcf.vardict_vcf(design, sample, records))
    else:
        write_bgzf(out / relative, vcf.mutect2_vcf(design, sample, records))
    return relative


def _locus(chrom: str, pos: int, ref: str, alt: str) -> str:
    """chrN:pos:ref:alt in minimal form (a split multi-allelic allele loses shared bases)."""
    if not alt.startswith("<"):
        while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
            ref, alt = ref[:-1], alt[:-1]
        while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
            ref, alt, pos = ref[1:], alt[1:], pos + 1
    return f"chr{chrom}:{pos}:{ref}:{alt}"


def _write_fusions(out: Path, design: Design, sample: DemoSample, truth: list) -> str:
    if sample.fusions == "sv-vcf":
        relative = f"vcf/{sample.sample}.manta.somaticSV.vcf.gz"
        write_bgzf(out / relative, vcf.manta_vcf(design, sample))
        truth.append(_row(sample.patient, sample.sample, "fusion", "BCR::ABL1", "BCR::ABL1",
                          gene="ABL1", figure_row="BCR::ABL1",
                          locus="chr22:23290413|chr9:130823683",
                          detail="Manta BND pair chr22:23290413 (BCR) - chr9:130823683 (ABL1), "
                                 "with its reciprocal pair; source dna_sv"))
        return relative
    calls = [c for c in design.fusions if c["sample"] == sample.sample]
    for call in calls:
        counted = call["figure_row"] if sample.is_diagnostic_all else ""
        truth.append(_row(sample.patient, sample.sample, "fusion",
                          f"{call['gene1']}::{call['gene2']}", call["expected"] or "other",
                          gene=call["gene2"], figure_row=counted,
                          locus=f"{call['breakpoint1']}|{call['breakpoint2']}",
                          detail=f"{call['caller']} {call['type'] or call['site1']} "
                                 f"{call['confidence']}; {call['note']}"))
    if sample.fusions == "arriba":
        relative = f"rna/{sample.sample}.arriba.fusions.tsv"
        text = fusions.arriba_tsv(calls, sample.sample)
    else:
        relative = f"rna/{sample.sample}.star-fusion.fusion_predictions.abridged.tsv"
        text = fusions.star_fusion_tsv(calls, sample.sample)
    with atomic_open(out / relative) as handle:
        handle.write(text)
    return relative


CN_EVENTS = {  # patient -> (kind, item, gene, figure_row, expected, accepted, detail)
    "01": ("kmt2a", "KMT2A rearrangement", "KMT2A", "KMT2A rearrangement", "likely",
           "likely;possible",
           "copy-number breakpoint inside KMT2A (chr11:118,482,501) with loss of its 3' part"),
    "04": ("cn_event", "CDKN2A/B deletion", "CDKN2A", "CDKN2A/B", "biallelic deletion",
           "biallelic deletion;deep deletion;deletion",
           "total CN 0 over chr9:21,900,001-22,050,000 inside a one-copy 9p21 loss"),
    "06": ("cn_event", "P2RY8::CRLF2 (inferred from DNA)", "CRLF2", "CRLF2 fusion",
           "P2RY8::CRLF2", "P2RY8::CRLF2",
           "focal PAR1 loss chrX:1,212,724-1,537,185 (CRLF2 intact)"),
    "13": ("cn_event", "IKZF2 loss", "IKZF2", "IKZF2", "loss", "loss;deletion",
           "one copy over chr2:212,950,001-213,200,000"),
}


def _write_segments(out: Path, design: Design, sample: DemoSample, truth: list) -> str:
    row = next(r for r in design.karyotypes if r["sample"] == sample.sample)
    sex = design.patients[sample.patient].sex
    segs = segments.design_segments(row, sex)
    purity = float(sample.purity or 0.8)
    if row["format"] == "facets":
        relative = f"cn/{sample.sample}.facets.cncf.txt"
        text = segments.facets_cncf(segs, purity, sex, sample.sample)
    else:
        relative = f"cn/{sample.sample}.call.cns"
        text = segments.cnvkit_call_cns(segs, purity, sex, sample.sample,
                                        allelic=row["format"] == "cnvkit_allelic")
    with atomic_open(out / relative) as handle:
        handle.write(text)
    low = row["expected_class"] == "low hypodiploid"
    observed = segments.chromosome_count(segs)
    truth.append(_row(
        sample.patient, sample.sample, "ploidy", "ploidy", row["expected_class"],
        figure_row="Low hypodiploid" if low else "",
        detail=f"chromosomes={row['expected_count']};observed_total={observed};"
               f"masked={row['masked']};losses={row['losses'] or 'none'};{row['note']}"))
    event = CN_EVENTS.get(sample.patient)
    if event:
        kind, item, gene, figure_row, expected, accepted, detail = event
        truth.append(_row(sample.patient, sample.sample, kind, item, expected, gene=gene,
                          figure_row=figure_row, accepted=accepted, detail=detail,
                          locus=row["focal"]))
    if sample.patient == "13":
        truth.append(_row(sample.patient, sample.sample, "kmt2a", "KMT2A rearrangement",
                          "possible", gene="KMT2A", figure_row="KMT2A rearrangement",
                          accepted="possible;likely",
                          detail="single low-confidence Arriba KMT2A::AFF1 call (1 split read)"))
    return relative


def _write_clonotypes(out: Path, sample: DemoSample, truth: list) -> str:
    relative = f"airr/{sample.sample}.airr.tsv"
    with atomic_open(out / relative) as handle:
        handle.write(clonotypes.airr_tsv(sample.sample, sample.diagnosis))
    clone = clonotypes.dominant_clone(sample.sample)
    truth.append(_row(sample.patient, sample.sample, "clonotype", "dominant IGH clone",
                      f"{clone.v.split('*')[0]}|{clone.j.split('*')[0]}", gene="IGH",
                      detail=f"junction={clone.junction};"
                             f"junction_aa={clonotypes.translate(clone.junction)}"))
    return relative
