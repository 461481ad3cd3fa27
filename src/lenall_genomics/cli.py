"""The `lenall` command group: argument parsing and error printing only.

Subcommands live in `lenall_genomics.commands.*` and are imported only when invoked, so that
`lenall --help` and every step start fast.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from . import __version__
from .errors import LenallInputError

# name -> "module:attribute"; one entry per subcommand, in the order `--help` lists them.
COMMANDS = {
    "run": "lenall_genomics.commands.run:run",
    "validate": "lenall_genomics.commands.validate:validate",
    "demo": "lenall_genomics.commands.demo:demo",
    "variants": "lenall_genomics.commands.variants:variants",
    "fusions": "lenall_genomics.commands.events:fusions",
    "copynumber": "lenall_genomics.commands.events:copynumber",
    "ploidy": "lenall_genomics.commands.ploidy:ploidy",
    "clonotypes": "lenall_genomics.commands.clonality:clonotypes",
    "cohort": "lenall_genomics.commands.cohort:cohort",
    "oncoprint": "lenall_genomics.commands.cohort:oncoprint",
    "clonality": "lenall_genomics.commands.clonality:clonality",
    "report": "lenall_genomics.commands.report:report",
    "export": "lenall_genomics.commands.report:export",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, target in COMMANDS.items() if _module_exists(target)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None or not _module_exists(target):
            return None
        module_name, attribute = target.split(":")
        return getattr(importlib.import_module(module_name), attribute)


def _module_exists(target: str) -> bool:
    return importlib.util.find_spec(target.split(":")[0]) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lenall")
def cli() -> None:
    """B-ALL after lenalidomide for myeloma: variants, fusions, copy number, ploidy,
    clonal relatedness and the cohort oncoprint."""


def main(argv: list[str] | None = None) -> None:
    """Console entry point: a bad input is one line on stderr and exit code 2."""
    try:
        # without standalone mode, click returns the code of `Exit(n)` instead of exiting
        code = cli.main(args=argv, prog_name="lenall", standalone_mode=False)
        if isinstance(code, int) and code != 0:
            sys.exit(code)
    except LenallInputError as error:
        click.echo(f"lenall: error: {error}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("lenall: aborted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)


if __name__ == "__main__":
    main()
