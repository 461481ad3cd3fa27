"""Where the data tables in assets/ live, in a source checkout and in an installed package.

The tables are kept once, in the top-level assets/ folder (Nextflow reads it from there too); a
built wheel carries a copy as lenall_genomics/assets (setup.py). LENALL_ASSETS overrides both.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from .errors import LenallInputError

ASSETS_ENV = "LENALL_ASSETS"
# A folder is taken for the assets folder only when it holds this file (every step reads it).
MARKER = "schema_input.json"


def _is_assets_folder(path: Path) -> bool:
    return (path / MARKER).is_file()


@cache
def assets_dir() -> Path:
    override = os.environ.get(ASSETS_ENV)
    if override:
        path = Path(override).expanduser()
        if not _is_assets_folder(path):
            state = "is not a folder" if not path.is_dir() else f"has no {MARKER}"
            raise LenallInputError(f"the assets folder {state}", file=path, field=ASSETS_ENV,
                                   hint=f"point {ASSETS_ENV} at the assets/ folder of "
                                        "lenall-genomics, or unset it to use the installed one")
        return path
    here = Path(__file__).resolve().parent
    candidates = (here / "assets", here.parents[1] / "assets")  # installed, source checkout
    for candidate in candidates:
        if _is_assets_folder(candidate):
            return candidate
    raise LenallInputError("the data tables of lenall-genomics are missing",
                           file=candidates[0], hint="reinstall the package (pip install "
                           f"lenall-genomics), or set {ASSETS_ENV} to its assets/ folder")


def asset(*parts: str) -> Path:
    return assets_dir().joinpath(*parts)


def read_commented_tsv(path: str | Path) -> list[dict[str, str]]:
    """Rows of a tab-separated table with `#` comment lines (sources) and one header line."""
    import csv

    with open(path, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def asset_rows(*parts: str) -> list[dict[str, str]]:
    """Rows of a table in assets/ (e.g. asset_rows("hotspots.tsv"))."""
    path = asset(*parts)
    try:
        return read_commented_tsv(path)
    except FileNotFoundError:
        raise LenallInputError("table missing from the assets folder", file=path,
                               hint=f"reinstall lenall-genomics or fix {ASSETS_ENV}") from None
