"""`lenall report` (the cohort HTML report) and `lenall export maf|cbioportal|all`."""

from __future__ import annotations

from pathlib import Path

import click

from ..model import DEFAULT_GENOME, GENOMES

DEFAULT_STUDY_ID = "lenall_ball_cohort"  # same as export.cbioportal.DEFAULT_STUDY_ID


def _cohort_options(function):
    """The options every cohort step gets from the step graph (steps.py)."""
    function = click.option("--genome", type=click.Choice(GENOMES), default=DEFAULT_GENOME,
                            show_default=True, help="Genome build of the results.")(function)
    function = click.option("--outdir", required=True, type=click.Path(file_okay=False),
                            help="The cohort folder (cohort tables are read from it, outputs "
                                 "written to it).")(function)
    function = click.option("--results", required=True, type=click.Path(file_okay=False),
                            help="Folder searched recursively for <sample>.<suffix> per-sample "
                                 "results (absent = no per-sample results).")(function)
    function = click.option("--samplesheet", required=True,
                            type=click.Path(exists=True, dir_okay=False),
                            help="The samplesheet CSV.")(function)
    return function


def _samples(samplesheet: str):
    from ..samplesheet import load_samplesheet

    return load_samplesheet(samplesheet, check_files=False)


@click.command("report")
@_cohort_options
def report(samplesheet: str, results: str, outdir: str, genome: str) -> None:
    """Write <outdir>/report.html: one self-contained page (cohort n/N table, interactive
    oncoprint, ploidy, clonality, per-sample QC, parameters). It opens offline."""
    from ..report.render import render_report

    path = render_report(outdir, results, _samples(samplesheet), genome,
                         parameters={"samplesheet": samplesheet})
    click.echo(f"lenall report: {path}", err=True)


@click.group("export")
def export() -> None:
    """Export the cohort: a MAF of all somatic calls and a cBioPortal study folder."""


def _study_options(function):
    function = click.option("--study-id", default=DEFAULT_STUDY_ID, show_default=True,
                            help="cancer_study_identifier of the cBioPortal study.")(function)
    function = click.option("--study-name", default=None,
                            help="Study name shown in cBioPortal.")(function)
    function = click.option("--cancer-type", default=None,
                            help="type_of_cancer (OncoTree code, lower case); default from the "
                                 "diagnoses, 'mixed' when several.")(function)
    return function


@export.command("maf")
@_cohort_options
def export_maf(samplesheet: str, results: str, outdir: str, genome: str) -> None:
    """Write <outdir>/cohort.maf (and cohort.maf.qc.json)."""
    from ..export.run import export_cohort_maf

    summary = export_cohort_maf(_samples(samplesheet), results, outdir)
    click.echo(f"lenall export maf: {summary.rows} somatic calls from "
               f"{summary.samples_with_calls} samples -> {Path(outdir) / 'cohort.maf'}", err=True)


@export.command("cbioportal")
@_cohort_options
@_study_options
def export_cbioportal(samplesheet: str, results: str, outdir: str, genome: str, study_id: str,
                      study_name: str | None, cancer_type: str | None) -> None:
    """Write the cBioPortal study folder <outdir>/cbioportal/ (and cbioportal.qc.json).

    Load its gene panels (data_gene_panel_*.txt) into the portal with cBioPortal's
    importGenePanel.py before importing the study."""
    from ..export.run import export_study

    summary = export_study(_samples(samplesheet), results, outdir, genome, study_id=study_id,
                           study_name=study_name, cancer_type=cancer_type,
                           panel_base=Path(samplesheet).resolve().parent)
    _echo_study(summary)


def _echo_study(summary) -> None:
    skipped = ", ".join(f"{k}: {v}" for k, v in sorted(summary.skipped.items()) if v)
    click.echo(f"lenall export cbioportal: {summary.samples} samples, {summary.patients} "
               f"patients -> {summary.folder}" + (f" (left out: {skipped})" if skipped else ""),
               err=True)


@export.command("all")
@_cohort_options
@_study_options
def export_all(samplesheet: str, results: str, outdir: str, genome: str, study_id: str,
               study_name: str | None, cancer_type: str | None) -> None:
    """Write <outdir>/cohort.maf and the cBioPortal study <outdir>/cbioportal/."""
    from ..export.run import export_all as export_both

    maf, study = export_both(_samples(samplesheet), results, outdir, genome, study_id=study_id,
                             study_name=study_name, cancer_type=cancer_type,
                             panel_base=Path(samplesheet).resolve().parent)
    click.echo(f"lenall export maf: {maf.rows} somatic calls from {maf.samples_with_calls} "
               f"samples -> {Path(outdir) / 'cohort.maf'}", err=True)
    _echo_study(study)
