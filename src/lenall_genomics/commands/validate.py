"""`lenall validate SAMPLESHEET`: list every problem of a samplesheet, one per line."""

from __future__ import annotations

import click


class ProblemsFound(click.ClickException):
    """Exit status 2 after the problems were listed; the message is the closing summary line.

    A ClickException (not click.exceptions.Exit) so that the status survives `cli.main`, which runs
    click with standalone_mode=False, where click turns Exit into a return value.
    """

    exit_code = 2

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(self.message, err=True)


@click.command()
@click.argument("samplesheet", type=click.Path(dir_okay=False, path_type=str))
def validate(samplesheet: str) -> None:
    """Check SAMPLESHEET against the schema and the cross-row rules; exit 2 on any problem."""
    from ..samplesheet import load_samplesheet, validate_samplesheet

    problems = validate_samplesheet(samplesheet)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        count = len(problems)
        raise ProblemsFound(f"{samplesheet}: {count} problem{'s' if count != 1 else ''}")
    samples = load_samplesheet(samplesheet)
    patients = {sample.patient for sample in samples}
    click.echo(f"{samplesheet}: valid, {len(samples)} sample{'s' if len(samples) != 1 else ''}, "
               f"{len(patients)} patient{'s' if len(patients) != 1 else ''}")
