"""The rule tables of assets/ read by the event steps (each row gives its source)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..assets import asset_rows


@dataclass(frozen=True)
class CuratedFusion:
    gene5: str
    gene3: str
    driver: str  # "5" or "3"
    category: str
    rescue: bool
    source: str

    def matches(self, gene5: str, gene3: str) -> bool:
        return (gene5 != gene3 and self.gene5 in ("*", gene5) and self.gene3 in ("*", gene3))

    @property
    def exact(self) -> bool:
        return "*" not in (self.gene5, self.gene3)


@cache
def curated_fusions() -> tuple[CuratedFusion, ...]:
    rows = [CuratedFusion(r["gene5"], r["gene3"], r["driver"], r["category"],
                          r["rescue"].strip().lower() == "yes", r["source"])
            for r in asset_rows("fusions_curated.tsv")]
    return tuple(sorted(rows, key=lambda r: not r.exact))  # exact rows are tried first


def curated_match(gene5: str, gene3: str) -> CuratedFusion | None:
    return next((c for c in curated_fusions() if c.matches(gene5, gene3)), None)


@cache
def gene_aliases() -> dict[str, str]:
    return {r["alias"].upper(): r["symbol"] for r in asset_rows("fusion_gene_aliases.tsv")}


@cache
def cn_parameters() -> dict[str, float]:
    return {r["parameter"]: float(r["value"]) for r in asset_rows("cn_thresholds.tsv")}


@cache
def reported_cn_genes() -> frozenset[str]:
    """Genes with gene-level copy-number events (assets/cn_genes.tsv, with sources)."""
    return frozenset(r["gene"] for r in asset_rows("cn_genes.tsv"))


@cache
def pseudoautosomal(genome: str) -> tuple[tuple[str, int, int, int, int], ...]:
    """(name, x_start, x_end, y_start, y_end) of each PAR in the build."""
    return tuple((r["name"], int(r["start"]), int(r["end"]), int(r["y_start"]), int(r["y_end"]))
                 for r in asset_rows("pseudoautosomal_regions.tsv") if r["genome"] == genome)
