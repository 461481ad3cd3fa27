"""The `ploidy` step: the call (ploidy.py) and its genome plot (plots/genome.py), written side by
side. Biology and plotting meet here only, so neither imports the other's step."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .ploidy import PloidyCall, ploidy_sample, write_ploidy_json


def run_ploidy(sample: str, segments_path: str | Path, outdir: str | Path, genome: str,
               sex: str | None = None, purity: float | None = None,
               rules: Mapping[str, float] | None = None) -> PloidyCall:
    """segments TSV -> <sample>.ploidy.json, <sample>.genome.png and <sample>.genome.svg."""
    from .plots.genome import plot_genome

    call, data = ploidy_sample(sample, segments_path, genome, sex, purity, rules)
    outdir = Path(outdir)
    write_ploidy_json(call, outdir / f"{sample}.ploidy.json", segments_path, purity)
    plot_genome(call, data.segments, outdir / f"{sample}.genome")
    return call
