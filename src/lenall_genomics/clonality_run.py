"""The `clonality` step: the per-patient comparisons (clonality/), their tables and the
per-patient figures (plots/clonality.py). Biology and plotting meet here only, so the clonality
package never imports a plot.

Drawing is most of the step's time, so a patient's figure is drawn again only when what it shows
changed: beside `clonality/<patient>.png|svg` a hidden `.<patient>.figure.json` records the
SHA-256 of the figure's content (plots.clonality.figure_spec, with the package and matplotlib
versions) and of both files. Adding a patient to a cohort therefore draws one figure.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from . import __version__
from .clonality import CohortClonality, run_clonality, write_clonality
from .clonality.outputs import pairs_by_patient, patient_file_stem
from .model import Sample


def run_clonality_step(samples: Sequence[Sample], results: Path, outdir: Path, genome: str,
                       **options) -> CohortClonality:
    """Compare each patient's tumour samples; write clonality.tsv, clonality_evidence.tsv,
    clonality.qc.json and clonality/<patient>.png|svg. `options` go to run_clonality."""
    from .plots.clonality import figure_spec

    result = run_clonality(samples, Path(results), genome, **options)
    outdir = Path(outdir)
    write_clonality(result, outdir)
    for patient, pairs in pairs_by_patient(result).items():
        draw_once(figure_spec(patient, pairs), outdir / "clonality" / patient_file_stem(patient))
    return result


def draw_once(spec: dict, base: Path) -> list[Path]:
    """<base>.png and <base>.svg of a figure spec, drawn unless they already show it."""
    from .writers import write_json

    paths = [base.with_name(base.name + suffix) for suffix in (".png", ".svg")]
    record = base.with_name(f".{base.name}.figure.json")
    key = _figure_key(spec)
    if _still_drawn(record, key, paths):
        return paths
    from .plots.clonality import draw_figure

    written = draw_figure(spec, base)
    write_json(record, {"key": key, "files": {p.name: _sha256(p) for p in written}})
    return written


def _figure_key(spec: dict) -> str:
    text = json.dumps({"spec": spec, "lenall": __version__,
                       "matplotlib": metadata.version("matplotlib")},
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _still_drawn(record: Path, key: str, paths: Sequence[Path]) -> bool:
    try:
        seen = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(seen, dict) or seen.get("key") != key:
        return False
    files = seen.get("files") or {}
    return all(p.is_file() and files.get(p.name) == _sha256(p) for p in paths)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
