"""`lenall ploidy`: chromosome count, ploidy class and masked hypodiploidy for one sample."""

from __future__ import annotations

import click

from ..model import DEFAULT_GENOME, GENOMES, SEX_CODES


@click.command("ploidy")
@click.option("--sample", required=True, help="Sample id (names the output files).")
@click.option("--segments", required=True, type=click.Path(dir_okay=False),
              help="Normalized <sample>.segments.tsv written by `lenall copynumber`.")
@click.option("--outdir", required=True, type=click.Path(file_okay=False),
              help="Folder for <sample>.ploidy.json, .genome.png and .genome.svg.")
@click.option("--genome", type=click.Choice(GENOMES), default=DEFAULT_GENOME, show_default=True)
@click.option("--sex", type=click.Choice(tuple(SEX_CODES), case_sensitive=False), default="unknown",
              show_default=True, help="Declared sex: one X in a male is not a loss.")
@click.option("--purity", type=click.FloatRange(0, 1, min_open=True), default=None,
              help="Tumour purity; used only where total CN is derived from log2.")
@click.option("--rules", "rules_file", type=click.Path(exists=True, dir_okay=False),
              default=None, help="TSV of parameter/value overriding assets/ploidy_rules.tsv.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Override one ploidy parameter, e.g. --param state_min_fraction=0.85. "
                   "Repeatable.")
def ploidy(sample: str, segments: str, outdir: str, genome: str, sex: str,
           purity: float | None, rules_file: str | None, params: tuple[str, ...]) -> None:
    """Count chromosomes from copy-number segments and call the ploidy class,
    including masked (doubled) hypodiploidy when minor (allele-specific) CN is present."""
    from ..ploidy import load_rules, parse_params
    from ..ploidy_run import run_ploidy

    rules = load_rules(rules_file, parse_params(params))
    call = run_ploidy(sample, segments, outdir, genome, sex=sex, purity=purity, rules=rules)
    masked = f", masked: {call.pre_doubling_count} before doubling" if call.masked else ""
    click.echo(f"lenall ploidy: {sample}: {call.ploidy_class} ({call.modal_number} observed"
               f"{masked}; QC {call.qc['status']})", err=True)
