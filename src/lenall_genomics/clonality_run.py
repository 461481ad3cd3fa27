"""The `clonality` step: the per-patient comparisons (clonality/), their tables and the
per-patient figures (plots/clonality.py). Biology and plotting meet here only, so the clonality
package never imports a plot.

Each patient with a compared pair gets `clonality/<patient>.svg`, written directly from the
figure's plain-data spec (plots.clonality.figure_spec); `png=True` (`--png`) also draws
`<patient>.png` with matplotlib, and only then are figures drawn by `cores` forked processes (the
files do not depend on how many draw them). A figure is written again only when what it shows
changed: beside it a hidden `.<patient>.figure.json` records the SHA-256 of the figure's content
(the spec, the formats, the package version and, for the PNG, matplotlib's) and of each file.
Adding a patient to a cohort therefore writes one figure.

`previous` names the clonality folder of an earlier run (in Nextflow, the published one, staged
into the task): a figure whose record there has the same key, and whose files there still have
the recorded hashes, is copied from there instead of drawn. Only content hashes are compared, so
this holds when files are staged by copy, under any path and with any times.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .clonality import CohortClonality, run_clonality, write_clonality
from .clonality.outputs import pairs_by_patient, patient_file_stem
from .model import Sample

FIGURE_FORMAT = 2  # the figures' layout version: a new one redraws every figure


def run_clonality_step(samples: Sequence[Sample], results: Path, outdir: Path, genome: str,
                       cores: int = 1, png: bool = False, previous: Path | None = None,
                       **options) -> tuple[CohortClonality, dict[str, int]]:
    """Compare each patient's tumour samples; write clonality.tsv, clonality_evidence.tsv,
    clonality.qc.json and clonality/<patient>.svg (and .png when `png`). `options` go to
    run_clonality. Returns the comparisons and how many figures were drawn, copied from
    `previous` and kept (draw_missing)."""
    from .plots.clonality import figure_spec

    result = run_clonality(samples, Path(results), genome, **options)
    outdir = Path(outdir)
    write_clonality(result, outdir)
    specs = [(figure_spec(patient, pairs), outdir / "clonality" / patient_file_stem(patient))
             for patient, pairs in pairs_by_patient(result).items()]
    return result, draw_missing(specs, cores, png=png, previous=previous)


def draw_missing(specs: Sequence[tuple[dict, Path]], cores: int = 1, *, png: bool = False,
                 previous: Path | None = None) -> dict[str, int]:
    """Write <base>.svg (and <base>.png when `png`) of each (figure spec, base) unless they
    already show it, copying them from the folder `previous` where it has them; returns how
    many were drawn, copied and kept."""
    from .writers import write_json

    pending = []
    tally = {"drawn": 0, "copied": 0, "kept": 0}
    for spec, base in specs:
        key = _figure_key(spec, png)
        paths = _paths(base, png)
        if _still_drawn(_record(base), key, paths):
            tally["kept"] += 1
            continue
        if not png:
            base.with_name(base.name + ".png").unlink(missing_ok=True)  # would show an old spec
        copied = _copy_previous(previous, base, key, paths) if previous is not None else None
        if copied is not None:
            write_json(_record(base), {"key": key, "files": copied})
            tally["copied"] += 1
            continue
        pending.append((spec, base, key))
    for (_spec, base, key), written in zip(pending, _draw_all(pending, cores, png), strict=True):
        write_json(_record(base), {"key": key, "files": {p.name: _sha256(p) for p in written}})
    tally["drawn"] = len(pending)
    return tally


def draw_once(spec: dict, base: Path, png: bool = False) -> list[Path]:
    """<base>.svg (and .png) of a figure spec, drawn unless they already show it."""
    draw_missing([(spec, base)], png=png)
    return _paths(base, png)


def _draw_all(pending: Sequence[tuple[dict, Path, str]], cores: int, png: bool):
    from .plots.clonality import draw_figure

    specs = [spec for spec, _b, _k in pending]
    bases = [base for _s, base, _k in pending]
    if not png or cores <= 1 or len(pending) <= 1 or not _can_fork():
        return [draw_figure(spec, base, png) for spec, base in zip(specs, bases, strict=True)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(min(cores, len(pending)),
                             mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(draw_figure, specs, bases, [png] * len(specs), chunksize=8))


def _copy_previous(previous: Path, base: Path, key: str, paths: Sequence[Path]
                   ) -> dict[str, str] | None:
    """Copy the figure's files from the earlier run's folder when its record there has this key
    and each file there still has the recorded hash; returns their hashes, or None."""
    from .writers import atomic_path

    old = Path(previous) / base.name
    try:
        seen = json.loads(_record(old).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(seen, dict) or seen.get("key") != key:
        return None
    files = seen.get("files") or {}
    sources = [old.with_name(p.name) for p in paths]
    hashes = {}
    for source in sources:
        if not source.is_file() or files.get(source.name) != _sha256(source):
            return None
        hashes[source.name] = files[source.name]
    for source, target in zip(sources, paths, strict=True):
        with atomic_path(target) as tmp:
            shutil.copyfile(source, tmp)
    return hashes


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _paths(base: Path, png: bool = False) -> list[Path]:
    return [base.with_name(base.name + suffix) for suffix in ((".png", ".svg") if png
                                                               else (".svg",))]


def _record(base: Path) -> Path:
    return base.with_name(f".{base.name}.figure.json")


def _figure_key(spec: dict, png: bool = False) -> str:
    content = {"spec": spec, "lenall": __version__, "layout": FIGURE_FORMAT,
               "formats": ["png", "svg"] if png else ["svg"]}
    if png:
        from importlib import metadata

        content["matplotlib"] = metadata.version("matplotlib")
    text = json.dumps(content, sort_keys=True, default=str)
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
