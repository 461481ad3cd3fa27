"""`lenall run`: the whole step graph on one machine, in parallel, cached."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import click

from ..model import DEFAULT_GENOME, GENOMES


@click.command("run")
@click.option("--samplesheet", required=True, type=click.Path(exists=True, dir_okay=False),
              help="Samplesheet CSV (see `lenall validate`).")
@click.option("--outdir", required=True, type=click.Path(file_okay=False),
              help="Results folder: samples/<sample>/, cohort/, pipeline_info/.")
@click.option("--genome", type=click.Choice(GENOMES), default=DEFAULT_GENOME, show_default=True)
@click.option("--cores", type=click.IntRange(min=1), default=min(4, os.cpu_count() or 1),
              show_default=True, help="Steps run at the same time.")
@click.option("--step-args", "step_args", nargs=2, multiple=True, metavar="STEP 'ARGS'",
              help="Extra options for one step, e.g. --step-args variants '--gtf genes.gtf'. "
                   "Repeatable.")
@click.option("--findings", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Cohort-wide clinical findings table (FISH, RT-PCR, SNP array; TSV) for "
                   "the cohort step.")
@click.option("--quiet", is_flag=True, help="No progress lines.")
def run(samplesheet: str, outdir: str, genome: str, cores: int,
        step_args: tuple[tuple[str, str], ...], findings: str | None, quiet: bool) -> None:
    """Run every step for every sample, then the cohort steps.

    A second identical run executes nothing; adding a sample re-runs only that sample's
    steps and the cohort steps. Exit code 1 when a step failed (the others' results are kept).
    """
    from ..runner import run_pipeline
    from ..samplesheet import load_samplesheet
    from ..steps import STEPS, RunContext

    known = {s.name for s in STEPS}
    options: dict[str, tuple[str, ...]] = {}
    for step_name, text in step_args:
        if step_name not in known:
            raise click.BadParameter(f"unknown step '{step_name}' (steps: "
                                     f"{', '.join(sorted(known))})", param_hint="--step-args")
        options[step_name] = options.get(step_name, ()) + tuple(shlex.split(text))

    sheet = Path(samplesheet).resolve()
    ctx = RunContext(samplesheet=sheet, samples=load_samplesheet(sheet),
                     outdir=Path(outdir).resolve(), genome=genome, step_options=options,
                     findings=Path(findings).resolve() if findings else None, cores=cores)
    summary = run_pipeline(ctx, cores=cores, quiet=quiet)

    click.echo(f"lenall run: {summary.count('ran')} ran, {summary.count('cached')} cached, "
               f"{summary.count('skipped')} skipped, {summary.count('failed')} failed "
               f"(log: {ctx.outdir / 'pipeline_info' / 'run.log'})", err=True)
    for task in summary.failed:
        click.echo(f"  failed: {task.id}: {task.message.splitlines()[0]}", err=True)
    if not summary.ok:
        raise click.exceptions.Exit(1)
