"""`lenall validate SAMPLESHEET`: list every problem of a samplesheet, one per line.

The reference files a run would read (the options of `lenall variants` and the rows file) are
checked too when given: each must be a readable file with its index beside it, as the Nextflow
pipeline checks its params of the same names before any process runs.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

# option -> (pipeline param, index suffixes of which one must exist beside the file, or None)
SITES_INDEXES = ((".tbi", ".csi"),)
REFERENCE_OPTIONS = {
    "--gtf": ("gtf", ()),
    "--fasta": ("fasta", None),  # .fai, and .gzi when bgzipped: see _fasta_indexes
    "--population-vcf": ("population_vcf", SITES_INDEXES),
    "--pon": ("pon", SITES_INDEXES),
    "--rows": ("rows", ()),
    "--findings": ("findings", ()),
}


class ProblemsFound(click.ClickException):
    """Exit status 2 after the problems were listed; the message is the closing summary line.

    A ClickException (not click.exceptions.Exit) so that the status survives `cli.main`, which runs
    click with standalone_mode=False, where click turns Exit into a return value.
    """

    exit_code = 2

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(self.message, err=True)


def _fasta_indexes(path: Path) -> tuple[tuple[str, ...], ...]:
    return ((".fai",), (".gzi",)) if path.name.endswith(".gz") else ((".fai",),)


def _index_hint(option: str, path: Path) -> str:
    if option == "--fasta":
        return f"bgzip (not gzip) if compressed, then `samtools faidx {path.name}`"
    return f"bgzip it, then `tabix -p vcf {path.name}`"


def reference_problems(files: dict[str, str | None]) -> list[str]:
    """One line per unusable reference file, naming the option (and its pipeline param)."""
    problems = []
    for option, value in files.items():
        if not value:
            continue
        param, indexes = REFERENCE_OPTIONS[option]
        where = f"{option} (pipeline param --{param}) {value}"
        path = Path(value).expanduser()
        if not path.exists():
            problems.append(f"{where}: file does not exist")
            continue
        if path.is_dir():
            problems.append(f"{where}: is a folder, not a file")
            continue
        if not os.access(path, os.R_OK):
            problems.append(f"{where}: file is not readable (hint: check its permissions)")
            continue
        if option in ("--population-vcf", "--pon") and not path.name.endswith((".gz", ".bcf")):
            problems.append(f"{where}: a sites VCF is read by region, so it must be bgzipped "
                            f"and indexed (hint: {_index_hint(option, path)})")
            continue
        for suffixes in _fasta_indexes(path) if indexes is None else indexes:
            if not any(path.with_name(path.name + s).is_file() for s in suffixes):
                names = " or ".join(path.name + s for s in suffixes)
                problems.append(f"{where}: index {names} not found beside it "
                                f"(hint: {_index_hint(option, path)})")
    return problems


def _reference_option(name: str):
    return click.option(name, default=None, metavar="FILE",
                        help=f"check this reference as `lenall "
                             f"{'cohort' if name in ('--rows', '--findings') else 'variants'} "
                             f"{name}` would read it")


@click.command()
@click.argument("samplesheet", type=click.Path(dir_okay=False, path_type=str))
@_reference_option("--gtf")
@_reference_option("--fasta")
@_reference_option("--population-vcf")
@_reference_option("--pon")
@_reference_option("--rows")
@_reference_option("--findings")
def validate(samplesheet: str, gtf, fasta, population_vcf, pon, rows, findings) -> None:
    """Check SAMPLESHEET against the schema and the cross-row rules, and the reference files
    given; exit 2 on any problem."""
    from ..samplesheet import load_samplesheet, validate_samplesheet

    problems = [str(p) for p in validate_samplesheet(samplesheet)]
    problems += reference_problems({"--gtf": gtf, "--fasta": fasta,
                                    "--population-vcf": population_vcf, "--pon": pon,
                                    "--rows": rows, "--findings": findings})
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        count = len(problems)
        raise ProblemsFound(f"{samplesheet}: {count} problem{'s' if count != 1 else ''}")
    samples = load_samplesheet(samplesheet)
    patients = {sample.patient for sample in samples}
    click.echo(f"{samplesheet}: valid, {len(samples)} sample{'s' if len(samples) != 1 else ''}, "
               f"{len(patients)} patient{'s' if len(patients) != 1 else ''}")
