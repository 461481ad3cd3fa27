"""`lenall variants`: one sample's VCF or MAF -> variants.tsv, .maf and variants.qc.json."""

from __future__ import annotations

from pathlib import Path

import click

from ..model import DEFAULT_GENOME, GENOMES

_FILE = click.Path(exists=False, dir_okay=False, path_type=Path)
# threshold option name -> help; defaults come from assets/germline_thresholds.tsv
_THRESHOLD_OPTIONS = {
    "min_tumor_depth": (int, "minimum tumour depth"),
    "min_tumor_alt_reads": (int, "minimum tumour alt reads"),
    "min_tumor_vaf": (float, "minimum tumour VAF"),
    "min_tumor_vaf_hotspot": (float, "minimum tumour VAF at hotspots"),
    "min_normal_depth": (int, "normal depth needed to judge germline from the normal"),
    "max_normal_alt_reads": (int, "normal alt reads above which a call is an artifact"),
    "normal_germline_vaf": (float, "normal VAF at which a call is germline"),
    "population_af_germline": (float, "population AF above which a call is germline"),
    "population_af_likely_germline": (float, "population AF above which likely germline"),
    "germline_min_log10_lr": (float, "tumour-only posterior log10 odds germline vs somatic"),
    "prior_somatic": (float, "tumour-only prior probability somatic (PureCN prior.somatic)"),
    "prior_somatic_hotspot": (float, "tumour-only prior probability somatic of a hotspot"),
    "max_subpop_af": (float, "gnomAD sub-population AF above which the flag common_variant is "
                             "added (vcf2maf --max-subpop-af)"),
}


def _threshold_options(func):
    for name, (kind, text) in reversed(_THRESHOLD_OPTIONS.items()):
        func = click.option(f"--{name.replace('_', '-')}", name, type=kind, default=None,
                            help=f"{text} (default: assets/germline_thresholds.tsv)")(func)
    return func


@click.command("variants")
@click.option("--sample", required=True, help="sample id (also the tumour column if it matches)")
@click.option("--outdir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--genome", type=click.Choice(GENOMES), default=DEFAULT_GENOME, show_default=True)
@click.option("--vcf", type=_FILE, help="somatic VCF (plain or bgzipped)")
@click.option("--maf", type=_FILE, help="MAF instead of a VCF")
@click.option("--normal-sample", help="matched-normal sample id (VCF column)")
@click.option("--purity", type=float, help="tumour purity (0-1] for tumour-only germline calls")
@click.option("--tumor-sample", help="tumour VCF column, when it is not the sample id")
@click.option("--gtf", type=_FILE, help="GTF for consequences of an unannotated VCF")
@click.option("--fasta", type=_FILE, help="indexed FASTA for codon changes (with --gtf)")
@click.option("--population-vcf", type=_FILE, help="indexed population AF VCF (e.g. gnomAD)")
@click.option("--pon", type=_FILE, help="indexed panel-of-normals VCF")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="processes that decide a VCF (default: automatic, 2 for a large VCF on a "
                   "machine with 2+ CPUs; 1 = one process; one process is always used with "
                   "--gtf, --population-vcf or --pon). The outputs do not depend on it.")
@_threshold_options
def variants(sample, outdir, genome, vcf, maf, normal_sample, purity, tumor_sample, gtf, fasta,
             population_vcf, pon, workers, **threshold_values):
    """Germline filtering, consequence and driver annotation of one sample's variants."""
    from ..variants.germline import default_thresholds, with_overrides
    from ..variants.pipeline import run_variants

    thresholds = with_overrides(default_thresholds(), **threshold_values)
    qc = run_variants(sample, outdir, genome, vcf=vcf, maf=maf, normal_sample=normal_sample,
                      purity=purity, tumor_sample=tumor_sample, gtf=gtf, fasta=fasta,
                      population_vcf=population_vcf, pon=pon, thresholds=thresholds,
                      workers=workers)
    counts = qc["status_counts"]
    click.echo(f"{sample}: {qc['records_read']} records, {qc['alleles_considered']} alleles, "
               f"{counts['somatic']} somatic, {qc['skipped_total']} skipped", err=True)
