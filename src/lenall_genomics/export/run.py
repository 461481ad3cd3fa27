"""The export step: cohort.maf and the cBioPortal study, each with a QC json of what was left out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from ..model import Sample
from ..results import index_results
from ..writers import write_json
from .cbioportal import (
    DEFAULT_STUDY_ID,
    DEFAULT_STUDY_NAME,
    StudyInfo,
    StudySummary,
    export_cbioportal,
)
from .maf import MafSummary, cohort_mutations, write_cohort_maf


def export_cohort_maf(samples: Sequence[Sample], results_dir: str | Path,
                      outdir: str | Path) -> MafSummary:
    """Write <outdir>/cohort.maf and <outdir>/cohort.maf.qc.json."""
    out = Path(outdir)
    columns, rows, summary = cohort_mutations(samples, index_results(results_dir))
    write_cohort_maf(out / "cohort.maf", columns, rows)
    write_json(out / "cohort.maf.qc.json", summary.as_dict())
    return summary


def export_study(samples: Sequence[Sample], results_dir: str | Path, outdir: str | Path,
                 genome: str, *, study_id: str = DEFAULT_STUDY_ID, study_name: str | None = None,
                 cancer_type: str | None = None, panel_base: str | Path | None = None,
                 panel_genes=None) -> StudySummary:
    """Write the study folder <outdir>/cbioportal/ and <outdir>/cbioportal.qc.json."""
    out = Path(outdir)
    results = index_results(results_dir)
    columns, rows, _ = cohort_mutations(samples, results)
    info = StudyInfo(study_id=study_id, name=study_name or DEFAULT_STUDY_NAME,
                     type_of_cancer=cancer_type)
    summary = export_cbioportal(samples, results, out / "cbioportal", genome, (columns, rows),
                                info=info, panel_genes=panel_genes, panel_base=panel_base)
    record = asdict(summary)
    record["folder"] = "cbioportal"
    write_json(out / "cbioportal.qc.json", record)
    return summary
