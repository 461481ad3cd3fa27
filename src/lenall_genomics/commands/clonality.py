"""`lenall clonotypes` (IGH clonotypes of one sample) and `lenall clonality` (relatedness of the
tumour samples of each patient)."""

from __future__ import annotations

import click

from ..model import CLONOTYPE_FORMATS, DEFAULT_GENOME, GENOMES


@click.command("clonotypes")
@click.option("--sample", required=True, help="Sample id (names the output file).")
@click.option("--clonotypes", "clonotypes_file", required=True,
              type=click.Path(dir_okay=False),
              help="AIRR rearrangement TSV, Change-O db-pass table or MiXCR clones export "
                   "(plain or gzipped).")
@click.option("--outdir", required=True, type=click.Path(file_okay=False),
              help="Folder for <sample>.clonotypes.tsv and <sample>.clonotypes.qc.json.")
@click.option("--format", "fmt", type=click.Choice(CLONOTYPE_FORMATS), default=None,
              help="Input format; detected from the header when not given.")
def clonotypes(sample: str, clonotypes_file: str, outdir: str, fmt: str | None) -> None:
    """Collapse IGH rearrangements into clonotypes (V gene, J gene, junction) with read
    fractions."""
    from ..readers.clonotypes import read_clonotypes, write_clonotypes

    table = read_clonotypes(clonotypes_file, fmt)
    write_clonotypes(table, outdir, sample)
    skipped = sum(table.skipped.values())
    click.echo(f"lenall clonotypes: {sample}: {len(table.rows)} IGH clonotypes from "
               f"{table.igh_records} IGH records ({table.format}); {skipped} record(s) skipped "
               f"{dict(sorted(table.skipped.items())) if skipped else ''}".rstrip(), err=True)


@click.command("clonality")
@click.option("--samplesheet", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--results", required=True, type=click.Path(file_okay=False),
              help="Folder searched recursively for <sample>.variants.tsv, .segments.tsv, "
                   ".cn_events.tsv, .clonotypes.tsv and .variants.qc.json.")
@click.option("--outdir", required=True, type=click.Path(file_okay=False),
              help="Folder for clonality.tsv, clonality_evidence.tsv and clonality/<patient>.svg")
@click.option("--genome", type=click.Choice(GENOMES), default=DEFAULT_GENOME, show_default=True)
@click.option("--bam", "bams", multiple=True, metavar="SAMPLE=PATH",
              help="Indexed BAM/CRAM of a sample, to count reads at sites called only in the "
                   "other sample. Repeatable.")
@click.option("--reference", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Reference FASTA (needed to read CRAM).")
@click.option("--min-depth", type=click.IntRange(1), default=None,
              help="Reads needed to call a site covered / genotype a germline site "
                   "[default 20, assets/clonality_parameters.tsv].")
@click.option("--min-alt-reads", type=click.IntRange(1), default=None,
              help="Alt reads that count as presence below the calling threshold [default 2].")
@click.option("--igh-identity", type=click.FloatRange(0, 1), default=None,
              help="Junction nucleotide identity for a shared IGH clonotype [default 0.85].")
@click.option("--cn-tolerance", type=click.IntRange(0), default=None,
              help="Breakpoint tolerance in bp [default 5 x mean inter-probe distance].")
@click.option("--simulations", type=click.IntRange(100), default=None,
              help="Null simulations for the p-value [default 2000].")
@click.option("--seed", type=int, default=None, help="Seed of the simulations [default fixed].")
@click.option("--rules", "rules_file", type=click.Path(exists=True, dir_okay=False),
              default=None, help="Verdict rules TSV replacing assets/clonality_rules.tsv.")
@click.option("--frequencies", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Mutation-frequency TSV replacing assets/mutation_frequencies.tsv.")
@click.option("--png", is_flag=True,
              help="Also draw each patient's figure as PNG (about 0.2 s a figure; the SVG is "
                   "always written).")
@click.option("--previous-figures", type=click.Path(file_okay=False), default=None,
              help="The clonality/ folder of an earlier run: figures it holds that still show "
                   "the same thing (by their .<patient>.figure.json records and content "
                   "hashes) are copied instead of drawn.")
@click.option("--cores", type=click.IntRange(1), default=1, show_default=True,
              help="Processes drawing the patients' PNG figures (the files do not depend on "
                   "it).")
def clonality(samplesheet: str, results: str, outdir: str, genome: str, bams: tuple[str, ...],
              reference: str | None, min_depth: int | None, min_alt_reads: int | None,
              igh_identity: float | None, cn_tolerance: int | None, simulations: int | None,
              seed: int | None, rules_file: str | None, frequencies: str | None,
              png: bool, previous_figures: str | None, cores: int) -> None:
    """Decide, per patient, whether two tumour samples (e.g. myeloma and B-ALL) are clonally
    related, after checking that they come from the same person."""
    from pathlib import Path

    from ..clonality import parse_bams
    from ..clonality_run import run_clonality_step
    from ..samplesheet import load_samplesheet

    overrides = {name: float(value) for name, value in (
        ("min_depth", min_depth), ("min_alt_reads", min_alt_reads),
        ("igh_identity", igh_identity), ("simulations", simulations), ("seed", seed),
    ) if value is not None}
    samples = load_samplesheet(samplesheet, check_files=False)
    result, figures = run_clonality_step(
        samples, Path(results), Path(outdir), genome, params=overrides, bams=parse_bams(bams),
        reference=Path(reference) if reference else None,
        rules_path=Path(rules_file) if rules_file else None,
        frequencies_path=Path(frequencies) if frequencies else None,
        cn_tolerance_bp=cn_tolerance, cores=cores, png=png,
        previous=Path(previous_figures) if previous_figures else None)
    verdicts = ", ".join(f"{p.patient} {p.earlier.name}->{p.later.name}: {p.verdict}"
                         for p in result.pairs) or "no patient with two tumour samples"
    click.echo(f"lenall clonality: {verdicts}", err=True)
    click.echo(f"lenall clonality: figures {figures['drawn']} drawn, {figures['copied']} "
               f"copied from --previous-figures, {figures['kept']} unchanged", err=True)
    for sample, reason in sorted(result.skipped.items()):
        click.echo(f"lenall clonality: skipped {sample}: {reason}", err=True)
