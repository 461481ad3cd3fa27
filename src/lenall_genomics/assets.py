"""Where the data tables in assets/ live, in a source checkout and in an installed package."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path


@cache
def assets_dir() -> Path:
    override = os.environ.get("LENALL_ASSETS")
    if override:
        return Path(override)
    here = Path(__file__).resolve().parent
    for candidate in (here / "assets", here.parents[1] / "assets"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("assets/ folder not found; set LENALL_ASSETS to its path")


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
    return read_commented_tsv(asset(*parts))
