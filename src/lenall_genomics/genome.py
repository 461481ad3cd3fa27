"""Reference facts per genome build: chromosome names and lengths, centromeres, gene extents.

The tables are data in assets/ (each with its source in its header); this module only reads them.
Chromosome names are normalized to the bare form ("1".."22", "X", "Y", "MT"), so that `chr1` and
`1` both work everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .assets import asset_rows
from .errors import LenallInputError
from .model import GENOMES

AUTOSOMES = tuple(str(i) for i in range(1, 23))
CHROMOSOMES = AUTOSOMES + ("X", "Y")
ACROCENTRIC = ("13", "14", "15", "21", "22")


@dataclass(frozen=True)
class Gene:
    name: str
    chrom: str
    start: int  # 1-based inclusive
    end: int
    strand: str


@dataclass(frozen=True)
class Exon:
    gene: str
    transcript: str
    number: int
    chrom: str
    start: int
    end: int


@dataclass(frozen=True)
class Chromosome:
    name: str
    length: int
    centromere_start: int
    centromere_end: int


def normalize_chrom(name: str) -> str:
    """'chr1' -> '1', 'chrX' -> 'X', 'chrM'/'M' -> 'MT'; other names pass through unchanged."""
    bare = name[3:] if name[:3].lower() == "chr" else name
    upper = bare.upper()
    if upper in ("M", "MT"):
        return "MT"
    if upper in ("X", "Y"):
        return upper
    return bare


def check_genome(genome: str) -> str:
    if genome not in GENOMES:
        raise LenallInputError(f"unknown genome build '{genome}'", field="--genome",
                               hint=f"use one of {', '.join(GENOMES)}")
    return genome


@cache
def chromosomes(genome: str) -> dict[str, Chromosome]:
    check_genome(genome)
    return {
        row["chrom"]: Chromosome(row["chrom"], int(row["length"]), int(row["centromere_start"]),
                                 int(row["centromere_end"]))
        for row in asset_rows(f"chromosomes_{genome}.tsv")
    }


@cache
def genes(genome: str) -> dict[str, Gene]:
    check_genome(genome)
    return {
        row["gene"]: Gene(row["gene"], normalize_chrom(row["chrom"]), int(row["start"]),
                          int(row["end"]), row["strand"])
        for row in asset_rows(f"genes_{genome}.tsv")
    }


@cache
def exons(genome: str, gene: str) -> tuple[Exon, ...]:
    check_genome(genome)
    found = [
        Exon(row["gene"], row["transcript"], int(row["exon"]), normalize_chrom(row["chrom"]),
             int(row["start"]), int(row["end"]))
        for row in asset_rows(f"exons_{genome}.tsv") if row["gene"] == gene
    ]
    return tuple(sorted(found, key=lambda e: e.number))


def genes_overlapping(genome: str, chrom: str, start: int, end: int) -> list[Gene]:
    chrom = normalize_chrom(chrom)
    return sorted((g for g in genes(genome).values()
                   if g.chrom == chrom and g.start <= end and start <= g.end),
                  key=lambda g: (g.start, g.name))


def check_contig_lengths(lengths: dict[str, int], genome: str, *, file: str) -> None:
    """Fail when the primary chromosomes' lengths say the file is of another build.

    Only contigs that are primary chromosomes are compared; files without lengths pass.
    """
    expected = chromosomes(genome)
    other = next(g for g in GENOMES if g != genome)
    mismatched = []
    for raw_name, length in lengths.items():
        name = normalize_chrom(raw_name)
        if name in expected and length and length != expected[name].length:
            mismatched.append((raw_name, length, expected[name].length))
    if mismatched:
        contig, seen, wanted = mismatched[0]
        matches_other = all(chromosomes(other)[normalize_chrom(c)].length == n
                            for c, n, _ in mismatched if normalize_chrom(c) in chromosomes(other))
        hint = (f"the contigs are {other}'s: run with --genome {other}" if matches_other
                else "check that the file and --genome are of the same reference")
        raise LenallInputError(
            f"contig {contig} has length {seen}, but {genome} {normalize_chrom(contig)} is "
            f"{wanted}", file=file, field="##contig", hint=hint)
