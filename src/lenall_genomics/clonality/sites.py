"""A variant site (chrom, pos, ref, alt) and its genome order."""

from __future__ import annotations

from ..genome import CHROMOSOMES

Key = tuple[str, int, str, str]


def site_order(key: Key) -> tuple:
    chrom = key[0]
    rank = CHROMOSOMES.index(chrom) if chrom in CHROMOSOMES else len(CHROMOSOMES)
    return (rank, chrom, key[1], key[2], key[3])
