"""Tunable parameters (assets/clonality_parameters.tsv) and the clonal-haematopoiesis genes
(assets/ch_genes.tsv) of the clonality comparison."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from ..assets import asset


def read_asset_table(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@cache
def default_parameters() -> dict[str, float]:
    rows = read_asset_table(asset("clonality_parameters.tsv"))
    return {row["name"]: float(row["value"]) for row in rows}


@cache
def ch_genes() -> frozenset[str]:
    return frozenset(row["gene"] for row in read_asset_table(asset("ch_genes.tsv")))
