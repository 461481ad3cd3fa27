"""The cohort tables: clonality.tsv, clonality_evidence.tsv and clonality.qc.json (the
per-patient figures are plots/clonality.py's, composed with these by clonality_run.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from .cohort import CohortClonality
from .pair import PairResult

CLONALITY_COLUMNS = (
    "patient", "earlier_sample", "later_sample", "identity", "identity_sites", "shared",
    "private_earlier", "private_later", "lr_statistic", "p_value", "cn_breakpoints_shared",
    "igh_shared", "verdict", "evidence",
)

# kind: mutation (one per mutation compared), igh (the IGH comparison), verdict (rule, reason)
EVIDENCE_COLUMNS = (
    "patient", "earlier_sample", "later_sample", "kind", "chrom", "pos", "ref", "alt", "gene",
    "hgvsp", "status", "other_sample_reads", "in_test", "earlier_call", "earlier_depth",
    "earlier_alt_count", "earlier_vaf", "later_call", "later_depth", "later_alt_count",
    "later_vaf", "population_frequency", "frequency_basis", "ch_gene", "recurrent", "reason",
)


def write_clonality(result: CohortClonality, outdir: Path) -> None:
    from ..writers import write_json, write_tsv

    outdir = Path(outdir)
    write_tsv(outdir / "clonality.tsv", CLONALITY_COLUMNS, [p.row() for p in result.pairs])
    _write_evidence(outdir / "clonality_evidence.tsv",
                    (row for pair in result.pairs for row in pair.evidence_rows()))
    write_json(outdir / "clonality.qc.json", {
        "pairs": len(result.pairs), "skipped_samples": result.skipped,
        "verdicts": _tally(p.verdict for p in result.pairs),
    })


def _write_evidence(path: Path, rows: Iterable[dict]) -> None:
    """write_tsv(path, EVIDENCE_COLUMNS, rows, digits=6), the same bytes, with the cells that
    need no rounding (text, whole numbers, missing: most of a row's 26) formatted without
    writers.format_value's type tests; about 80,000 rows at 1,000 pairs."""
    import csv

    from ..writers import MISSING, atomic_open, format_value

    def cell(value: object) -> str:
        kind = value.__class__
        if kind is str:
            return value or MISSING  # type: ignore[return-value]
        if value is None:
            return MISSING
        if kind is int:
            return str(value)
        return format_value(value, 6)

    with atomic_open(path) as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE,
                            escapechar="\\")
        writer.writerow(EVIDENCE_COLUMNS)
        writer.writerows([cell(row.get(column)) for column in EVIDENCE_COLUMNS] for row in rows)


def pairs_by_patient(result: CohortClonality) -> dict[str, list[PairResult]]:
    by_patient: dict[str, list[PairResult]] = {}
    for pair in result.pairs:
        by_patient.setdefault(pair.patient, []).append(pair)
    return dict(sorted(by_patient.items()))


def patient_file_stem(patient: str) -> str:
    """The patient id as a file name (clonality/<stem>.png)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", patient)


def _tally(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))

