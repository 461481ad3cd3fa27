"""The `clonality` step: the per-patient comparisons (clonality/), their tables and the
per-patient figures (plots/clonality.py). Biology and plotting meet here only, so the clonality
package never imports a plot."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .clonality import CohortClonality, run_clonality, write_clonality
from .clonality.outputs import pairs_by_patient, patient_file_stem
from .model import Sample


def run_clonality_step(samples: Sequence[Sample], results: Path, outdir: Path, genome: str,
                       **options) -> CohortClonality:
    """Compare each patient's tumour samples; write clonality.tsv, clonality_evidence.tsv,
    clonality.qc.json and clonality/<patient>.png|svg. `options` go to run_clonality."""
    from .plots.clonality import plot_patient

    result = run_clonality(samples, Path(results), genome, **options)
    outdir = Path(outdir)
    write_clonality(result, outdir)
    for patient, pairs in pairs_by_patient(result).items():
        plot_patient(patient, pairs, outdir / "clonality" / patient_file_stem(patient))
    return result
