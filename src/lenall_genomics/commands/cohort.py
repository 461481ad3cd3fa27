"""`lenall cohort` and `lenall oncoprint`: argument parsing only."""

from __future__ import annotations

import click

from ..model import DEFAULT_GENOME, GENOMES

_FILE = click.Path(exists=True, dir_okay=False)


@click.command()
@click.option("--samplesheet", required=True, type=_FILE, help="Samplesheet CSV.")
@click.option("--results", required=True, type=click.Path(file_okay=False),
              help="Folder searched recursively for <sample>.<suffix> per-sample outputs.")
@click.option("--outdir", required=True, type=click.Path(file_okay=False),
              help="Where alterations/evaluability/frequencies/ploidy TSVs are written.")
@click.option("--genome", type=click.Choice(GENOMES), default=DEFAULT_GENOME, show_default=True)
@click.option("--rows", "rows_file", type=_FILE, default=None,
              help="Rows file (TSV) replacing the Figure 1 rows (assets/figure1/rows.tsv).")
@click.option("--findings", "findings_file", type=_FILE, default=None,
              help="Cohort-wide clinical findings table (TSV: patient, sample, test, target, "
                   "result, detail, date; docs/methods.md).")
def cohort(samplesheet, results, outdir, genome, rows_file, findings_file) -> None:
    """Merge per-sample results and cytogenetic evidence into cohort tables with n/N
    denominators."""
    from ..cohort import run_cohort

    tables = run_cohort(samplesheet, results, outdir, genome, rows_file, findings_file)
    for row in tables.frequencies:
        click.echo(f"{row['row']}\t{row['label']}", err=True)


@click.command()
@click.option("--cohort-dir", type=click.Path(exists=True, file_okay=False), default=None,
              help="Folder with alterations.tsv and evaluability.tsv from `lenall cohort`.")
@click.option("--samplesheet", type=_FILE, default=None,
              help="Samplesheet CSV (diagnosis, sex, panel tracks; RNA marker).")
@click.option("--outdir", required=True, type=click.Path(file_okay=False))
@click.option("--maf", type=_FILE, default=None,
              help="Draw straight from a MAF instead of a cohort folder.")
@click.option("--evaluability", type=_FILE, default=None,
              help="With --maf: patient/row/evaluated TSV (evaluability.tsv form).")
@click.option("--panel", default=None,
              help="With --maf: panel id or gene-list/BED file that all patients were profiled "
                   "with (rows of genes not on it are 'not evaluated').")
@click.option("--rows", "rows_file", type=_FILE, default=None, help="Rows file (TSV).")
@click.option("--style", default="figure1", show_default=True,
              help="figure1, cbioportal, or a style JSON file.")
@click.option("--clinical", type=_FILE, default=None,
              help="TSV keyed by patient; every other column becomes an annotation track.")
@click.option("--sort", "sort_by", default="memo", show_default=True,
              help="memo, given (with --order) or the name of an annotation track.")
@click.option("--order", "order_file", type=_FILE, default=None,
              help="Patient ids, one per line, for --sort given.")
@click.option("--formats", default="png,svg,pdf", show_default=True)
@click.option("--genome", type=click.Choice(GENOMES), default=DEFAULT_GENOME, show_default=True)
@click.option("--title", default=None, help="Title drawn above the plot.")
@click.option("--cores", type=click.IntRange(1), default=1, show_default=True,
              help="Processes writing the formats (2: the PNG beside the SVG and PDF).")
def oncoprint(cohort_dir, samplesheet, outdir, maf, evaluability, panel, rows_file, style,
              clinical, sort_by, order_file, formats, genome, title, cores) -> None:
    """Draw the cohort oncoprint (PNG 300 dpi, SVG, PDF)."""
    from ..plots.oncoprint_run import run_oncoprint

    run_oncoprint(cohort_dir=cohort_dir, samplesheet=samplesheet, outdir=outdir, maf=maf,
                  evaluability=evaluability, panel=panel, rows_file=rows_file, style=style,
                  clinical=clinical, sort_by=sort_by, order_file=order_file, formats=formats,
                  genome=genome, title=title, cores=cores)
