"""Tunable parameters (assets/clonality_parameters.tsv) and the clonal-haematopoiesis genes
(assets/ch_genes.tsv) of the clonality comparison."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ..assets import asset, read_commented_tsv


def read_asset_table(path: Path) -> list[dict[str, str]]:
    return read_commented_tsv(path)


@cache
def default_parameters() -> dict[str, float]:
    rows = read_asset_table(asset("clonality_parameters.tsv"))
    return {row["name"]: float(row["value"]) for row in rows}


@cache
def ch_genes() -> frozenset[str]:
    return frozenset(row["gene"] for row in read_asset_table(asset("ch_genes.tsv")))
