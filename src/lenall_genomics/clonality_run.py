"""The `clonality` step: the per-patient comparisons (clonality/), their tables and the
per-patient figures (plots/clonality.py). Biology and plotting meet here only, so the clonality
package never imports a plot.

Drawing is most of the step's time, so a patient's figure is drawn again only when what it shows
changed: beside `clonality/<patient>.png|svg` a hidden `.<patient>.figure.json` records the
SHA-256 of the figure's content (plots.clonality.figure_spec, with the package and matplotlib
versions) and of both files. Adding a patient to a cohort therefore draws one figure. The
figures still to draw are drawn by `cores` forked processes (each figure alone: the files do
not depend on how many draw them).
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
                       cores: int = 1, **options) -> CohortClonality:
    """Compare each patient's tumour samples; write clonality.tsv, clonality_evidence.tsv,
    clonality.qc.json and clonality/<patient>.png|svg. `options` go to run_clonality."""
    from .plots.clonality import figure_spec

    result = run_clonality(samples, Path(results), genome, **options)
    outdir = Path(outdir)
    write_clonality(result, outdir)
    specs = [(figure_spec(patient, pairs), outdir / "clonality" / patient_file_stem(patient))
             for patient, pairs in pairs_by_patient(result).items()]
    draw_missing(specs, cores)
    return result


def draw_missing(specs: Sequence[tuple[dict, Path]], cores: int = 1) -> int:
    """Draw <base>.png and <base>.svg of each (figure spec, base) unless they already show it;
    returns how many were drawn."""
    from .writers import write_json

    pending = []
    for spec, base in specs:
        key = _figure_key(spec)
        if not _still_drawn(_record(base), key, _paths(base)):
            pending.append((spec, base, key))
    for (_spec, base, key), written in zip(pending, _draw_all(pending, cores), strict=True):
        write_json(_record(base), {"key": key, "files": {p.name: _sha256(p) for p in written}})
    return len(pending)


def draw_once(spec: dict, base: Path) -> list[Path]:
    """<base>.png and <base>.svg of a figure spec, drawn unless they already show it."""
    draw_missing([(spec, base)])
    return _paths(base)


def _draw_all(pending: Sequence[tuple[dict, Path, str]], cores: int):
    from .plots.clonality import draw_figure

    if cores <= 1 or len(pending) <= 1 or not _can_fork():
        return [draw_figure(spec, base) for spec, base, _key in pending]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(min(cores, len(pending)),
                             mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(draw_figure, [spec for spec, _b, _k in pending],
                             [base for _s, base, _k in pending], chunksize=8))


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _paths(base: Path) -> list[Path]:
    return [base.with_name(base.name + suffix) for suffix in (".png", ".svg")]


def _record(base: Path) -> Path:
    return base.with_name(f".{base.name}.figure.json")


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
