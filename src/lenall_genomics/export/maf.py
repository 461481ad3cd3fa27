"""cohort.maf: the somatic calls of every sample in one MAF (maftools and cBioPortal read it).

The rows are the per-sample MAFs the variants step wrote (`<sample>.maf`, somatic rows only), read
and written with the pipeline's own MAF reader and writer, so reading cohort.maf back gives the
per-sample rows unchanged. Standard MAF columns come first, then any extra column in file order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..genome import normalize_chrom
from ..model import Sample
from ..readers.maf import MAF_COLUMNS, read_maf, write_maf
from ..results import ResultFiles

_CHROM_ORDER = {str(i): i for i in range(1, 23)} | {"X": 23, "Y": 24, "MT": 25}


@dataclass
class MafSummary:
    """Counts for the QC json: rows kept, samples without a MAF, rows left out and why."""

    rows: int = 0
    samples_with_calls: int = 0
    samples_without_maf: list[str] = field(default_factory=list)
    barcodes_set_to_sample: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"rows": self.rows, "samples_with_calls": self.samples_with_calls,
                "samples_without_maf": self.samples_without_maf,
                "barcodes_set_to_sample": self.barcodes_set_to_sample, "skipped": self.skipped}


def cohort_mutations(samples: Sequence[Sample], results: ResultFiles
                     ) -> tuple[tuple[str, ...], list[dict[str, str]], MafSummary]:
    """The columns and rows of the cohort MAF, sorted by sample and genomic position."""
    summary = MafSummary()
    columns = list(MAF_COLUMNS)
    rows: list[dict[str, str]] = []
    for s in sorted((s for s in samples if s.is_tumour), key=lambda s: (s.patient, s.sample)):
        path = results.find(s.sample, "maf")
        if path is None:
            if s.vcf or s.maf:
                summary.samples_without_maf.append(s.sample)
            continue
        frame = read_maf(path, sample=s.sample)
        columns += [c for c in frame.columns if c not in columns]
        records = frame.to_dict("records")
        for record in records:
            barcode = record.get("Tumor_Sample_Barcode", "")
            if barcode != s.sample:
                summary.barcodes_set_to_sample[barcode or "(empty)"] = s.sample
                record["Tumor_Sample_Barcode"] = s.sample
            if record.get("Mutation_Status", "").strip().lower() == "germline":
                summary.skipped["Mutation_Status Germline"] = (
                    summary.skipped.get("Mutation_Status Germline", 0) + 1)
                continue
            rows.append(record)
        summary.samples_with_calls += bool(records)
    rows.sort(key=_position_key)
    summary.rows = len(rows)
    return tuple(columns), rows, summary


def _position_key(row: dict[str, str]) -> tuple:
    chrom = normalize_chrom(row.get("Chromosome", ""))
    start = row.get("Start_Position", "")
    return (row.get("Tumor_Sample_Barcode", ""), _CHROM_ORDER.get(chrom, 99), chrom,
            int(start) if start.isdigit() else 0, start, row.get("Reference_Allele", ""),
            row.get("Tumor_Seq_Allele2", ""), row.get("Hugo_Symbol", ""))


def write_cohort_maf(path: str | Path, columns: Sequence[str], rows: Sequence[dict[str, str]]) -> int:
    return write_maf(path, rows, tuple(columns))
