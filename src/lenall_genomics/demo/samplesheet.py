"""The demo's samplesheet.csv (columns of model.SAMPLESHEET_COLUMNS, paths relative to it) and a
clinical.tsv with Table 2's per-patient facts for the oncoprint's annotation tracks."""

from __future__ import annotations

import csv
from pathlib import Path

from ..model import SAMPLESHEET_COLUMNS
from ..writers import atomic_open, write_tsv
from .design import Design

FUSION_FORMATS = {"arriba": "arriba", "star-fusion": "star-fusion", "sv-vcf": "sv-vcf"}
SEGMENT_FORMATS = {"facets": "facets", "cnvkit": "cnvkit", "cnvkit_allelic": "cnvkit"}
CLINICAL_COLUMNS = ("patient", "sex", "age_at_all", "centre", "diagnosis", "mm_to_all_years",
                    "relapse")


def write_samplesheet(path: Path, design: Design, files: dict[str, dict[str, str]]) -> None:
    """`files[sample]` maps vcf/fusions/segments/clonotypes to paths relative to `path`'s folder."""
    with atomic_open(path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(SAMPLESHEET_COLUMNS)
        for s in design.samples:
            own = files.get(s.sample, {})
            patient = design.patients[s.patient]
            row = {
                "patient": s.patient, "sample": s.sample, "diagnosis": s.diagnosis,
                "timepoint": s.timepoint, "sex": patient.sex, "dna_panel": s.dna_panel,
                "rna_panel": s.rna_panel, "vcf": own.get("vcf", ""), "maf": "",
                "normal": s.normal, "fusions": own.get("fusions", ""),
                "fusion_format": FUSION_FORMATS.get(s.fusions, ""),
                "segments": own.get("segments", ""),
                "segments_format": SEGMENT_FORMATS.get(s.segments, ""),
                "clonotypes": own.get("clonotypes", ""), "purity": s.purity,
                "karyotype": design.karyotype_of(s.sample), "findings": own.get("findings", ""),
            }
            writer.writerow([row[c] for c in SAMPLESHEET_COLUMNS])


def write_clinical(path: Path, design: Design) -> None:
    rows = [{"patient": p.patient, "sex": p.sex, "age_at_all": p.age_all, "centre": p.centre,
             "diagnosis": p.diagnosis, "mm_to_all_years": p.mm_to_all_years,
             "relapse": p.relapse} for p in design.patients.values()]
    write_tsv(path, CLINICAL_COLUMNS, sorted(rows, key=lambda r: r["patient"]))
