"""The export step: cohort.maf and the cBioPortal study, each with a QC json of what was left out.

`export_all` reads the per-sample MAFs once for both (export/maf.py streams each row to both).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from ..model import Sample
from ..results import ResultFiles, index_results
from ..writers import atomic_open, write_json
from .cbioportal import (
    DEFAULT_STUDY_ID,
    DEFAULT_STUDY_NAME,
    StudyInfo,
    StudySummary,
    export_cbioportal,
)
from .maf import CohortMaf, CohortMafSink, MafSink, MafSummary


def export_cohort_maf(samples: Sequence[Sample], results_dir: str | Path,
                      outdir: str | Path) -> MafSummary:
    """Write <outdir>/cohort.maf and <outdir>/cohort.maf.qc.json."""
    out = Path(outdir)
    maf = CohortMaf(samples, index_results(results_dir))
    with atomic_open(out / "cohort.maf") as handle:
        summary = maf.stream([CohortMafSink(handle, maf.columns)])
    write_json(out / "cohort.maf.qc.json", summary.as_dict())
    return summary


def export_study(samples: Sequence[Sample], results_dir: str | Path, outdir: str | Path,
                 genome: str, *, study_id: str = DEFAULT_STUDY_ID, study_name: str | None = None,
                 cancer_type: str | None = None, panel_base: str | Path | None = None,
                 panel_genes=None) -> StudySummary:
    """Write the study folder <outdir>/cbioportal/ and <outdir>/cbioportal.qc.json."""
    results = index_results(results_dir)
    return _study(samples, results, CohortMaf(samples, results), Path(outdir), genome,
                  StudyInfo(study_id=study_id, name=study_name or DEFAULT_STUDY_NAME,
                            type_of_cancer=cancer_type), panel_base, panel_genes)


def export_all(samples: Sequence[Sample], results_dir: str | Path, outdir: str | Path,
               genome: str, *, study_id: str = DEFAULT_STUDY_ID, study_name: str | None = None,
               cancer_type: str | None = None, panel_base: str | Path | None = None,
               panel_genes=None) -> tuple[MafSummary, StudySummary]:
    """cohort.maf and the study as export_cohort_maf and export_study write them, reading the
    per-sample MAFs once."""
    out = Path(outdir)
    results = index_results(results_dir)
    maf = CohortMaf(samples, results)
    info = StudyInfo(study_id=study_id, name=study_name or DEFAULT_STUDY_NAME,
                     type_of_cancer=cancer_type)
    with atomic_open(out / "cohort.maf") as handle:
        sink = CohortMafSink(handle, maf.columns)
        study = _study(samples, results, maf, out, genome, info, panel_base, panel_genes,
                       also=[sink])
        if not maf.streamed:  # no sample profiled for mutations: the MAF has its header only
            maf.stream([sink])
    write_json(out / "cohort.maf.qc.json", maf.summary.as_dict())
    return maf.summary, study


def read_subtypes(path: Path) -> dict[str, str]:
    """patient -> subtype from the cohort step's subtypes.tsv; empty when it is not there."""
    if not path.is_file():
        return {}
    from ..results import read_table

    return {r["patient"]: r["subtype"] for r in read_table(path, ("patient", "subtype")).rows
            if r["subtype"] not in ("", ".")}


def _study(samples: Sequence[Sample], results: ResultFiles, maf: CohortMaf, out: Path,
           genome: str, info: StudyInfo, panel_base, panel_genes,
           also: Sequence[MafSink] = ()) -> StudySummary:
    summary = export_cbioportal(samples, results, out / "cbioportal", genome, maf, info=info,
                                panel_genes=panel_genes, panel_base=panel_base, also=also,
                                subtypes=read_subtypes(out / "subtypes.tsv"))
    record = asdict(summary)
    record["folder"] = "cbioportal"
    write_json(out / "cbioportal.qc.json", record)
    return summary
