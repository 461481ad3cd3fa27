"""`lenall demo --outdir DIR`: write the demo cohort (a reconstruction of Geyer et al. 2023)."""

from __future__ import annotations

import click


@click.command()
@click.option("--outdir", required=True, type=click.Path(file_okay=False, path_type=str),
              help="Folder to write the demo files, samplesheet.csv and truth.tsv into.")
@click.option("--genome", default="GRCh38", show_default=True,
              type=click.Choice(["GRCh38", "GRCh37"]),
              help="Genome build of the files (the demo is written for GRCh38).")
def demo(outdir: str, genome: str) -> None:
    """Write the synthetic 32-patient demo cohort as raw caller outputs plus a samplesheet."""
    from ..demo.build import build_demo

    folder = build_demo(outdir, genome)
    click.echo(f"lenall demo: wrote the demo cohort to {folder} "
               f"(samplesheet: {folder / 'samplesheet.csv'})", err=True)
