"""`lenall fusions` and `lenall copynumber`: argument parsing only (logic in the events package)."""

from __future__ import annotations

from pathlib import Path

import click

from ..model import DEFAULT_GENOME, FUSION_FORMATS, GENOMES, SEGMENT_FORMATS, SEX_CODES


@click.command("fusions")
@click.option("--sample", required=True, help="Sample id (names the output files).")
@click.option("--fusions", "fusions_path", required=True,
              type=click.Path(exists=True, dir_okay=False),
              help="Fusion caller output or DNA structural-variant VCF.")
@click.option("--outdir", required=True, type=click.Path(file_okay=False),
              help="Folder for <sample>.fusions.tsv.")
@click.option("--genome", type=click.Choice(GENOMES), default=DEFAULT_GENOME, show_default=True)
@click.option("--format", "fmt", type=click.Choice(FUSION_FORMATS), default=None,
              help="Input format; detected from the header when not given.")
def fusions(sample: str, fusions_path: str, outdir: str, genome: str, fmt: str | None) -> None:
    """Normalize fusion calls (Arriba, STAR-Fusion, FusionCatcher, Archer-style TSV, SV VCF)
    and label curated B-ALL driver fusions; every call is kept (others as `other`)."""
    from ..events import run_fusions

    written = run_fusions(sample, Path(fusions_path), Path(outdir), genome, fmt)
    click.echo(f"{sample}: {written['events']} fusion events ({written['drivers']} curated "
               f"drivers) from {written['calls']} calls; {written['skipped']} records skipped "
               f"-> {written['path']}", err=True)


@click.command("copynumber")
@click.option("--sample", required=True, help="Sample id (names the output files; also picks "
              "the sample in multi-sample .seg / ASCAT files unless --segments-sample is given).")
@click.option("--segments", "segments_path", required=True,
              type=click.Path(exists=True, dir_okay=False), help="Copy-number segment file.")
@click.option("--outdir", required=True, type=click.Path(file_okay=False),
              help="Folder for <sample>.segments.tsv and <sample>.cn_events.tsv.")
@click.option("--genome", type=click.Choice(GENOMES), default=DEFAULT_GENOME, show_default=True)
@click.option("--format", "fmt", type=click.Choice(SEGMENT_FORMATS), default=None,
              help="Input format; detected from the header when not given.")
@click.option("--purity", type=click.FloatRange(0, 1), default=None,
              help="Tumour purity, used to rescale log2 ratios.")
@click.option("--sex", type=click.Choice(tuple(SEX_CODES), case_sensitive=False), default=None,
              callback=lambda _ctx, _param, value: SEX_CODES[value.lower()] if value else None,
              help="Sex, for the copy-number baseline of X and Y (PAR1 is 2 copies in both).")
@click.option("--segments-sample", default=None,
              help="Sample name inside a multi-sample segment file, when it differs from --sample.")
def copynumber(sample: str, segments_path: str, outdir: str, genome: str, fmt: str | None,
               purity: float | None, sex: str | None, segments_sample: str | None) -> None:
    """Normalize copy-number segments and call gene-level events (deletions, gains, IKZF1 Δ4-7,
    CDKN2A/B, PAR1 P2RY8::CRLF2, possible KMT2A rearrangement)."""
    from ..events import run_copynumber

    written = run_copynumber(sample, Path(segments_path), Path(outdir), genome, fmt, purity, sex,
                             segments_sample or sample)
    click.echo(f"{sample}: {written['segments']} segments, {written['events']} copy-number "
               f"events; {written['skipped']} records skipped -> {written['path']}", err=True)
